#!/bin/sh
# SPDX-License-Identifier: MIT
# Renders the committed PNG icons from the SVGs. Run after changing an SVG (needs rsvg-convert: librsvg2-bin).
# 16 px has its own drawing on the pixel grid; the other sizes scale kodemon.svg.
set -eu
cd "$(dirname "$0")"
for size in 16 22 24 32 48 64 128 256 512; do
    source=kodemon.svg
    [ "$size" -eq 16 ] && source=kodemon-16.svg
    rsvg-convert --width "$size" --height "$size" "$source" --output "png/kodemon-$size.png"
done
