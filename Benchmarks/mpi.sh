#!/usr/bin/env bash
# Data-parallel training on one host: 1 rank × 2 threads against 2 ranks × 1 thread
# (run by hand, not CI).
#
#   Benchmarks/mpi.sh [steps]        (default 50 steps of batch 128)
#
# Trains a CBAM network (the defaults: width 32, batch 128) on the first images of
# each Fashion-MNIST training class (steps × 128 images in all, one epoch, no
# validation), once as one process with 2 threads and once under
# `mpirun -np 2 --bind-to core` (one thread a rank), and prints the training
# images/s of both and the share of rank 0's step time spent waiting for the
# gradient sums (the allreduce beyond what backward overlapped).
# Environment: DATA (the Fashion-MNIST ImageFolder; default Datasets/fashion-mnist,
# made by Datasets/fashion-mnist.sh), CBAM (binary path), MODEL (default cbam),
# MPIRUN_ARGS (extra mpirun options, e.g. "--allow-run-as-root").
set -eu
cd "$(dirname "$0")/.."

STEPS="${1:-50}"
export DATA="${DATA:-Datasets/fashion-mnist}"
CBAM="${CBAM:-.build/release/cbam}"
MODEL="${MODEL:-cbam}"
MPIRUN_ARGS="${MPIRUN_ARGS:-}"
export OMP_WAIT_POLICY=PASSIVE

[ -x "$CBAM" ] || { echo "$CBAM is not built: swift build -c release" >&2; exit 1; }
command -v mpirun >/dev/null || { echo "mpirun is not installed: apt-get install openmpi-bin libopenmpi-dev" >&2; exit 1; }
CBAM="$(realpath "$CBAM")"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
Benchmarks/fashion-mnist-subset.sh "$STEPS" "$TMP/data"

train=(train "$TMP/data" --model "$MODEL" --image-size 28 --epochs 1 --val-split 0 --force)
images_per_s() { grep -o '[0-9.]* img/s' "$1" | tail -1 | cut -d' ' -f1; }

echo "1 rank × 2 threads …" >&2
OMP_NUM_THREADS=2 "$CBAM" "${train[@]}" --out "$TMP/one.safetensors" 2> "$TMP/one.log" >/dev/null
echo "2 ranks × 1 thread …" >&2
# shellcheck disable=SC2086
mpirun -np 2 --bind-to core --map-by core $MPIRUN_ARGS "$CBAM" "${train[@]}" --out "$TMP/two.safetensors" 2> "$TMP/two.log" >/dev/null

echo "CBAM on Fashion-MNIST, $STEPS steps of batch 128 (training images/s, epoch line):"
echo "  1 rank  × 2 threads: $(images_per_s "$TMP/one.log") img/s"
echo "  2 ranks × 1 thread:  $(images_per_s "$TMP/two.log") img/s"
echo "  $(grep -h '^allreduce:' "$TMP/two.log")"
