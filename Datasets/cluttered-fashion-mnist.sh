#!/usr/bin/env bash
# Cluttered Fashion-MNIST (DESIGN.md) as an image folder: installs Debian's
# dataset-fashion-mnist when missing, builds cbam, and writes
#   Datasets/cluttered-fashion-mnist/{train,test}/<class>/<index>.png
#   Datasets/cluttered-fashion-mnist/{train,test}/boxes.csv
# (60 000 training and 10 000 test images, 56×56 grey: each garment at a random place
# among six 9×9 crops of other garments of its split; boxes.csv says where it is, for
# `cbam localise`).
#   Datasets/cluttered-fashion-mnist.sh [OUT]      (default Datasets/cluttered-fashion-mnist)
# SEED=N makes another data set (default 0); each split draws from its own seed derived from it.
# TRAIN_PER_CLASS=N keeps the first N training images of each class (the same images as the
# whole set's; clutter still comes from every training image), for a shorter comparison.
set -euo pipefail
CLUTTER="${SEED:-0}" exec "$(dirname "$0")/fashion-mnist.sh" "${1:-Datasets/cluttered-fashion-mnist}"
