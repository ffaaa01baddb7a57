/* buf.h: a growable byte buffer with a size cap, for pages, JSON and any
 * output fed by network input.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DALEEL_BUF_H
#define DALEEL_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "daleel/daleel.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The bytes are data[0..len), always followed by a NUL (once anything was
 * appended).  'max' caps len: an append that would pass it fails with
 * DALEEL_ETOOBIG and leaves the buffer as it was.  Errors are sticky: after
 * the first failure every append returns that status, so a caller may append
 * many pieces and check 'err' once at the end. */
typedef struct {
    char *data;
    size_t len;
    size_t cap;
    size_t max;
    daleel_status err;
} daleel_buf;

/* Start an empty buffer that will never hold more than 'max' bytes.
 * Allocates nothing until the first append. */
void daleel_buf_init(daleel_buf *b, size_t max);

/* Free the bytes; the buffer is empty (and reusable) afterwards. */
void daleel_buf_free(daleel_buf *b);

/* Make the buffer empty again, keeping its memory and clearing 'err'. */
void daleel_buf_reset(daleel_buf *b);

/* Take the bytes: the caller frees the result with free().  Returns NULL
 * when nothing was appended or on a sticky error; the buffer is empty
 * afterwards either way. */
char *daleel_buf_steal(daleel_buf *b, size_t *len);

daleel_status daleel_buf_append(daleel_buf *b, const char *s, size_t n);
daleel_status daleel_buf_puts(daleel_buf *b, const char *s);
daleel_status daleel_buf_putc(daleel_buf *b, char c);
daleel_status daleel_buf_printf(daleel_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
daleel_status daleel_buf_vprintf(daleel_buf *b, const char *fmt, va_list ap);

/* Append 's' escaped for HTML text and attribute values (& < > " ' become
 * entities).  NUL bytes are dropped. */
daleel_status daleel_buf_append_html(daleel_buf *b, const char *s, size_t n);

/* Append 's' percent-encoded for a URL query value or path segment
 * (RFC 3986 2.1: everything but unreserved characters is %XX). */
daleel_status daleel_buf_append_url(daleel_buf *b, const char *s, size_t n);

#ifdef __cplusplus
}
#endif
#endif
