// CMYK to RGB for JPEGs stored as CMYK or YCCK.
//
// Adobe applications (the files that carry an Adobe APP14 marker, which is
// nearly all CMYK JPEGs) store the samples inverted: 255 means no ink. For
// such data the conversion is R = C * K / 255 (likewise G from M, B from Y),
// rounded to nearest: (C * K + 127) / 255. Without the marker the samples are
// plain ink amounts and are inverted first: R = (255 - C) * (255 - K) / 255.
#include "internal.h"

void cbam_cmyk_to_rgb(const uint8_t *cmyk, uint8_t *rgb, size_t pixel_count, int adobe_inverted) {
    const unsigned flip = adobe_inverted ? 0 : 255;
    for (size_t p = 0; p < pixel_count; p++, cmyk += 4, rgb += 3) {
        const unsigned k = cmyk[3] ^ flip;
        for (int c = 0; c < 3; c++)
            rgb[c] = (uint8_t)(((cmyk[c] ^ flip) * k + 127) / 255);
    }
}
