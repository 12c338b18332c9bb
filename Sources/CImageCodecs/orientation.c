// EXIF orientation: reading the tag and turning the pixels upright.
#include <string.h>
#include "internal.h"

static unsigned read16(const uint8_t *p, int big_endian) {
    return big_endian ? (unsigned)(p[0] << 8 | p[1]) : (unsigned)(p[1] << 8 | p[0]);
}

static uint32_t read32(const uint8_t *p, int big_endian) {
    return big_endian ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
                      : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

// APP1 payload: "Exif\0\0", then a TIFF header ("II*\0" or "MM\0*" and the
// offset of IFD0), then IFD0: an entry count and 12-byte entries
// (tag, type, count, value). Every read is bounds-checked: this is untrusted.
int cbam_exif_orientation(const uint8_t *app1, size_t size) {
    if (size < 14 || memcmp(app1, "Exif\0\0", 6) != 0) return 1;
    const uint8_t *tiff = app1 + 6;
    const size_t tiff_size = size - 6;
    int big_endian;
    if (memcmp(tiff, "II*\0", 4) == 0) big_endian = 0;
    else if (memcmp(tiff, "MM\0*", 4) == 0) big_endian = 1;
    else return 1;

    const uint32_t ifd = read32(tiff + 4, big_endian);
    if (ifd > tiff_size - 2) return 1;
    const unsigned entries = read16(tiff + ifd, big_endian);
    for (unsigned i = 0; i < entries; i++) {
        const size_t entry = (size_t)ifd + 2 + (size_t)i * 12;
        if (entry + 12 > tiff_size) return 1;
        const uint8_t *e = tiff + entry;
        const unsigned short_type = 3;
        if (read16(e, big_endian) == 0x0112 && read16(e + 2, big_endian) == short_type) {
            const unsigned orientation = read16(e + 8, big_endian);
            return orientation >= 1 && orientation <= 8 ? (int)orientation : 1;
        }
    }
    return 1;
}

// Each stored pixel (x, y) goes to dst[origin + x * step_x + y * step_y]
// (in pixels), where the upright image is `upright_width` pixels wide.
void cbam_apply_orientation(const uint8_t *src, int width, int height, int channels,
                            int orientation, uint8_t *dst) {
    const ptrdiff_t w = width, h = height;
    ptrdiff_t origin, step_x, step_y;
    switch (orientation) {
    case 2: origin = w - 1;           step_x = -1; step_y = w;  break; // mirror left-right
    case 3: origin = w * h - 1;       step_x = -1; step_y = -w; break; // rotate 180
    case 4: origin = (h - 1) * w;     step_x = 1;  step_y = -w; break; // mirror top-bottom
    case 5: origin = 0;               step_x = h;  step_y = 1;  break; // transpose
    case 6: origin = h - 1;           step_x = h;  step_y = -1; break; // rotate 90 clockwise
    case 7: origin = w * h - 1;       step_x = -h; step_y = -1; break; // transverse
    case 8: origin = (w - 1) * h;     step_x = -h; step_y = 1;  break; // rotate 90 anticlockwise
    default: memcpy(dst, src, (size_t)(w * h * channels)); return;
    }
    for (ptrdiff_t y = 0; y < h; y++) {
        const ptrdiff_t row = origin + y * step_y;
        for (ptrdiff_t x = 0; x < w; x++, src += channels)
            memcpy(dst + (row + x * step_x) * channels, src, (size_t)channels);
    }
}
