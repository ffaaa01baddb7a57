/* url.c: strict decoding of what a client sends in a URL or a form:
 * percent-encoding (RFC 3986 2.1), the HTML form encoding ('+' is a
 * space), UTF-8 validity, and name=value lists.  Everything here refuses
 * rather than repairs, so the server answers 400 to bad input instead of
 * guessing what was meant.  No libmicrohttpd here: these functions are
 * pure, so the fuzz targets can call them.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "server.h"

int srv_utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c == 0)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        unsigned cp, min;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2; cp = c & 0x1F; min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3; cp = c & 0x0F; min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4; cp = c & 0x07; min = 0x10000;
        } else {
            return 0;   /* a continuation byte first, C0/C1, F5..FF */
        }
        if (n - i < len)
            return 0;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        /* RFC 3629 3: overlong forms, surrogates and code points past
         * U+10FFFF are not UTF-8. */
        if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            return 0;
        i += len;
    }
    return 1;
}

size_t srv_utf8_chars(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            k++;
    return k;
}

size_t srv_utf8_prefix(const char *s, size_t n, size_t max_chars)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (k == max_chars)
                return i;
            k++;
        }
    }
    return n;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int srv_pct_decode(const char *s, size_t n, int plus, char **out,
                   size_t *out_len)
{
    *out = NULL;
    if (out_len)
        *out_len = 0;
    char *d = malloc(n + 1);
    if (!d)
        return -2;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            /* RFC 3986 2.1: '%' is always followed by two hex digits. */
            int hi = i + 2 < n ? hexval((unsigned char)s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval((unsigned char)s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                free(d);
                return -1;
            }
            c = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus) {
            c = ' ';
        }
        d[k++] = c;
    }
    d[k] = '\0';
    if (!srv_utf8_valid(d, k)) {
        free(d);
        return -1;
    }
    *out = d;
    if (out_len)
        *out_len = k;
    return 0;
}

void srv_params_free(srv_param *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(p[i].name);
        free(p[i].value);
    }
    free(p);
}

int srv_parse_params(const char *s, size_t n, srv_param **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    srv_param *v = NULL;
    size_t nv = 0;
    size_t i = 0;
    int rc = 0;
    while (i < n) {
        size_t end = i;
        while (end < n && s[end] != '&')
            end++;
        if (end > i) {      /* "a=1&&b=2": empty pairs are skipped */
            if (nv == SRV_MAX_PARAMS) {
                rc = -1;
                goto fail;
            }
            if (!v && !(v = calloc(SRV_MAX_PARAMS, sizeof *v))) {
                rc = -2;
                goto fail;
            }
            size_t eq = i;
            while (eq < end && s[eq] != '=')
                eq++;
            srv_param *p = &v[nv];
            if ((rc = srv_pct_decode(s + i, eq - i, 1, &p->name, NULL)) != 0)
                goto fail;
            size_t vs = eq < end ? eq + 1 : end;
            if ((rc = srv_pct_decode(s + vs, end - vs, 1, &p->value,
                                     &p->value_len)) != 0) {
                free(p->name);
                p->name = NULL;
                goto fail;
            }
            nv++;
        }
        i = end + 1;
    }
    *out = v;
    *n_out = nv;
    return 0;
fail:
    srv_params_free(v, nv);
    return rc;
}

const char *srv_param_get(const srv_param *p, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(p[i].name, name) == 0)
            return p[i].value;
    return NULL;
}

const char *srv_q(srv_req *r, const char *name)
{
    return srv_param_get(r->query, r->n_query, name);
}

const char *srv_f(srv_req *r, const char *name)
{
    return srv_param_get(r->form, r->n_form, name);
}

void srv_append_slug(daleel_buf *b, const char *slug)
{
    const char *p = slug;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        daleel_buf_append_url(b, p, len);
        if (!slash)
            break;
        daleel_buf_putc(b, '/');
        p = slash + 1;
    }
}

/* RFC 3987 3.2: bidi formatting characters stay percent-encoded in an IRI,
 * or the address would display in an order other than its own. */
static int has_bidi_control(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i + 2 < n; i++) {
        if (s[i] != 0xE2)
            continue;
        if (s[i + 1] == 0x80 && (s[i + 2] == 0x8E || s[i + 2] == 0x8F ||
                                 (s[i + 2] >= 0xAA && s[i + 2] <= 0xAE)))
            return 1;
        if (s[i + 1] == 0x81 && s[i + 2] >= 0xA6 && s[i + 2] <= 0xA9)
            return 1;
    }
    return 0;
}

char *srv_iri(const char *uri)
{
    daleel_buf b;
    daleel_buf_init(&b, 8192);
    size_t n = strlen(uri), i = 0;
    unsigned char run[SRV_MAX_PATH];
    while (i < n) {
        /* A run of %XX escapes of non-ASCII bytes: decoded only when the
         * run is whole UTF-8, so ASCII escapes ('%2F', '%23', '%20') and
         * stray bytes keep their meaning and stay visible. */
        size_t j = i, k = 0;
        while (j + 2 < n && uri[j] == '%' && k < sizeof run) {
            int hi = hexval((unsigned char)uri[j + 1]);
            int lo = hexval((unsigned char)uri[j + 2]);
            if (hi < 8 || lo < 0)
                break;
            run[k++] = (unsigned char)(hi << 4 | lo);
            j += 3;
        }
        if (k && srv_utf8_valid((const char *)run, k) &&
            !has_bidi_control(run, k)) {
            daleel_buf_append(&b, (const char *)run, k);
            i = j;
        } else if (k) {
            daleel_buf_append(&b, uri + i, j - i);
            i = j;
        } else {
            daleel_buf_putc(&b, uri[i++]);
        }
    }
    return daleel_buf_steal(&b, NULL);
}
