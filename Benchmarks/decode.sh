#!/usr/bin/env bash
# Decode throughput of cbam (libpng / libjpeg-turbo through ImageCodecs) next to
# Pillow's, on the same files in the same run, one thread each.
#   Benchmarks/decode.sh [SECONDS_PER_FILE]     (default 10)
# Rounds of cbam and Pillow alternate (5 each), so that a change in the
# machine's load hits both; the medians are compared.
# Environment: SCRATCH=path  SwiftPM scratch path (default .build).
set -euo pipefail
seconds="${1:-10}"
rounds=5
per_round="$(awk "BEGIN { print $seconds / $rounds }")"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scratch="${SCRATCH:-.build}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

swift build -c release --scratch-path "$scratch" --product cbam >&2
cbam="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/cbam"

python3 Benchmarks/decode_helper.py make "$work"   # needs cjpeg (libjpeg-turbo-progs)
for name in mnist-like-28x28 photo-256x256; do
    "$cbam" convert "$work/$name-unfiltered.png" "$work/$name.png"   # libpng's default filters
done
files=("$work/mnist-like-28x28.png" "$work/photo-256x256.png" "$work/photo-640x480.jpg")

pillow=yes
python3 -c "import PIL" 2>/dev/null || { pillow=no; echo "Pillow is not installed (pip install pillow): showing cbam only." >&2; }
: > "$work/cbam.json"; : > "$work/pillow.json"
for _ in $(seq "$rounds"); do
    "$cbam" bench decode "${files[@]}" --seconds "$per_round" --rounds 1 --json >> "$work/cbam.json"
    if [[ $pillow == yes ]]; then
        python3 Benchmarks/decode_helper.py pillow "$per_round" 1 "${files[@]}" >> "$work/pillow.json"
    fi
done
python3 Benchmarks/decode_helper.py table "$work/cbam.json" "$work/pillow.json"
