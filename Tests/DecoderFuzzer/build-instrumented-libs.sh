#!/usr/bin/env bash
# Builds libpng and libjpeg-turbo from Debian's sources (the versions the
# system headers describe) with libFuzzer coverage and AddressSanitizer, as
# static libraries in PREFIX/lib, so that the fuzzer also sees inside them:
#   Tests/DecoderFuzzer/build-instrumented-libs.sh [PREFIX]   (default /tmp/fuzz-libs)
#   FUZZ_LIBS=/tmp/fuzz-libs Tests/DecoderFuzzer/run.sh
# Needs deb-src entries in the apt sources, dpkg-dev and cmake.
set -euo pipefail
prefix="${1:-/tmp/fuzz-libs}"
clang="$(dirname "$(command -v swift)")/clang"   # the toolchain's clang: same sanitizer runtime
flags="-g -O1 -fsanitize=fuzzer-no-link,address"
source_folder="$(mktemp -d)"
cd "$source_folder"
apt-get source -qq libpng1.6 libjpeg-turbo

(cd libpng1.6-*/ && CC="$clang" CFLAGS="$flags" ./configure -q --disable-shared --prefix="$prefix" \
    && make -s libpng16.la && make -s install-libLTLIBRARIES)
(cd libjpeg-turbo-*/ && mkdir -p build && cd build \
    && cmake .. -DCMAKE_C_COMPILER="$clang" -DCMAKE_C_FLAGS="$flags" -DENABLE_SHARED=0 -DWITH_SIMD=0 \
        -DWITH_TURBOJPEG=0 > /dev/null \
    && make -s jpeg-static && mkdir -p "$prefix/lib" && cp libjpeg.a "$prefix/lib/")
rm -rf "$source_folder"
# run.sh points PKG_CONFIG_PATH here, so that SwiftPM's -lpng16 (and -ljpeg) find these first.
mkdir -p "$prefix/lib/pkgconfig"
cat > "$prefix/lib/pkgconfig/libpng16.pc" <<PC
Name: libpng16
Description: libpng with libFuzzer coverage and AddressSanitizer
Version: 1.6
Libs: -L$prefix/lib -lpng16 -lz -lm
Cflags: -I/usr/include/libpng16
PC
ls "$prefix/lib"/*.a
