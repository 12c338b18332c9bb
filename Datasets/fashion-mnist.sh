#!/usr/bin/env bash
# Fashion-MNIST as an image folder: installs Debian's dataset-fashion-mnist (the
# gzipped IDX files) when missing, builds cbam, and writes
#   Datasets/fashion-mnist/{train,test}/<class>/<index>.png
#   Datasets/fashion-mnist/{train,test}/boxes.csv
# (60 000 training and 10 000 test images, 28×28 grey; boxes.csv gives each garment's
# tight box, so that `cbam compare` and `cbam localise` can score where models look).
#   Datasets/fashion-mnist.sh [OUT]      (default Datasets/fashion-mnist)
# CLUTTER=SEED writes Cluttered Fashion-MNIST from that seed instead
# (Datasets/cluttered-fashion-mnist.sh). TRAIN_PER_CLASS=N writes only the first N
# training images of each class (a documented subset; the test split stays whole).
# FASHION_MNIST_IDX=DIR reads the four .gz files from DIR instead of the Debian
# package's folder.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-Datasets/fashion-mnist}"
IDX="${FASHION_MNIST_IDX:-/usr/share/datasets/fashion-mnist}"
CLUTTER="${CLUTTER:-}"
TRAIN_PER_CLASS="${TRAIN_PER_CLASS:-}"
CLASSES="T-shirt_top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle_boot"

if [ -z "${FASHION_MNIST_IDX:-}" ] && [ ! -f "$IDX/train-images-idx3-ubyte.gz" ]; then
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
# SPLIT FILE-PREFIX: one split's IDX pair, as it is or cluttered from the split's own seed.
import_split() {
    local options=()
    [ -n "$CLUTTER" ] && options+=(--clutter "$CLUTTER" --split "$1")
    [ -n "$TRAIN_PER_CLASS" ] && [ "$1" = train ] && options+=(--per-class "$TRAIN_PER_CLASS")
    .build/release/cbam import-idx "$TMP/$2-images-idx3-ubyte" "$TMP/$2-labels-idx1-ubyte" --classes "$CLASSES" \
        --out "$OUT/$1" "${options[@]}"
}
import_split train train
import_split test t10k
