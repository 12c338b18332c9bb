// Helpers shared by the decoders; not part of the public C API.
#pragma once
#include <stdarg.h>
#include <stdio.h>
#include "cbam_image_codecs.h"

/// Background that alpha is composited over when it is not kept: white.
enum { CBAM_BACKGROUND = 255 };

/// Writes a one-line reason into `result->message`.
static inline void cbam_set_message(cbam_decode_result *result, const char *format, ...) {
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(result->message, sizeof result->message, format, arguments);
    va_end(arguments);
}

/// True, with a message, when width x height is over the limit (or empty).
/// Checked right after the header, before any pixel buffer exists.
static inline int cbam_refuse_size(uint64_t width, uint64_t height, uint64_t max_pixels,
                                   cbam_decode_result *result) {
    if (width == 0 || height == 0) {
        cbam_set_message(result, "image has no pixels (%llu x %llu)",
                         (unsigned long long)width, (unsigned long long)height);
        return 1;
    }
    if (width * height > max_pixels) {
        cbam_set_message(result, "image is %llu x %llu pixels, over the limit of %llu pixels",
                         (unsigned long long)width, (unsigned long long)height,
                         (unsigned long long)max_pixels);
        return 1;
    }
    return 0;
}

/// Alpha compositing over CBAM_BACKGROUND, rounded:
/// out = (value * alpha + 255 * (255 - alpha) + 127) / 255.
/// `colour_channels` is 1 (grey+alpha in) or 3 (RGBA in).
void cbam_composite_over_background(const uint8_t *with_alpha, uint8_t *out, size_t pixel_count,
                                    int colour_channels);

/// CMYK (as libjpeg returns it) to RGB; see cmyk.c for the formula.
void cbam_cmyk_to_rgb(const uint8_t *cmyk, uint8_t *rgb, size_t pixel_count, int adobe_inverted);

/// The EXIF orientation (1-8) in an APP1 marker's payload, or 1 when absent or invalid.
int cbam_exif_orientation(const uint8_t *app1, size_t size);

/// Copies `src` (width x height as stored) to `dst` turned upright for
/// EXIF `orientation`; orientations 5-8 swap width and height.
void cbam_apply_orientation(const uint8_t *src, int width, int height, int channels,
                            int orientation, uint8_t *dst);
