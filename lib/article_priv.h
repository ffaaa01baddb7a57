/* article_priv.h: what the three files of the article module share
 * (article.c: entry point, checks and defaults from the path;
 * article_front.c: YAML front matter; article_body.c: Markdown).
 * Not installed; nothing outside lib/article*.c includes it.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DALEEL_ARTICLE_PRIV_H
#define DALEEL_ARTICLE_PRIV_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "daleel/article.h"

/* Cap for the module's scratch buffers: far above anything a 2 MiB file
 * can expand to, but a bound all the same. */
#define DLI_ARTICLE_BUF_MAX ((size_t)DALEEL_MAX_ARTICLE * 64)

/* The front matter's fields, as written.  NULL / 0 / has_x = 0 when the
 * key is absent (or null), so article.c can fill in the defaults. */
typedef struct {
    size_t body_off;     /* byte offset of the Markdown body in the file */
    char *title, *slug, *category, *summary, *description, *translation;
    char **tags;
    size_t n_tags;
    int has_tags;
    daleel_lang lang;    /* DALEEL_LANG_NONE when absent */
    int64_t updated;
    int has_updated;
    int internal;
    int draft;
} dli_front;

/* Find and parse the front matter at the start of 'data' (valid UTF-8,
 * BOM already skipped).  Without front matter, 'fm' is left empty with
 * body_off 0.
 * Errors: DALEEL_EPARSE (with 'err' filled), DALEEL_ENOMEM. */
daleel_status dli_front_parse(const char *data, size_t len, dli_front *fm,
                              daleel_article_error *err);
void dli_front_free(dli_front *fm);

/* What the Markdown body gives. */
typedef struct {
    char *title;          /* the text of the title heading, or NULL */
    char *summary;        /* first paragraph's text, trimmed; never NULL */
    char *html;
    char *text;
    daleel_section *sections;
    size_t n_sections;
} dli_body;

/* Render 'len' bytes of Markdown.  'have_title': the front matter gave a
 * title (which decides which h1, if any, is the title heading; see
 * article.h).  Errors: DALEEL_ENOMEM, DALEEL_ETOOBIG. */
daleel_status dli_body_parse(const char *md, size_t len, int have_title,
                             dli_body *body);
void dli_body_free(dli_body *body);
/* Free the 'n' sections of 'v' and the array; NULL with 0 does nothing. */
void dli_sections_free(daleel_section *v, size_t n);

/* Fill 'err' (which may be NULL) and return DALEEL_EPARSE. */
daleel_status dli_article_fail(daleel_article_error *err, int line,
                               long offset, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

char *dli_strndup(const char *s, size_t n);

/* Copy 's' with runs of white space (ASCII, and any Unicode Zs) turned
 * into single spaces and the ends trimmed.  NULL when out of memory. */
char *dli_squeeze(const char *s, size_t n);

/* Decode one UTF-8 sequence of valid UTF-8 at s[*i]; advances *i. */
uint32_t dli_utf8_next(const char *s, size_t len, size_t *i);

#endif
