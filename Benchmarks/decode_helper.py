#!/usr/bin/env python3
"""Helper for Benchmarks/decode.sh.

    decode_helper.py make FOLDER          writes the benchmark images
    decode_helper.py pillow SECONDS ROUNDS FILES...
                                          Pillow's decode rate, one JSON line per file
    decode_helper.py table CBAM_JSON PILLOW_JSON
                                          the side-by-side table
Pillow is measured like `cbam bench decode`: bytes read once, then
Image.open(BytesIO(bytes)).load() on one thread, ROUNDS rounds.
"""
import io
import json
import math
import random
import struct
import subprocess
import sys
import time
import zlib


def make(folder):
    """Plain Python (zlib) and cjpeg, so that the images exist without Pillow.
    The PNGs are written unfiltered; decode.sh re-encodes them with `cbam convert`,
    that is with libpng's default adaptive filtering, as most software writes PNG."""

    def photo(width, height, channels):
        """Smooth shapes plus a little noise: compresses like a photograph, not like noise."""
        random.seed(width * height)
        rows = []
        for y in range(height):
            row = bytearray()
            for x in range(width):
                r = 128 + 100 * math.sin(x / 17.0) * math.cos(y / 23.0)
                g = 128 + 90 * math.sin((x + y) / 31.0)
                b = (x * 255 // width + y * 255 // height) // 2
                rgb = [max(0, min(255, int(v + random.gauss(0, 6)))) for v in (r, g, b)]
                row += bytes(rgb) if channels == 3 else bytes([(299 * rgb[0] + 587 * rgb[1] + 114 * rgb[2]) // 1000])
            rows.append(bytes(row))
        return rows

    def write_png(name, width, height, channels):
        def chunk(kind, data):
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        ihdr = struct.pack(">IIBBBBB", width, height, 8, 2 if channels == 3 else 0, 0, 0, 0)
        data = zlib.compress(b"".join(b"\x00" + row for row in photo(width, height, channels)))
        with open(f"{folder}/{name}", "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data) + chunk(b"IEND", b""))

    write_png("mnist-like-28x28-unfiltered.png", 28, 28, 1)
    write_png("photo-256x256-unfiltered.png", 256, 256, 3)
    ppm = f"{folder}/photo-640x480.ppm"
    with open(ppm, "wb") as f:
        f.write(b"P6 640 480 255\n" + b"".join(photo(640, 480, 3)))
    with open(f"{folder}/photo-640x480.jpg", "wb") as f:
        subprocess.run(["cjpeg", "-quality", "90", ppm], stdout=f, check=True)


def pillow(seconds, rounds, files):
    from PIL import Image
    for name in files:
        data = open(name, "rb").read()
        rates = []
        for _ in range(rounds):
            count, start = 0, time.perf_counter()
            while time.perf_counter() - start < seconds / rounds:
                for _ in range(8):
                    Image.open(io.BytesIO(data)).load()
                count += 8
            rates.append(count / (time.perf_counter() - start))
        print(json.dumps({"file": name, "imagesPerSecond": sorted(rates)[len(rates) // 2]}))


def table(cbam_json, pillow_json):
    """Each file has one line per round in each JSON file; the medians are compared."""
    def medians(path):
        rates, info = {}, {}
        for line in open(path):
            if line.strip():
                r = json.loads(line)
                rates.setdefault(r["file"], []).append(r["imagesPerSecond"])
                info[r["file"]] = r
        return {f: sorted(v)[len(v) // 2] for f, v in rates.items()}, info

    cbam, info = medians(cbam_json)
    pil, _ = medians(pillow_json)
    print(f"{'file':<22} {'size':>11} {'cbam img/s':>11} {'Pillow img/s':>13} {'ratio':>6}")
    for name, rate in cbam.items():
        r = info[name]
        size = f"{r['width']}x{r['height']}x{r['channels']}"
        short = name.rsplit("/", 1)[-1]
        if name in pil:
            print(f"{short:<22} {size:>11} {rate:>11.0f} {pil[name]:>13.0f} {rate / pil[name]:>5.2f}x")
        else:
            print(f"{short:<22} {size:>11} {rate:>11.0f} {'-':>13} {'-':>6}")


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "make":
        make(sys.argv[2])
    elif command == "pillow":
        pillow(float(sys.argv[2]), int(sys.argv[3]), sys.argv[4:])
    elif command == "table":
        table(sys.argv[2], sys.argv[3])
