// SPDX-License-Identifier: MIT
// The desktop viewer lands here (issue #4).
