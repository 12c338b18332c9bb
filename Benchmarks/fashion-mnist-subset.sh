#!/usr/bin/env bash
# Links the first images of each Fashion-MNIST training class into OUT/<class>/:
# enough for STEPS full batches of 128 (used by the MPI benchmarks).
#
#   Benchmarks/fashion-mnist-subset.sh STEPS OUT     (DATA: the ImageFolder, default Datasets/fashion-mnist)
set -eu
steps="$1"; out="$2"
DATA="${DATA:-Datasets/fashion-mnist}"
[ -d "$DATA/train" ] || { echo "no Fashion-MNIST at $DATA: run Datasets/fashion-mnist.sh (or set DATA)" >&2; exit 1; }
per_class=$(( steps * 128 / 10 + 1 ))
for class in "$DATA"/train/*/; do
    name="$(basename "$class")"
    mkdir -p "$out/$name"
    # (not a pipeline under pipefail: head closes it early)
    find "$(realpath "$class")" -name '*.png' | sort | head -n "$per_class" | while read -r f; do ln -s "$f" "$out/$name/"; done
done
