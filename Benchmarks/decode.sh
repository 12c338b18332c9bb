#!/usr/bin/env bash
# Decode throughput of cbam (libpng / libjpeg-turbo through ImageCodecs) next to
# Pillow's, on the same files in the same run, one thread each.
#   Benchmarks/decode.sh [SECONDS_PER_FILE]     (default 5; 5 rounds, medians)
# Environment: SCRATCH=path  SwiftPM scratch path (default .build).
set -euo pipefail
seconds="${1:-5}"
rounds=5
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scratch="${SCRATCH:-.build}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

swift build -c release --scratch-path "$scratch" --product cbam >&2
cbam="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/cbam"

python3 Benchmarks/decode_helper.py make "$work"   # needs cjpeg (libjpeg-turbo-progs)
files=("$work/mnist-like-28x28.png" "$work/photo-256x256.png" "$work/photo-640x480.jpg")

"$cbam" bench decode "${files[@]}" --seconds "$seconds" --rounds "$rounds" --json > "$work/cbam.json"
if python3 -c "import PIL" 2>/dev/null; then
    python3 Benchmarks/decode_helper.py pillow "$seconds" "$rounds" "${files[@]}" > "$work/pillow.json"
else
    echo "Pillow is not installed (pip install pillow): showing cbam only." >&2
    : > "$work/pillow.json"
fi
python3 Benchmarks/decode_helper.py table "$work/cbam.json" "$work/pillow.json"
