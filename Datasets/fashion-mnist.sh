#!/usr/bin/env bash
# Fashion-MNIST as an image folder: installs Debian's dataset-fashion-mnist (the
# gzipped IDX files) when missing, builds cbam, and writes
#   Datasets/fashion-mnist/{train,test}/<class>/<index>.png
# (60 000 training and 10 000 test images, 28×28 grey).
#   Datasets/fashion-mnist.sh [OUT]      (default Datasets/fashion-mnist)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-Datasets/fashion-mnist}"
IDX=/usr/share/datasets/fashion-mnist
CLASSES="T-shirt_top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle_boot"

if [ ! -f "$IDX/train-images-idx3-ubyte.gz" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "dataset-fashion-mnist is not installed; run as root, or: sudo apt-get install dataset-fashion-mnist" >&2
        exit 1
    fi
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist
fi
[ -x .build/release/cbam ] || swift build -c release

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    gunzip -c "$IDX/$f.gz" > "$TMP/$f"
done
rm -rf "$OUT"
.build/release/cbam import-idx "$TMP/train-images-idx3-ubyte" "$TMP/train-labels-idx1-ubyte" --classes "$CLASSES" --out "$OUT/train"
.build/release/cbam import-idx "$TMP/t10k-images-idx3-ubyte" "$TMP/t10k-labels-idx1-ubyte" --classes "$CLASSES" --out "$OUT/test"
