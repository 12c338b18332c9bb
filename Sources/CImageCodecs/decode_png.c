// PNG decoding with libpng's low-level API, from memory, in one function
// that owns the setjmp. (The simplified png_image API is not used: it
// gamma-encodes and composites; here the pixels are the stored values.)
#include <stdlib.h>
#include <string.h>
#include <png.h>
#include "internal.h"

typedef struct {
    const uint8_t *data;
    size_t size, offset;
    cbam_decode_result *result;
} png_source;

static void read_from_memory(png_structp png, png_bytep out, size_t count) {
    png_source *source = png_get_io_ptr(png);
    if (count > source->size - source->offset) png_error(png, "truncated PNG data");
    memcpy(out, source->data + source->offset, count);
    source->offset += count;
}

static void store_error(png_structp png, png_const_charp message) {
    png_source *source = png_get_error_ptr(png);
    if (strcmp(message, "truncated PNG data") == 0)
        cbam_set_message(source->result, "%s", message);
    else
        cbam_set_message(source->result, "invalid PNG: %s", message);
    png_longjmp(png, 1);
}

// Warnings are about ancillary chunks (colour profiles, text); the pixels
// are protected by the CRC and zlib checks, which are errors. Stay silent.
static void ignore_warning(png_structp png, png_const_charp message) {
    (void)png; (void)message;
}

cbam_status cbam_decode_png(const uint8_t *data, size_t size, cbam_decode_options options,
                            uint8_t *pixels, size_t capacity, cbam_decode_result *result) {
    memset(result, 0, sizeof *result);
    png_source source = {data, size, 0, result};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &source, store_error, ignore_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        cbam_set_message(result, "out of memory");
        return CBAM_FAILED;
    }
    // Freed after a longjmp too, so they live outside the registers.
    uint8_t *volatile with_alpha = NULL;
    png_bytep *volatile rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        free(with_alpha);
        free(rows);
        png_destroy_read_struct(&png, &info, NULL);
        return CBAM_FAILED;
    }

    png_set_read_fn(png, &source, read_from_memory);
    // Bound libpng's own allocations: dimensions and ancillary chunks. No side can exceed
    // the pixel limit; a small limit is left to cbam_refuse_size, whose message says so.
    const uint64_t side = options.max_pixels > (1u << 20) ? options.max_pixels : (1u << 20);
    const uint32_t side_limit = side < PNG_UINT_31_MAX ? (uint32_t)side : PNG_UINT_31_MAX;
    png_set_user_limits(png, side_limit, side_limit);
    png_set_chunk_malloc_max(png, 16u << 20);

    png_read_info(png, info);
    png_uint_32 width, height;
    int bit_depth, colour_type;
    png_get_IHDR(png, info, &width, &height, &bit_depth, &colour_type, NULL, NULL, NULL);
    if (cbam_refuse_size(width, height, options.max_pixels, result)) png_longjmp(png, 1);

    // Everything to 8-bit grey, grey+alpha, RGB or RGBA.
    if (bit_depth == 16) png_set_strip_16(png);            // the high byte
    if (colour_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (colour_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    const int decoded_channels = png_get_channels(png, info);
    const int has_alpha = decoded_channels == 2 || decoded_channels == 4;
    const int composite = has_alpha && !options.keep_alpha;
    result->width = (int)width;
    result->height = (int)height;
    result->channels = composite ? decoded_channels - 1 : decoded_channels;
    const size_t pixel_count = (size_t)width * height;
    if (capacity < pixel_count * (size_t)result->channels) {
        png_destroy_read_struct(&png, &info, NULL);
        return CBAM_NEEDS_BUFFER;
    }

    // Interlaced images arrive in passes, so compositing waits for the whole image.
    uint8_t *target = pixels;
    if (composite) {
        with_alpha = malloc(pixel_count * (size_t)decoded_channels);
        if (!with_alpha) png_error(png, "out of memory");
        target = with_alpha;
    }
    rows = malloc(sizeof(png_bytep) * height);
    if (!rows) png_error(png, "out of memory");
    const size_t row_bytes = (size_t)width * (size_t)decoded_channels;
    for (png_uint_32 y = 0; y < height; y++) rows[y] = target + y * row_bytes;
    png_read_image(png, rows);
    png_read_end(png, NULL);   // so that a file cut after the pixels is still an error

    if (composite)
        cbam_composite_over_background(with_alpha, pixels, pixel_count, result->channels);
    free(with_alpha);
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    return CBAM_OK;
}
