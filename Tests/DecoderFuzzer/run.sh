#!/usr/bin/env bash
# Builds the decoder fuzz target with libFuzzer and AddressSanitizer and runs it
# on one core, seeded with the test fixtures.
#   [FUZZ_LIBS=/tmp/fuzz-libs] Tests/DecoderFuzzer/run.sh [MAX_TOTAL_TIME_SECONDS]   (default 600)
# Crashes are written to Tests/DecoderFuzzer/artifacts/; the grown corpus to
# Tests/DecoderFuzzer/corpus/ (both git-ignored).
set -euo pipefail
seconds="${1:-600}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

# -parse-as-library: main.swift has no top-level code. The C decoders get
# coverage and ASan through -Xcc. main.swift finds libFuzzer's driver with
# dlsym, so that symbol is exported.
flags=(-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
       -Xcc -fsanitize=fuzzer-no-link,address
       -Xlinker --export-dynamic-symbol=LLVMFuzzerRunDriver)
# FUZZ_LIBS: a folder whose lib/ holds libpng16.a and libjpeg.a built with
# coverage (build-instrumented-libs.sh); without it the system libraries are
# used and only our own code guides the fuzzer.
if [[ -n "${FUZZ_LIBS:-}" ]]; then
    export PKG_CONFIG_PATH="$FUZZ_LIBS/lib/pkgconfig"
fi
CBAM_FUZZ=1 swift build -c debug --scratch-path .build-fuzz --product DecoderFuzzer "${flags[@]}" \
    2> >(grep -v "Cannot export local symbol" >&2)
binary="$(CBAM_FUZZ=1 swift build -c debug --scratch-path .build-fuzz --show-bin-path)/DecoderFuzzer"

mkdir -p "$here/corpus" "$here/artifacts"
cp Tests/ImageCodecsTests/Fixtures/*.png Tests/ImageCodecsTests/Fixtures/*.jpg "$here/corpus/"

# One worker: the machine is shared. -max_len covers the largest fixture.
SWIFT_BACKTRACE=enable=no "$binary" "$here/corpus" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
    -rss_limit_mb=2048 -artifact_prefix="$here/artifacts/" -print_final_stats=1
