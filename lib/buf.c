/* buf.c: growable byte buffer with a size cap (see buf.h).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daleel/buf.h"

void daleel_buf_init(daleel_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
    b->err = DALEEL_OK;
}

void daleel_buf_free(daleel_buf *b)
{
    free(b->data);
    daleel_buf_init(b, b->max);
}

void daleel_buf_reset(daleel_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
    b->err = DALEEL_OK;
}

char *daleel_buf_steal(daleel_buf *b, size_t *len)
{
    char *p = b->err == DALEEL_OK ? b->data : NULL;
    if (len)
        *len = p ? b->len : 0;
    if (!p)
        free(b->data);
    daleel_buf_init(b, b->max);
    return p;
}

/* Make room for 'n' more bytes plus the NUL.  Growth doubles, so appending
 * byte by byte stays linear. */
static daleel_status reserve(daleel_buf *b, size_t n)
{
    if (b->err != DALEEL_OK)
        return b->err;
    if (n > b->max - b->len || n > b->max)
        return b->err = DALEEL_ETOOBIG;
    size_t need = b->len + n + 1;
    if (need <= b->cap)
        return DALEEL_OK;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return b->err = DALEEL_ENOMEM;
    b->data = p;
    b->cap = cap;
    return DALEEL_OK;
}

daleel_status daleel_buf_append(daleel_buf *b, const char *s, size_t n)
{
    daleel_status st = reserve(b, n);
    if (st != DALEEL_OK)
        return st;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return DALEEL_OK;
}

daleel_status daleel_buf_puts(daleel_buf *b, const char *s)
{
    return daleel_buf_append(b, s, strlen(s));
}

daleel_status daleel_buf_putc(daleel_buf *b, char c)
{
    return daleel_buf_append(b, &c, 1);
}

daleel_status daleel_buf_vprintf(daleel_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return b->err = DALEEL_EINVAL;
    daleel_status st = reserve(b, (size_t)n);
    if (st != DALEEL_OK)
        return st;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return DALEEL_OK;
}

daleel_status daleel_buf_printf(daleel_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    daleel_status st = daleel_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return st;
}

daleel_status daleel_buf_append_html(daleel_buf *b, const char *s, size_t n)
{
    size_t run = 0;  /* start of the pending run of bytes that need no escape */
    for (size_t i = 0; i < n; i++) {
        const char *ent;
        switch (s[i]) {
        case '&':  ent = "&amp;"; break;
        case '<':  ent = "&lt;"; break;
        case '>':  ent = "&gt;"; break;
        case '"':  ent = "&quot;"; break;
        case '\'': ent = "&#39;"; break;
        case '\0': ent = ""; break;
        default:   continue;
        }
        daleel_buf_append(b, s + run, i - run);
        daleel_buf_puts(b, ent);
        run = i + 1;
    }
    return daleel_buf_append(b, s + run, n - run);
}

daleel_status daleel_buf_append_url(daleel_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
            daleel_buf_putc(b, (char)c);
        } else {
            char e[3] = { '%', hex[c >> 4], hex[c & 15] };
            daleel_buf_append(b, e, 3);
        }
    }
    return b->err;
}
