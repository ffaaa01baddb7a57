/* article.c: daleel_article_parse(), the checks every file goes through
 * (size, emptiness, UTF-8) and the defaults a missing front matter field
 * takes from the file's path and body.  The front matter itself is read in
 * article_front.c and the Markdown in article_body.c.  The format is
 * documented for writers in docs/articles.md.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "article_priv.h"

/* Folders that hold articles but say nothing about their topic. */
static const char *const generic_roots[] = { "articles", "docs", "pages",
                                             "content" };

daleel_status dli_article_fail(daleel_article_error *err, int line,
                               long offset, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->line = line;
        err->offset = offset;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return DALEEL_EPARSE;
}

char *dli_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

uint32_t dli_utf8_next(const char *str, size_t len, size_t *i)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned char c = s[*i];
    size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (*i + n > len) {
        (*i)++;
        return 0xFFFD;
    }
    uint32_t cp = n == 1 ? c : (uint32_t)(c & (0x7F >> n));
    for (size_t k = 1; k < n; k++)
        cp = (cp << 6) | (s[*i + k] & 0x3F);
    *i += n;
    return cp;
}

/* Bytes of the white space character at s[i] (ASCII or Unicode Zs, line
 * and paragraph separators), else 0. */
static size_t space_len(const unsigned char *s, size_t n, size_t i)
{
    unsigned char c = s[i];
    if (c == ' ' || (c >= '\t' && c <= '\r'))
        return 1;
    if (c == 0xC2 && i + 1 < n && s[i + 1] == 0xA0)
        return 2;                                    /* U+00A0 */
    if (i + 2 >= n)
        return 0;
    if (c == 0xE1 && s[i + 1] == 0x9A && s[i + 2] == 0x80)
        return 3;                                    /* U+1680 */
    if (c == 0xE2 && s[i + 1] == 0x80 &&
        (s[i + 2] <= 0x8A || s[i + 2] == 0xA8 || s[i + 2] == 0xA9 ||
         s[i + 2] == 0xAF))
        return 3;                                    /* U+2000..U+200A... */
    if (c == 0xE2 && s[i + 1] == 0x81 && s[i + 2] == 0x9F)
        return 3;                                    /* U+205F */
    if (c == 0xE3 && s[i + 1] == 0x80 && s[i + 2] == 0x80)
        return 3;                                    /* U+3000 */
    return 0;
}

char *dli_squeeze(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    int pending = 0;
    for (size_t i = 0; i < n;) {
        size_t sp = space_len(s, n, i);
        if (sp) {
            pending = o > 0;
            i += sp;
            continue;
        }
        if (pending)
            out[o++] = ' ';
        pending = 0;
        out[o++] = (char)s[i++];
    }
    out[o] = '\0';
    return out;
}

/* Offset of the first byte that is not part of valid UTF-8 (RFC 3629: no
 * overlong forms, surrogates or code points above U+10FFFF), or 'len'. */
static size_t utf8_invalid(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        uint32_t min, cp;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 2, min = 0x80, cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 3, min = 0x800, cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4, min = 0x10000, cp = c & 0x07;
        } else {
            return i;
        }
        if (i + n > len)
            return i;
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += n;
    }
    return len;
}

static int line_of(const char *data, size_t off)
{
    int line = 1;
    for (const char *p = data; (p = memchr(p, '\n', (size_t)(data + off - p)));
         p++)
        line++;
    return line;
}

/* "ar", "en", "ar-SA", "en_us": a language tag of one of our languages. */
static daleel_lang lang_of_tag(const char *s, size_t n)
{
    if (n != 2 && (n < 5 || n > 11 || (s[2] != '-' && s[2] != '_')))
        return DALEEL_LANG_NONE;
    for (size_t k = 3; k < n; k++)
        if (!((s[k] | 0x20) >= 'a' && (s[k] | 0x20) <= 'z') &&
            !(s[k] >= '0' && s[k] <= '9') && s[k] != '-')
            return DALEEL_LANG_NONE;
    char code[3] = { s[0], s[1], '\0' };
    return daleel_lang_from_code(code);
}

/* A path segment naming a language: "ar", "en-us", or "NAME.ar" such as
 * tldr's "pages.ar".  '*keep' is how many leading bytes remain when the
 * language is taken out ("pages.ar" -> "pages", "ar" -> nothing). */
static daleel_lang lang_of_segment(const char *s, size_t n, size_t *keep)
{
    daleel_lang l = lang_of_tag(s, n);
    if (l != DALEEL_LANG_NONE) {
        *keep = 0;
        return l;
    }
    const char *dot = NULL;
    for (const char *p = s; p < s + n; p++)
        if (*p == '.')
            dot = p;
    if (!dot || dot == s)
        return DALEEL_LANG_NONE;
    l = lang_of_tag(dot + 1, (size_t)(s + n - dot - 1));
    *keep = (size_t)(dot - s);
    return l;
}

static int is_generic_root(const char *s, size_t n)
{
    for (size_t k = 0; k < sizeof generic_roots / sizeof generic_roots[0]; k++)
        if (strlen(generic_roots[k]) == n &&
            strncasecmp(s, generic_roots[k], n) == 0)
            return 1;
    return 0;
}

/* The default slug: the 'n' bytes of 'path' (its ".md" already cut off),
 * with each segment made only of dots spelled out: "." becomes "_dot",
 * ".." "_dot-dot", one "dot" per dot.  Browsers and the URL standard
 * (WHATWG URL path parsing; RFC 3986 5.2.4) drop "." and ".." segments,
 * also written "%2e", before a request is sent, so /a/pages/common/. (tldr
 * documents the "." command in "..md") could never be opened.  A plain
 * "dot" would take the slug of tldr's page for Graphviz, dot.md; names
 * starting with '_' are rare for articles (Jekyll does not even publish
 * them).  Every dots-only segment is spelled out, not just "." and "..",
 * so the rule is simple to state and no URL tool can read one as a step
 * up.  NULL when out of memory. */
static char *default_slug(const char *path, size_t n)
{
    char *s = malloc(4 * n + 1);    /* one dot grows to at most 4 bytes */
    if (!s)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        const char *seg = path + i;
        size_t len = 0, dots = 0;
        while (i + len < n && seg[len] != '/')
            len++;
        while (dots < len && seg[dots] == '.')
            dots++;
        if (len && dots == len) {
            for (size_t k = 0; k < len; k++, o += 4)
                memcpy(s + o, k ? "-dot" : "_dot", 4);
        } else {
            memcpy(s + o, seg, len);
            o += len;
        }
        i += len;
        if (i < n) {
            s[o++] = '/';
            i++;
        }
    }
    s[o] = '\0';
    return s;
}

/* What the path says: the slug (path without ".md", see default_slug()),
 * the language of its first language segment (folders first, then a
 * "name.ar.md" file name), the category (first folder that is neither a
 * language nor a generic root) and the translation key (the path without
 * ".md" and the language; it never goes in a URL, so its dots stay). */
typedef struct {
    char *slug, *category, *translation;
    daleel_lang lang;
} path_info;

static daleel_status read_path(const char *path, path_info *pi)
{
    memset(pi, 0, sizeof *pi);
    while (path[0] == '/' || (path[0] == '.' && path[1] == '/'))
        path += path[0] == '/' ? 1 : 2;
    size_t n = strlen(path);
    if (n >= 3 && strcasecmp(path + n - 3, ".md") == 0)
        n -= 3;
    pi->slug = default_slug(path, n);
    pi->translation = malloc(n + 1);
    if (!pi->slug || !pi->translation)
        return DALEEL_ENOMEM;

    size_t t = 0;          /* bytes in translation */
    const char *cat = NULL;
    size_t cat_n = 0;
    for (const char *seg = path; seg <= path + n;) {
        const char *slash = memchr(seg, '/', (size_t)(path + n - seg));
        const char *se = slash ? slash : path + n;
        size_t len = (size_t)(se - seg), keep = len;
        daleel_lang l = DALEEL_LANG_NONE;
        if (slash) {
            l = lang_of_segment(seg, len, &keep);
            if (l == DALEEL_LANG_NONE && !cat && len &&
                !is_generic_root(seg, len)) {
                cat = seg;
                cat_n = len;
            }
        } else if (pi->lang == DALEEL_LANG_NONE) {
            /* File name "reset.ar": only NAME.LANG, as a plain "ar.md" is
             * tldr's page about the ar command. */
            const char *dot = memrchr(seg, '.', len);
            if (dot && dot > seg) {
                l = lang_of_tag(dot + 1, (size_t)(se - dot - 1));
                if (l != DALEEL_LANG_NONE)
                    keep = (size_t)(dot - seg);
            }
        }
        if (l != DALEEL_LANG_NONE && pi->lang == DALEEL_LANG_NONE) {
            pi->lang = l;
        } else {
            keep = len;
        }
        if (keep) {
            if (t)
                pi->translation[t++] = '/';
            memcpy(pi->translation + t, seg, keep);
            t += keep;
        }
        if (!slash)
            break;
        seg = slash + 1;
    }
    pi->translation[t] = '\0';
    pi->category = dli_strndup(cat ? cat : "", cat_n);
    return pi->category ? DALEEL_OK : DALEEL_ENOMEM;
}

static void path_info_free(path_info *pi)
{
    free(pi->slug);
    free(pi->category);
    free(pi->translation);
}

/* Take 'preferred' if it is a non-empty string, else a copy of 'fallback'.
 * Sets '*preferred' to NULL when taken. */
static char *pick(char **preferred, char **fallback)
{
    char *s;
    if (*preferred && (*preferred)[0]) {
        s = *preferred;
        *preferred = NULL;
    } else {
        s = *fallback;
        *fallback = NULL;
    }
    return s ? s : strdup("");
}

daleel_status daleel_article_parse(const char *data, size_t len,
                                   const char *path, int64_t mtime,
                                   daleel_article **out,
                                   daleel_article_error *err)
{
    daleel_article_error local;
    if (!err)
        err = &local;
    err->line = 0;
    err->offset = -1;
    err->msg[0] = '\0';
    if (!out || (!data && len))
        return DALEEL_EINVAL;
    *out = NULL;
    if (!path)
        path = "";
    if (!data)
        data = "";

    if (len > DALEEL_MAX_ARTICLE) {
        snprintf(err->msg, sizeof err->msg,
                 "file too big: %zu bytes, over the limit of %u (2 MiB)",
                 len, DALEEL_MAX_ARTICLE);
        return DALEEL_ETOOBIG;
    }
    size_t bad = utf8_invalid((const unsigned char *)data, len);
    if (bad < len)
        return dli_article_fail(err, line_of(data, bad), (long)bad,
                                "invalid UTF-8 at byte %zu", bad);
    /* A UTF-8 byte order mark is allowed and ignored. */
    size_t bom = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    size_t i = bom, sp;
    while (i < len && (sp = space_len((const unsigned char *)data, len, i)))
        i += sp;
    if (i == len)
        return dli_article_fail(err, 0, -1, "empty file");

    daleel_status st;
    dli_front fm;
    dli_body body;
    path_info pi;
    memset(&body, 0, sizeof body);
    memset(&pi, 0, sizeof pi);
    daleel_article *a = NULL;
    st = dli_front_parse(data + bom, len - bom, &fm, err);
    if (st != DALEEL_OK)
        return st;
    const char *md = data + bom + fm.body_off;
    st = dli_body_parse(md, len - bom - fm.body_off, fm.title && fm.title[0],
                        &body);
    if (st != DALEEL_OK)
        goto out;
    if (!(fm.title && fm.title[0]) && !(body.title && body.title[0])) {
        st = dli_article_fail(err, 0, -1,
                              "no title: add \"title:\" to the front matter "
                              "or start with a \"# \" heading");
        goto out;
    }
    st = read_path(path, &pi);
    if (st != DALEEL_OK)
        goto out;

    st = DALEEL_ENOMEM;
    a = calloc(1, sizeof *a);
    if (!a)
        goto out;
    a->path = strdup(path);
    a->title = pick(&fm.title, &body.title);
    a->slug = pick(&fm.slug, &pi.slug);
    a->category = pick(&fm.category, &pi.category);
    a->translation = pick(&fm.translation, &pi.translation);
    /* DocFX pages have a 'description', a fine summary. */
    a->summary = pick(fm.summary && fm.summary[0] ? &fm.summary
                                                  : &fm.description,
                      &body.summary);
    a->tags = fm.tags;
    a->n_tags = fm.n_tags;
    fm.tags = NULL;
    fm.n_tags = 0;
    a->updated = fm.has_updated ? fm.updated : mtime;
    a->internal = fm.internal;
    a->draft = fm.draft;
    a->html = body.html;
    a->text = body.text;
    a->sections = body.sections;
    a->n_sections = body.n_sections;
    body.html = body.text = NULL;
    body.sections = NULL;
    body.n_sections = 0;
    if (!a->path || !a->title || !a->slug || !a->category ||
        !a->translation || !a->summary)
        goto out;

    a->lang = fm.lang != DALEEL_LANG_NONE ? fm.lang : pi.lang;
    if (a->lang == DALEEL_LANG_NONE) {
        /* The prose decides; a page without a letter in it is English. */
        size_t tl = strlen(a->title), xl = strlen(a->text);
        char *both = malloc(tl + xl + 2);
        if (!both)
            goto out;
        memcpy(both, a->title, tl);
        both[tl] = '\n';
        memcpy(both + tl + 1, a->text, xl + 1);
        a->lang = daleel_guess_lang(both, tl + 1 + xl);
        free(both);
        if (a->lang == DALEEL_LANG_NONE)
            a->lang = DALEEL_LANG_EN;
    }
    *out = a;
    a = NULL;
    st = DALEEL_OK;
out:
    if (st == DALEEL_ENOMEM)
        snprintf(err->msg, sizeof err->msg, "out of memory");
    daleel_article_free(a);
    dli_front_free(&fm);
    dli_body_free(&body);
    path_info_free(&pi);
    return st;
}

void daleel_article_free(daleel_article *a)
{
    if (!a)
        return;
    free(a->path);
    free(a->slug);
    free(a->title);
    free(a->category);
    for (size_t k = 0; k < a->n_tags; k++)
        free(a->tags[k]);
    free(a->tags);
    free(a->summary);
    free(a->translation);
    free(a->html);
    free(a->text);
    dli_sections_free(a->sections, a->n_sections);
    free(a);
}
