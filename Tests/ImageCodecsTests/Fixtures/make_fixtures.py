#!/usr/bin/env python3
"""Makes the ImageCodecsTests fixtures and their expected pixels.

Run by hand from anywhere (needs Pillow and libjpeg-turbo's cjpeg):
    python3 Tests/ImageCodecsTests/Fixtures/make_fixtures.py
It rewrites the images in this folder and expected.json, which holds for each
case the pixels the Swift decoder must produce, exactly:
  - PNG: the stored values (written here by a small PNG writer, so every colour
    type, bit depth, tRNS and Adam7 interlacing is covered); 16-bit samples by
    their high byte; alpha composited over white when it is not kept.
  - JPEG: Pillow's decode (libjpeg-turbo, default settings), turned upright
    with ImageOps.exif_transpose; CMYK as R = C * K / 255 on the stored
    (Adobe-inverted) samples, rounded.
  - resize: Pillow's Image.resize(size, Image.BILINEAR).
"""
import base64
import io
import json
import os
import random
import struct
import subprocess
import tempfile
import zlib

from PIL import Image, ImageOps

HERE = os.path.dirname(os.path.abspath(__file__))
random.seed(7)


# ---------------------------------------------------------------- PNG writer

def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def pack_row(samples, bit_depth):
    if bit_depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    if bit_depth == 8:
        return bytes(samples)
    per_byte = 8 // bit_depth
    out = bytearray()
    for i in range(0, len(samples), per_byte):
        group = samples[i:i + per_byte] + [0] * (per_byte - len(samples[i:i + per_byte]))
        byte = 0
        for s in group:
            byte = (byte << bit_depth) | s
        out.append(byte)
    return bytes(out)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def filter_rows(rows, bpp):
    """Filters each packed row with type (row index % 5), to cover all five."""
    out, previous = bytearray(), bytes(len(rows[0])) if rows else b""
    for index, row in enumerate(rows):
        kind = index % 5
        filtered = bytearray()
        for i, x in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b = previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            predictor = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
            filtered.append((x - predictor) & 0xFF)
        out += bytes([kind]) + filtered
        previous = row
    return bytes(out)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def png_file(width, height, colour_type, bit_depth, samples, palette=None, trns=None, interlaced=False):
    """samples[y][x] is a tuple of samples at bit_depth."""
    per_pixel = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour_type]
    bpp = max(1, per_pixel * bit_depth // 8)

    def image_data(xs, ys):
        rows = [pack_row([s for x in xs for s in samples[y][x]], bit_depth) for y in ys]
        return filter_rows(rows, bpp) if xs and ys else b""

    if interlaced:
        raw = b"".join(image_data(range(x0, width, dx), range(y0, height, dy)) for x0, y0, dx, dy in ADAM7)
    else:
        raw = image_data(range(width), range(height))
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, int(interlaced)))
    if palette is not None:
        out += chunk(b"PLTE", b"".join(bytes(p) for p in palette))
    if trns is not None:
        out += chunk(b"tRNS", trns)
    return out + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def composite(value, alpha):
    return (value * alpha + 255 * (255 - alpha) + 127) // 255


# --------------------------------------------------------------- the cases

cases, resizes = [], []
W, H = 23, 17   # odd sizes: partial bytes, partial Adam7 passes


def expect(name, width, height, channels, pixels, keep_alpha=False):
    assert len(pixels) == width * height * channels, name
    cases.append({"file": name, "keepAlpha": keep_alpha, "width": width, "height": height,
                  "channels": channels, "pixels": base64.b64encode(bytes(pixels)).decode()})


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def expect_png(name, rgba_rows, colour, has_alpha):
    """rgba_rows[y][x] = (r, g, b, a) expected in 8 bits; colour: 1 or 3 channels;
    has_alpha: an alpha channel or a tRNS chunk (libpng then adds alpha)."""
    flat = [p for row in rgba_rows for p in row]
    colours = [p[:colour] for p in flat]
    if has_alpha:
        expect(name, W, H, colour + 1, [s for c, p in zip(colours, flat) for s in c + (p[3],)], keep_alpha=True)
        expect(name, W, H, colour, [composite(s, p[3]) for c, p in zip(colours, flat) for s in c])
    else:
        expect(name, W, H, colour, [s for c in colours for s in c])
        expect(name, W, H, colour, [s for c in colours for s in c], keep_alpha=True)


def sample(x, y, k, maximum):
    """A pattern with gradients and noise, within 0...maximum."""
    return (x * 37 + y * 61 + k * 91 + random.randrange(maximum // 4 + 1)) % (maximum + 1)


def make_pngs():
    for depth in (1, 2, 4, 8, 16):                       # grey
        for interlaced in ((False, True) if depth in (1, 8) else (False,)):
            top = (1 << depth) - 1
            s = [[(sample(x, y, 0, top),) for x in range(W)] for y in range(H)]
            name = f"grey{depth}{'_interlaced' if interlaced else ''}.png"
            write(name, png_file(W, H, 0, depth, s, interlaced=interlaced))
            to8 = (lambda v: v >> 8) if depth == 16 else (lambda v: v * 255 // top)
            expect_png(name, [[(to8(p[0]),) * 3 + (255,) for p in row] for row in s], 1, False)
    for depth in (8, 16):                                # grey with tRNS
        top = (1 << depth) - 1
        s = [[(sample(x, y, 0, top) if (x + y) % 3 else 40,) for x in range(W)] for y in range(H)]
        name = f"grey{depth}_trns.png"
        write(name, png_file(W, H, 0, depth, s, trns=struct.pack(">H", 40)))
        to8 = (lambda v: v >> 8) if depth == 16 else (lambda v: v)
        expect_png(name, [[(to8(p[0]),) * 3 + (0 if p[0] == 40 else 255,) for p in row] for row in s], 1, True)
    for depth in (8, 16):                                # RGB, grey+alpha, RGBA
        top = (1 << depth) - 1
        to8 = (lambda v: v >> 8) if depth == 16 else (lambda v: v)
        for interlaced in ((False, True) if depth == 16 else (False,)):
            s = [[tuple(sample(x, y, k, top) for k in range(3)) for x in range(W)] for y in range(H)]
            name = f"rgb{depth}{'_interlaced' if interlaced else ''}.png"
            write(name, png_file(W, H, 2, depth, s, interlaced=interlaced))
            expect_png(name, [[tuple(to8(v) for v in p) + (255,) for p in row] for row in s], 3, False)
        s = [[(sample(x, y, 0, top), sample(x, y, 3, top)) for x in range(W)] for y in range(H)]
        name = f"ga{depth}.png"
        write(name, png_file(W, H, 4, depth, s))
        expect_png(name, [[(to8(p[0]),) * 3 + (to8(p[1]),) for p in row] for row in s], 1, True)
        for interlaced in ((False, True) if depth == 8 else (False,)):
            s = [[tuple(sample(x, y, k, top) for k in range(4)) for x in range(W)] for y in range(H)]
            name = f"rgba{depth}{'_interlaced' if interlaced else ''}.png"
            write(name, png_file(W, H, 6, depth, s, interlaced=interlaced))
            expect_png(name, [[tuple(to8(v) for v in p) for p in row] for row in s], 3, True)
    s = [[(sample(x, y, 0, 255), sample(x, y, 1, 255), 9 if (x * y) % 4 == 0 else 200) for x in range(W)] for y in range(H)]
    key = s[0][0]   # the transparent colour
    write("rgb8_trns.png", png_file(W, H, 2, 8, s, trns=struct.pack(">HHH", *key)))
    expect_png("rgb8_trns.png", [[p + (0 if p == key else 255,) for p in row] for row in s], 3, True)
    for depth in (1, 2, 4, 8):                           # palette, with and without tRNS
        size = 1 << depth
        palette = [(random.randrange(256), random.randrange(256), random.randrange(256)) for _ in range(size)]
        alphas = bytes(random.randrange(256) for _ in range(max(1, size - 1)))   # shorter than the palette
        for trns in (None, alphas):
            for interlaced in ((False, True) if depth == 4 and trns else (False,)):
                s = [[(sample(x, y, 0, size - 1),) for x in range(W)] for y in range(H)]
                name = f"palette{depth}{'_trns' if trns else ''}{'_interlaced' if interlaced else ''}.png"
                write(name, png_file(W, H, 3, depth, s, palette=palette, trns=trns, interlaced=interlaced))
                alpha = lambda i: trns[i] if trns and i < len(trns) else 255
                expect_png(name, [[palette[p[0]] + (alpha(p[0]),) for p in row] for row in s], 3, trns is not None)


# -------------------------------------------------------------------- JPEG

JW, JH = 45, 33   # several MCUs, partial at the right and bottom


def photo():
    im = Image.new("RGB", (JW, JH))
    im.putdata([(x * 5 + y * 2, 255 - y * 7, (x * y) % 256) for y in range(JH) for x in range(JW)])
    return im


def expect_pillow(name, im):
    im = ImageOps.exif_transpose(im)
    expect(name, im.width, im.height, {"L": 1, "RGB": 3}[im.mode], im.tobytes())


def cjpeg(name, source, *flags):
    with tempfile.NamedTemporaryFile(suffix=".ppm") as ppm:
        source.save(ppm.name)
        write(name, subprocess.run(["cjpeg", "-quality", "90", *flags, ppm.name], check=True, capture_output=True).stdout)
    expect_pillow(name, Image.open(os.path.join(HERE, name)))


def exif(orientation, big_endian):
    order, fmt = (b"MM", ">") if big_endian else (b"II", "<")
    ifd = struct.pack(fmt + "H", 1) + struct.pack(fmt + "HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack(fmt + "I", 0)
    return b"Exif\x00\x00" + order + struct.pack(fmt + "HI", 42, 8) + ifd


def make_jpegs():
    im = photo()
    for name, subsampling in (("rgb_444.jpg", 0), ("rgb_422.jpg", 1), ("rgb_420.jpg", 2)):
        im.save(os.path.join(HERE, name), quality=90, subsampling=subsampling)
        expect_pillow(name, Image.open(os.path.join(HERE, name)))
    cjpeg("rgb_440.jpg", im, "-sample", "1x2")
    cjpeg("rgb_411.jpg", im, "-sample", "4x1")
    cjpeg("progressive.jpg", im, "-progressive")
    cjpeg("arithmetic.jpg", im, "-arithmetic")
    cjpeg("arithmetic_progressive.jpg", im, "-arithmetic", "-progressive")
    cjpeg("restarts.jpg", im, "-restart", "1B")
    cjpeg("grey.jpg", im.convert("L"))
    cjpeg("grey_progressive.jpg", im.convert("L"), "-progressive")

    # CMYK: Pillow writes Adobe (inverted) YCCK. Expected from Pillow's raw
    # CMYK (already un-inverted by Pillow), re-inverted to the stored values.
    cmyk = Image.new("CMYK", (JW, JH))
    cmyk.putdata([(x * 5, y * 7, (x * y) % 256, 40 + x + y) for y in range(JH) for x in range(JW)])
    cmyk.save(os.path.join(HERE, "cmyk_adobe.jpg"), quality=90)
    decoded = Image.open(os.path.join(HERE, "cmyk_adobe.jpg"))
    assert decoded.mode == "CMYK"
    rgb = []
    raw = decoded.tobytes()
    for i in range(0, len(raw), 4):
        c, m, y, k = raw[i:i + 4]
        stored_k = 255 - k
        rgb += [((255 - v) * stored_k + 127) // 255 for v in (c, m, y)]
    expect("cmyk_adobe.jpg", JW, JH, 3, rgb)

    # The same data declared plain CMYK (Adobe transform 0: no YCC conversion),
    # and with no Adobe marker at all (then the samples are not inverted:
    # R = (255 - C) * (255 - K) / 255 on the stored values).
    original = open(os.path.join(HERE, "cmyk_adobe.jpg"), "rb").read()
    app14 = original.index(b"Adobe") - 4   # the APP14 marker (FF EE) and its length come first
    assert original[app14:app14 + 2] == b"\xff\xee"
    length = struct.unpack(">H", original[app14 + 2:app14 + 4])[0]
    transform0 = bytearray(original)
    transform0[app14 + 15] = 0
    write("cmyk_adobe_transform0.jpg", bytes(transform0))
    write("cmyk_no_adobe.jpg", original[:app14] + original[app14 + 2 + length:])
    for name, inverted in (("cmyk_adobe_transform0.jpg", True), ("cmyk_no_adobe.jpg", False)):
        decoded = Image.open(os.path.join(HERE, name))
        assert decoded.mode == "CMYK"
        raw, rgb = decoded.tobytes(), []
        for i in range(0, len(raw), 4):
            stored = [255 - v for v in raw[i:i + 4]]          # Pillow inverts CMYK JPEGs
            if not inverted:
                stored = [255 - v for v in stored]
            rgb += [(v * stored[3] + 127) // 255 for v in stored[:3]]
        expect(name, JW, JH, 3, rgb)

    for orientation in range(1, 9):
        name = f"exif_orientation_{orientation}.jpg"
        im.save(os.path.join(HERE, name), quality=90, exif=exif(orientation, big_endian=orientation % 2 == 0))
        decoded = Image.open(os.path.join(HERE, name))
        assert decoded.getexif().get(0x0112) == orientation
        expect_pillow(name, decoded)


# ----------------------------------------------------------------- bad ones

def make_bad_inputs():
    small = open(os.path.join(HERE, "rgb8.png"), "rb").read()
    # IHDR claiming 100 000 x 100 000 (valid CRC), then the small image's data.
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    write("bomb_header.png", small[:8] + chunk(b"IHDR", ihdr) + small[33:])
    # A real 1-bit image of 20 000 x 15 000 = 300 megapixels that deflates to ~40 KB.
    row = b"\x00" + bytes(20_000 // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(15_000)) + compressor.flush()
    write("bomb_inflate.png", b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 20_000, 15_000, 1, 0, 0, 0, 0))
          + chunk(b"IDAT", data) + chunk(b"IEND", b""))
    # A bad zlib stream with a correct CRC: the IDAT's zlib header byte changed.
    idat = small.index(b"IDAT")
    length = struct.unpack(">I", small[idat - 4:idat])[0]
    body = bytearray(small[idat:idat + 4 + length])
    body[4] ^= 0x0F
    write("bad_zlib.png", small[:idat - 4] + struct.pack(">I", length) + bytes(body)
          + struct.pack(">I", zlib.crc32(bytes(body)) & 0xFFFFFFFF) + small[idat + 8 + length:])
    # A progressive JPEG whose SOF2 claims 65 500 x 65 500.
    progressive = bytearray(open(os.path.join(HERE, "progressive.jpg"), "rb").read())
    sof = progressive.index(b"\xff\xc2")
    progressive[sof + 5:sof + 9] = struct.pack(">HH", 65_500, 65_500)
    write("bomb_progressive.jpg", bytes(progressive))
    # A baseline JPEG whose SOF0 claims 12-bit samples.
    baseline = bytearray(open(os.path.join(HERE, "grey.jpg"), "rb").read())
    sof = baseline.index(b"\xff\xc0")
    baseline[sof + 4] = 12
    write("twelve_bit.jpg", bytes(baseline))


def make_resizes():
    """Pillow BILINEAR of two PNG fixtures (grey and RGB) to several sizes."""
    for source in ("grey8.png", "rgb8.png"):
        im = Image.open(os.path.join(HERE, source))
        im.load()
        for size in ((10, 7), (7, 5), (46, 34), (60, 12), (23, 40), (3, 17), (1, 1)):
            out = im.resize(size, Image.BILINEAR)
            resizes.append({"source": source, "width": size[0], "height": size[1],
                            "pixels": base64.b64encode(out.tobytes()).decode()})


make_pngs()
make_jpegs()
make_bad_inputs()
make_resizes()
with open(os.path.join(HERE, "expected.json"), "w") as f:
    json.dump({"decode": cases, "resize": resizes}, f, indent=0)
print(f"{len(cases)} decode cases, {len(resizes)} resize cases")
