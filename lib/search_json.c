/* search_json.c: reading a document's data (the JSON object of document.h)
 * for a hit, without building a tree.  Every hit of every search parses
 * one, and jansson's general parser (a hash table per object, a copy per
 * string) was a fifth of a search's time on the tldr corpus; this reader
 * decodes the strings it needs in place, in the buffer the index handed
 * over, and skips the rest.  It is strict JSON (RFC 8259) and returns an
 * error on anything else rather than guessing.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "search_int.h"

#define MAX_DEPTH 32

typedef struct {
    char *p, *end;
} reader;

static void skip_ws(reader *r)
{
    while (r->p < r->end &&
           (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
        r->p++;
}

static int hex4(const char *s, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static char *put_utf8(char *o, unsigned c)
{
    if (c < 0x80) {
        *o++ = (char)c;
    } else if (c < 0x800) {
        *o++ = (char)(0xC0 | (c >> 6));
        *o++ = (char)(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        *o++ = (char)(0xE0 | (c >> 12));
        *o++ = (char)(0x80 | ((c >> 6) & 0x3F));
        *o++ = (char)(0x80 | (c & 0x3F));
    } else {
        *o++ = (char)(0xF0 | (c >> 18));
        *o++ = (char)(0x80 | ((c >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((c >> 6) & 0x3F));
        *o++ = (char)(0x80 | (c & 0x3F));
    }
    return o;
}

/* A string at r->p ('"'), decoded in place: an escape never decodes to
 * more bytes than it takes, so the text fits where it was, and the NUL
 * goes where the closing quote (or earlier) was.  '*out' may be NULL to
 * skip.  Returns 0, or -1 on bad JSON. */
static int read_string(reader *r, char **out, size_t *out_len)
{
    if (r->p >= r->end || *r->p != '"')
        return -1;
    char *s = ++r->p, *o = s;
    while (r->p < r->end) {
        unsigned char c = (unsigned char)*r->p;
        if (c == '"') {
            r->p++;
            *o = '\0';
            if (out)
                *out = s;
            if (out_len)
                *out_len = (size_t)(o - s);
            return 0;
        }
        if (c < 0x20)
            return -1;  /* RFC 8259 7: control characters are escaped */
        if (c != '\\') {
            *o++ = (char)c;
            r->p++;
            continue;
        }
        if (r->end - r->p < 2)
            return -1;
        char e = r->p[1];
        r->p += 2;
        switch (e) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '/': *o++ = '/'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            unsigned cp, lo;
            if (r->end - r->p < 4 || hex4(r->p, &cp) != 0)
                return -1;
            r->p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                /* A surrogate pair: \uD83D\uDE00 */
                if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u' ||
                    hex4(r->p + 2, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF)
                    return -1;
                r->p += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                return -1;
            }
            if (cp == 0)
                return -1;  /* a NUL would cut the C string */
            o = put_utf8(o, cp);
            break;
        }
        default:
            return -1;
        }
    }
    return -1;
}

static int skip_value(reader *r, int depth);

static int skip_container(reader *r, char close, int depth)
{
    if (depth > MAX_DEPTH)
        return -1;
    r->p++;
    skip_ws(r);
    if (r->p < r->end && *r->p == close) {
        r->p++;
        return 0;
    }
    for (;;) {
        skip_ws(r);
        if (close == '}') {
            if (read_string(r, NULL, NULL) != 0)
                return -1;
            skip_ws(r);
            if (r->p >= r->end || *r->p != ':')
                return -1;
            r->p++;
        }
        if (skip_value(r, depth + 1) != 0)
            return -1;
        skip_ws(r);
        if (r->p >= r->end)
            return -1;
        if (*r->p == ',') {
            r->p++;
            continue;
        }
        if (*r->p != close)
            return -1;
        r->p++;
        return 0;
    }
}

static int skip_value(reader *r, int depth)
{
    skip_ws(r);
    if (r->p >= r->end)
        return -1;
    char c = *r->p;
    if (c == '"')
        return read_string(r, NULL, NULL);
    if (c == '{')
        return skip_container(r, '}', depth);
    if (c == '[')
        return skip_container(r, ']', depth);
    /* A number or true/false/null: up to the next delimiter. */
    char *s = r->p;
    while (r->p < r->end && *r->p != ',' && *r->p != '}' && *r->p != ']' &&
           *r->p != ' ' && *r->p != '\n' && *r->p != '\r' && *r->p != '\t')
        r->p++;
    return r->p > s ? 0 : -1;
}

static int read_int(reader *r, long long *out)
{
    skip_ws(r);
    char *s = r->p;
    if (s < r->end && *s == '-')
        s++;
    while (s < r->end && *s >= '0' && *s <= '9')
        s++;
    if (s == r->p || (s < r->end && (*s == '.' || *s == 'e' || *s == 'E')))
        return skip_value(r, 0);  /* not an integer: keep 0 */
    char buf[32];
    size_t n = (size_t)(s - r->p);
    if (n >= sizeof buf)
        return -1;
    memcpy(buf, r->p, n);
    buf[n] = '\0';
    errno = 0;
    *out = strtoll(buf, NULL, 10);
    r->p = s;
    return errno ? -1 : 0;
}

/* Read a value that should be a string into '*out' (others: skipped, and
 * '*out' stays as it was). */
static int string_field(reader *r, char **out, size_t *len)
{
    skip_ws(r);
    if (r->p < r->end && *r->p == '"')
        return read_string(r, out, len);
    return skip_value(r, 0);
}

static int read_section(reader *r, dli_section *sec)
{
    skip_ws(r);
    if (r->p >= r->end || *r->p != '{')
        return skip_value(r, 1);
    r->p++;
    skip_ws(r);
    if (r->p < r->end && *r->p == '}') {
        r->p++;
        return 0;
    }
    for (;;) {
        char *key;
        skip_ws(r);
        if (read_string(r, &key, NULL) != 0)
            return -1;
        skip_ws(r);
        if (r->p >= r->end || *r->p++ != ':')
            return -1;
        int rc;
        if (strcmp(key, "id") == 0)
            rc = string_field(r, &sec->id, NULL);
        else if (strcmp(key, "heading") == 0)
            rc = string_field(r, &sec->heading, &sec->heading_len);
        else if (strcmp(key, "text") == 0)
            rc = string_field(r, &sec->text, &sec->text_len);
        else
            rc = skip_value(r, 2);
        if (rc != 0)
            return -1;
        skip_ws(r);
        if (r->p >= r->end)
            return -1;
        if (*r->p == ',') {
            r->p++;
            continue;
        }
        if (*r->p++ != '}')
            return -1;
        return 0;
    }
}

static int read_sections(reader *r, dli_docdata *d)
{
    skip_ws(r);
    if (r->p >= r->end || *r->p != '[')
        return skip_value(r, 1);
    r->p++;
    skip_ws(r);
    if (r->p < r->end && *r->p == ']') {
        r->p++;
        return 0;
    }
    size_t cap = 0;
    for (;;) {
        if (d->n_sections == cap) {
            cap = cap ? 2 * cap : 8;
            dli_section *v = realloc(d->sections, cap * sizeof *v);
            if (!v)
                return -2;
            d->sections = v;
        }
        dli_section *sec = &d->sections[d->n_sections];
        memset(sec, 0, sizeof *sec);
        if (read_section(r, sec) != 0)
            return -1;
        d->n_sections++;
        skip_ws(r);
        if (r->p >= r->end)
            return -1;
        if (*r->p == ',') {
            r->p++;
            continue;
        }
        if (*r->p++ != ']')
            return -1;
        return 0;
    }
}

daleel_status dli_docdata_parse(char *data, size_t len, int want_sections,
                                dli_docdata *d)
{
    static char empty[] = "";
    memset(d, 0, sizeof *d);
    reader r = {data, data + len};
    skip_ws(&r);
    if (r.p >= r.end || *r.p != '{')
        return DALEEL_EINDEX;
    r.p++;
    skip_ws(&r);
    int rc = 0;
    if (r.p < r.end && *r.p == '}') {
        r.p++;
    } else {
        for (;;) {
            char *key;
            skip_ws(&r);
            if (read_string(&r, &key, NULL) != 0 || (skip_ws(&r), r.p >= r.end) ||
                *r.p++ != ':') {
                rc = -1;
                break;
            }
            if (strcmp(key, "slug") == 0)
                rc = string_field(&r, &d->slug, NULL);
            else if (strcmp(key, "title") == 0)
                rc = string_field(&r, &d->title, NULL);
            else if (strcmp(key, "lang") == 0)
                rc = string_field(&r, &d->lang, NULL);
            else if (strcmp(key, "category") == 0)
                rc = string_field(&r, &d->category, NULL);
            else if (strcmp(key, "summary") == 0)
                rc = string_field(&r, &d->summary, &d->summary_len);
            else if (strcmp(key, "path") == 0)
                rc = string_field(&r, &d->path, NULL);
            else if (strcmp(key, "translation") == 0)
                rc = string_field(&r, &d->translation, NULL);
            else if (strcmp(key, "audience") == 0)
                rc = string_field(&r, &d->audience, NULL);
            else if (strcmp(key, "updated") == 0)
                rc = read_int(&r, &d->updated);
            else if (strcmp(key, "sections") == 0 && !want_sections)
                goto done;  /* the rest is not needed: not even checked */
            else if (strcmp(key, "sections") == 0)
                rc = read_sections(&r, d);
            else
                rc = skip_value(&r, 1);
            if (rc != 0)
                break;
            skip_ws(&r);
            if (r.p < r.end && *r.p == ',') {
                r.p++;
                continue;
            }
            if (r.p >= r.end || *r.p++ != '}')
                rc = -1;
            break;
        }
    }
    if (rc == 0) {
        skip_ws(&r);
        if (r.p != r.end && !(r.p + 1 == r.end && *r.p == '\0'))
            rc = -1;  /* something after the object */
    }
    if (rc != 0) {
        dli_docdata_clear(d);
        return rc == -2 ? DALEEL_ENOMEM : DALEEL_EINDEX;
    }
done:;  /* a label must precede a statement before C23 (clang) */
    /* Absent fields read as "". */
    char **f[] = {&d->slug, &d->title, &d->lang, &d->category, &d->summary,
                  &d->path, &d->translation, &d->audience};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (!*f[i])
            *f[i] = empty;
    for (size_t i = 0; i < d->n_sections; i++) {
        dli_section *sec = &d->sections[i];
        if (!sec->id)
            sec->id = empty;
        if (!sec->heading)
            sec->heading = empty;
        if (!sec->text)
            sec->text = empty;
    }
    return DALEEL_OK;
}

void dli_docdata_clear(dli_docdata *d)
{
    free(d->sections);
    memset(d, 0, sizeof *d);
}

/* ---- The hit record ------------------------------------------------------ */

/* One field of the record (document.h) at r->p: 4-byte length, bytes, NUL.
 * -1 when the record ends too soon or the NUL is missing. */
static int record_field(reader *r, char **s, size_t *len)
{
    if (r->end - r->p < 4)
        return -1;
    const unsigned char *b = (const unsigned char *)r->p;
    size_t n = (size_t)b[0] | (size_t)b[1] << 8 | (size_t)b[2] << 16 |
               (size_t)b[3] << 24;
    r->p += 4;
    if ((size_t)(r->end - r->p) < n + 1 || r->p[n] != '\0')
        return -1;
    *s = r->p;
    if (len)
        *len = n;
    r->p += n + 1;
    return 0;
}

daleel_status dli_docrec_parse(char *rec, size_t len, int want_sections,
                               dli_docdata *d)
{
    memset(d, 0, sizeof *d);
    reader r = {rec, rec + len};
    if (len < 2 || rec[0] != 'D' || rec[1] != '1')
        return DALEEL_EINDEX;
    r.p += 2;
    char *updated;
    if (record_field(&r, &d->slug, NULL) || record_field(&r, &d->title, NULL) ||
        record_field(&r, &d->lang, NULL) ||
        record_field(&r, &d->category, NULL) ||
        record_field(&r, &d->summary, &d->summary_len) ||
        record_field(&r, &d->path, NULL) ||
        record_field(&r, &d->translation, NULL) ||
        record_field(&r, &d->audience, NULL) ||
        record_field(&r, &updated, NULL))
        return DALEEL_EINDEX;
    d->updated = strtoll(updated, NULL, 10);
    if (!want_sections)
        return DALEEL_OK;
    if (r.end - r.p < 4)
        return DALEEL_EINDEX;
    const unsigned char *b = (const unsigned char *)r.p;
    size_t n = (size_t)b[0] | (size_t)b[1] << 8 | (size_t)b[2] << 16 |
               (size_t)b[3] << 24;
    r.p += 4;
    /* Each section takes at least 15 bytes: a count past that is not a
     * record of ours. */
    if (n > (size_t)(r.end - r.p) / 15)
        return DALEEL_EINDEX;
    if (n && !(d->sections = calloc(n, sizeof *d->sections)))
        return DALEEL_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        dli_section *sec = &d->sections[i];
        if (record_field(&r, &sec->id, NULL) ||
            record_field(&r, &sec->heading, &sec->heading_len) ||
            record_field(&r, &sec->text, &sec->text_len)) {
            dli_docdata_clear(d);
            return DALEEL_EINDEX;
        }
        d->n_sections++;
    }
    return DALEEL_OK;
}
