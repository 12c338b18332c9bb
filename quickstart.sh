#!/usr/bin/env bash
# Quick start: installs what is missing, builds in release, then runs the main
# job on the bundled sample: trains a CBAM network on the 300-image Fashion-MNIST
# sample (about a minute), classifies a photo with the shipped model (trained on
# all of Fashion-MNIST, see Models/README.md) and evaluates it on the sample's
# test images.
set -euo pipefail
cd "$(dirname "$0")"
.ci/install-deps
swift build -c release
mkdir -p out
.build/release/cbam train Datasets/sample/fashion-mnist --epochs 30 --batch-size 32 --image-size 28 \
    --out out/sample-cbam.safetensors --log out/sample-cbam.jsonl --force   # --force: a second run replaces the first
.build/release/cbam classify Datasets/sample/sneaker.jpg --top-k 3
.build/release/cbam evaluate Datasets/sample/fashion-mnist --confusion-png out/sample-confusion.png
echo "wrote out/sample-cbam.safetensors (the sample model) and out/sample-confusion.png"
