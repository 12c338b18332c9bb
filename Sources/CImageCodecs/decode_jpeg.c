// JPEG decoding with libjpeg(-turbo), from memory, in one function that
// owns the setjmp. libjpeg only warns about corrupt or missing data (and
// pads with grey); here every warning is an error.
#include <setjmp.h>
#include <stdio.h>   // jpeglib.h needs FILE
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>
#include "internal.h"

/// Progressive files can hold thousands of tiny scans that take minutes to
/// decode; real encoders write about ten.
enum { MAX_SCANS = 1000 };

typedef struct {
    struct jpeg_error_mgr manager;   // first, so libjpeg's pointer is ours too
    struct jpeg_progress_mgr progress;
    jmp_buf jump;
    cbam_decode_result *result;
} jpeg_failure;

static void fail(j_common_ptr cinfo) {
    jpeg_failure *failure = (jpeg_failure *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    switch (cinfo->err->msg_code) {
    case JWRN_JPEG_EOF:
        cbam_set_message(failure->result, "truncated JPEG data");
        break;
    case JERR_BAD_PRECISION:
        cbam_set_message(failure->result, "unsupported JPEG: %d-bit samples (only 8-bit is supported)",
                         cinfo->err->msg_parm.i[0]);
        break;
    default:
        cinfo->err->format_message(cinfo, text);
        cbam_set_message(failure->result, "invalid JPEG: %s", text);
    }
    longjmp(failure->jump, 1);
}

// Level -1 is a warning, always about bad data; higher levels are traces.
static void warning_is_failure(j_common_ptr cinfo, int level) {
    if (level < 0) fail(cinfo);
}

static void limit_scans(j_common_ptr cinfo) {
    j_decompress_ptr decompress = (j_decompress_ptr)cinfo;
    if (decompress->input_scan_number > MAX_SCANS) {
        jpeg_failure *failure = (jpeg_failure *)cinfo->err;
        cbam_set_message(failure->result, "invalid JPEG: more than %d scans", MAX_SCANS);
        longjmp(failure->jump, 1);
    }
}

static int orientation_of(j_decompress_ptr cinfo) {
    for (jpeg_saved_marker_ptr marker = cinfo->marker_list; marker; marker = marker->next)
        if (marker->marker == JPEG_APP0 + 1) {
            const int orientation = cbam_exif_orientation(marker->data, marker->data_length);
            if (orientation != 1) return orientation;
        }
    return 1;
}

cbam_status cbam_decode_jpeg(const uint8_t *data, size_t size, cbam_decode_options options,
                             uint8_t *pixels, size_t capacity, cbam_decode_result *result) {
    memset(result, 0, sizeof *result);
    struct jpeg_decompress_struct cinfo;
    jpeg_failure failure;
    cinfo.err = jpeg_std_error(&failure.manager);
    failure.manager.error_exit = fail;
    failure.manager.emit_message = warning_is_failure;
    failure.result = result;
    // Freed after a longjmp too, so they live outside the registers.
    uint8_t *volatile stored = NULL;      // the image as stored, before orientation
    uint8_t *volatile cmyk_row = NULL;
    if (setjmp(failure.jump)) {
        free(stored);
        free(cmyk_row);
        jpeg_destroy_decompress(&cinfo);
        return CBAM_FAILED;
    }

    jpeg_create_decompress(&cinfo);
    failure.progress.progress_monitor = limit_scans;
    cinfo.progress = &failure.progress;
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
    jpeg_read_header(&cinfo, TRUE);

    if (cinfo.data_precision != 8) {
        cbam_set_message(result, "unsupported JPEG: %d-bit samples (only 8-bit is supported)", cinfo.data_precision);
        longjmp(failure.jump, 1);
    }
    if (cbam_refuse_size(cinfo.image_width, cinfo.image_height, options.max_pixels, result))
        longjmp(failure.jump, 1);
    // libjpeg's own buffers (a progressive image keeps every coefficient):
    // 2-byte coefficients per component and pixel, plus slack for padding and tables.
    const uint64_t coefficient_bytes =
        (uint64_t)cinfo.image_width * cinfo.image_height * (uint64_t)cinfo.num_components * sizeof(JCOEF);
    cinfo.mem->max_memory_to_use = (long)(coefficient_bytes + (64u << 20));

    const int is_cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
    if (cinfo.jpeg_color_space == JCS_GRAYSCALE) cinfo.out_color_space = JCS_GRAYSCALE;
    else if (is_cmyk) cinfo.out_color_space = JCS_CMYK;   // libjpeg turns YCCK into CMYK
    else cinfo.out_color_space = JCS_RGB;

    const int orientation = orientation_of(&cinfo);
    const int width = (int)cinfo.image_width, height = (int)cinfo.image_height;
    const int channels = cinfo.out_color_space == JCS_GRAYSCALE ? 1 : 3;
    result->width = orientation >= 5 ? height : width;
    result->height = orientation >= 5 ? width : height;
    result->channels = channels;
    const size_t row_bytes = (size_t)width * (size_t)channels;
    if (capacity < row_bytes * (size_t)height) {
        jpeg_destroy_decompress(&cinfo);
        return CBAM_NEEDS_BUFFER;
    }

    uint8_t *target = pixels;
    if (orientation != 1) {
        stored = malloc(row_bytes * (size_t)height);
        if (!stored) ERREXIT(&cinfo, JERR_OUT_OF_MEMORY);
        target = stored;
    }
    if (is_cmyk) {
        cmyk_row = malloc((size_t)width * 4);
        if (!cmyk_row) ERREXIT(&cinfo, JERR_OUT_OF_MEMORY);
    }

    jpeg_start_decompress(&cinfo);
    while (cinfo.output_scanline < cinfo.output_height) {
        uint8_t *row = target + cinfo.output_scanline * row_bytes;
        if (is_cmyk) {
            JSAMPROW input = cmyk_row;
            jpeg_read_scanlines(&cinfo, &input, 1);
            cbam_cmyk_to_rgb(cmyk_row, row, (size_t)width, cinfo.saw_Adobe_marker);
        } else {
            // Several rows per call spare libjpeg a copy through its own row buffer.
            JSAMPROW rows[16];
            const JDIMENSION count = cinfo.output_height - cinfo.output_scanline < 16
                                         ? cinfo.output_height - cinfo.output_scanline : 16;
            for (JDIMENSION i = 0; i < count; i++) rows[i] = row + i * row_bytes;
            jpeg_read_scanlines(&cinfo, rows, count);
        }
    }
    jpeg_finish_decompress(&cinfo);   // reads to the end: a cut file is an error

    if (orientation != 1) cbam_apply_orientation(stored, width, height, channels, orientation, pixels);
    free(stored);
    free(cmyk_row);
    jpeg_destroy_decompress(&cinfo);
    return CBAM_OK;
}
