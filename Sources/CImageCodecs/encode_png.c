// PNG encoding with libpng's simplified write API: 8-bit samples are
// written as they are (with an sRGB chunk), in one pass when `output` is big enough.
#include <string.h>
#include <png.h>
#include "internal.h"

cbam_status cbam_encode_png(const uint8_t *pixels, int width, int height, int channels,
                            uint8_t *output, size_t *size, char message[256]) {
    static const png_uint_32 formats[] = {0, PNG_FORMAT_GRAY, PNG_FORMAT_GA, PNG_FORMAT_RGB, PNG_FORMAT_RGBA};
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = (png_uint_32)width;
    image.height = (png_uint_32)height;
    image.format = formats[channels];
    const size_t capacity = *size;
    png_alloc_size_t written = capacity;
    const int ok = png_image_write_to_memory(&image, capacity ? output : NULL, &written, 0, pixels, 0, NULL);
    png_image_free(&image);
    if (!ok && written > capacity) {   // only the buffer was too small
        *size = written;
        return CBAM_NEEDS_BUFFER;
    }
    if (!ok) {
        snprintf(message, 256, "cannot encode PNG: %s", image.message);
        return CBAM_FAILED;
    }
    *size = written;
    return written > capacity ? CBAM_NEEDS_BUFFER : CBAM_OK;
}
