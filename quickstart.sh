#!/usr/bin/env bash
# Quick start: installs what is missing, builds in release, runs the main job on
# the bundled sample: decodes a sample photo and writes what the model sees, then
# measures the CBAM network against nothing but itself (`cbam bench`).
set -euo pipefail
cd "$(dirname "$0")"
.ci/install-deps
swift build -c release
mkdir -p out
.build/release/cbam convert Datasets/sample/sneaker.jpg out/sneaker-32.png --size 32 --channels 3
echo "wrote out/sneaker-32.png (what a 32×32 RGB model sees)"
.build/release/cbam bench --model cbam
