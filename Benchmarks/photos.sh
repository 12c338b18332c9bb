#!/usr/bin/env bash
# Photo sizes (issue 12), run by hand on an idle machine: the official CBAM ResNets at
# 224 px, cbam beside PyTorch running the authors' own ResidualNet (Jongchan/
# attention-module, from ../shared/reference) with the allocator-tuned peer, in one run.
# Prints compare.sh's table per configuration: images/s and their ratios, training
# memory of both, and cbam's convolution GFLOP/s against the measured FP32 peak.
#
#   Benchmarks/photos.sh                 # resnet18 at batch 32, 64, 128; resnet50 at 32
#   Benchmarks/photos.sh "resnet34 32"   # any "ARCH BATCH" pairs
# ROUNDS (default 5): timed runs per figure on each side, the median reported.
set -u
cd "$(dirname "$0")/.."
CONFIGS=("$@")
[ ${#CONFIGS[@]} -eq 0 ] && CONFIGS=("resnet18 32" "resnet18 64" "resnet18 128" "resnet50 32")
for config in "${CONFIGS[@]}"; do
    read -r arch batch <<< "$config"
    echo "### cbam $arch, 3×224×224, training batch $batch"
    EXTRA_ARGS="--arch $arch --image-size 224 --batch-size $batch --rounds ${ROUNDS:-5}" CBAM_ARGS=--profile PT_ARGS="--malloc tuned" \
        Benchmarks/compare.sh cbam
done
