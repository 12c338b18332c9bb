// Dropping alpha: compositing over the documented background.
#include "internal.h"

void cbam_composite_over_background(const uint8_t *with_alpha, uint8_t *out, size_t pixel_count,
                                    int colour_channels) {
    const int stride = colour_channels + 1;
    for (size_t p = 0; p < pixel_count; p++, with_alpha += stride, out += colour_channels) {
        const unsigned alpha = with_alpha[colour_channels];
        const unsigned background = CBAM_BACKGROUND * (255 - alpha) + 127;
        for (int c = 0; c < colour_channels; c++)
            out[c] = (uint8_t)((with_alpha[c] * alpha + background) / 255);
    }
}
