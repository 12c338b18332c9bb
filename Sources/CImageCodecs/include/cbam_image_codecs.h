// The C side of ImageCodecs: whole decodes and encodes, each inside one C
// function with its own setjmp, so that libpng's and libjpeg's longjmp never
// crosses a Swift frame. Only plain C types appear here; Swift wraps them.
#pragma once
#include <stddef.h>
#include <stdint.h>

/// What a decode or encode call returns.
typedef enum {
    CBAM_OK = 0,
    /// The header was read and `result` describes the image, but `capacity`
    /// was too small for its pixels: call again with a buffer of
    /// width * height * channels bytes. Nothing big was allocated.
    CBAM_NEEDS_BUFFER = 1,
    /// The input is bad or refused; `result.message` says why.
    CBAM_FAILED = 2,
} cbam_status;

typedef struct {
    /// Images with more pixels than this are refused after reading the
    /// header, before any pixel buffer is allocated.
    uint64_t max_pixels;
    /// Nonzero: keep an alpha channel (2 or 4 channels). Zero: composite
    /// over white (255) and return 1 or 3 channels.
    int keep_alpha;
} cbam_decode_options;

typedef struct {
    int width, height;
    /// 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA; interleaved, row-major.
    int channels;
    /// Why the call failed, when it did; a one-line, NUL-terminated reason.
    char message[256];
} cbam_decode_result;

/// Decodes a PNG held in memory into `pixels` (8 bits per sample, no gamma
/// correction: the stored values, 16-bit samples by their high byte).
/// With `capacity` 0 it only reads the header (and applies the pixel limit).
cbam_status cbam_decode_png(const uint8_t *data, size_t size, cbam_decode_options options,
                            uint8_t *pixels, size_t capacity, cbam_decode_result *result);

/// Decodes a JPEG held in memory into `pixels` (grey or RGB; CMYK and YCCK
/// are converted to RGB; the EXIF orientation is applied). Corrupt or
/// truncated data is an error, never a padded image.
cbam_status cbam_decode_jpeg(const uint8_t *data, size_t size, cbam_decode_options options,
                             uint8_t *pixels, size_t capacity, cbam_decode_result *result);

/// Encodes 8-bit interleaved pixels (1-4 channels) as PNG into `output`.
/// On entry `*size` is the capacity of `output`; on return it is the PNG's
/// size. If that is more than the capacity, the call returns
/// CBAM_NEEDS_BUFFER and should be repeated with a big enough buffer.
cbam_status cbam_encode_png(const uint8_t *pixels, int width, int height, int channels,
                            uint8_t *output, size_t *size, char message[256]);
