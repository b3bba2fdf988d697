#!/bin/sh
# Draws the pictures of docs/figures.md: runs figures.rnn and copies its PNGs here.
# usage: docs/figures/make.sh [RNN]   (RNN: the rnn program, default build/interpreter/rnn)
set -e
here=$(cd "$(dirname "$0")" && pwd)
rnn=${1:-"$here/../../build/interpreter/rnn"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$rnn" run "$here/figures.rnn" --out "$work/run" --quiet
for picture in "$work"/run/*.png; do
  cp "$picture" "$here/"
done
du -ch "$here"/*.png | tail -1
