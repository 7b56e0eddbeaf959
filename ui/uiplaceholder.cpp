// SPDX-License-Identifier: MIT
// Placeholder until the desktop viewer lands (issue #4).
