#!/usr/bin/env bash
# cbam vs onnxruntime on the exported CBAM model, side by side (run by hand, not CI).
#
#   Benchmarks/onnx.sh [REPETITIONS]      (default 3)
#
# Exports the shipped model (Models/fashion-mnist-cbam.safetensors: resnet-small
# CBAM, width 32, 1×28×28) with `cbam export`, then REPETITIONS times, alternating:
# `cbam bench --model cbam --image-size 28 --channels 1 --json` (the same network)
# and `Benchmarks/onnx_bench.py` on the export. Each tool reports medians of its own
# timed runs; the table shows the median of the repetitions of each figure, and the
# ratios: throughput onnxruntime/cbam, latency cbam/onnxruntime (>1: onnxruntime faster).
# Batch-256 throughput and batch-1 latency, 2 threads for both.
# Environment: THREADS (default 2), CBAM (binary, default .build/release/cbam), PYTHON (default python3).
set -euo pipefail
cd "$(dirname "$0")/.."

REPETITIONS="${1:-3}"
THREADS="${THREADS:-2}"
CBAM="${CBAM:-.build/release/cbam}"
PYTHON="${PYTHON:-python3}"
export OMP_NUM_THREADS="$THREADS"
[ -x "$CBAM" ] || { echo "$CBAM is not built: swift build -c release" >&2; exit 1; }
"$PYTHON" -c "import onnxruntime" 2>/dev/null || { echo "onnxruntime is missing: pip install onnxruntime" >&2; exit 1; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
"$CBAM" export Models/fashion-mnist-cbam.safetensors --out "$TMP/cbam.onnx" >&2

for r in $(seq 1 "$REPETITIONS"); do
    echo "== repetition $r of $REPETITIONS: cbam bench" >&2
    "$CBAM" bench --model cbam --image-size 28 --channels 1 --json | grep '^{' > "$TMP/cbam_$r.json"
    echo "== repetition $r of $REPETITIONS: onnxruntime" >&2
    "$PYTHON" Benchmarks/onnx_bench.py "$TMP/cbam.onnx" --threads "$THREADS" > "$TMP/onnxruntime_$r.json"
done

"$PYTHON" - "$TMP" "$REPETITIONS" <<'PY'
import json, statistics, sys
tmp, repetitions = sys.argv[1], int(sys.argv[2])
def figures(tool):
    runs = [json.load(open(f"{tmp}/{tool}_{r}.json")) for r in range(1, repetitions + 1)]
    return {key: statistics.median(run[key] for run in runs) for key in ("infer_images_per_s", "latency_ms")}, runs[0]
cbam, cbam_run = figures("cbam")
ort, ort_run = figures("onnxruntime")
print(f"exported CBAM model (resnet-small, width 32, 1×28×28), {ort_run['threads']} threads, "
      f"{ort_run['framework']}; medians of {repetitions} repetitions")
print(f"{'':28} {'cbam':>10} {'onnxruntime':>12} {'ratio':>7}")
print(f"{'batch-256 images/s':28} {cbam['infer_images_per_s']:10.0f} {ort['infer_images_per_s']:12.0f} "
      f"{ort['infer_images_per_s'] / cbam['infer_images_per_s']:6.2f}×")
print(f"{'batch-1 latency (ms)':28} {cbam['latency_ms']:10.2f} {ort['latency_ms']:12.2f} "
      f"{cbam['latency_ms'] / ort['latency_ms']:6.2f}×")
print("ratios > 1: onnxruntime faster")
PY
