/* article.h: one Markdown help article (YAML front matter + CommonMark body)
 * -> title, language, headings with anchor ids, sections' plain text and
 * sanitized HTML.  The format is documented in docs/articles.md.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DALEEL_ARTICLE_H
#define DALEEL_ARTICLE_H

#include <stddef.h>
#include <stdint.h>

#include "daleel/daleel.h"
#include "daleel/text.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DALEEL_MAX_ARTICLE (2u * 1024 * 1024)   /* bytes of one file */

/* A section is the text under one heading, up to the next heading of any
 * level.  Section 0 is the text before the first heading (its id and
 * heading are "", level 0); it is always present, possibly empty. */
typedef struct {
    char *id;        /* anchor id: unique in the article, stable across
                        runs; Arabic letters kept ("إعادة-تعيين-كلمة-المرور") */
    char *heading;   /* the heading's plain text */
    int level;       /* 1..6 */
    char *text;      /* plain text of the section body (paragraphs joined by
                        "\n"), without the heading */
} daleel_section;

typedef struct {
    char *path;          /* relative to the articles folder, as given */
    char *slug;          /* front matter, else path without ".md" */
    char *title;         /* front matter, else first "# " heading */
    daleel_lang lang;    /* front matter, else a path segment, else guessed */
    char *category;      /* front matter, else the first folder (see docs) */
    char **tags;         /* n_tags strings */
    size_t n_tags;
    char *summary;       /* front matter, else the first paragraph's text */
    char *translation;   /* key shared by the versions in other languages */
    int64_t updated;     /* Unix seconds: front matter, else 'mtime' */
    int internal;        /* audience: internal (support agents only) */
    int draft;           /* draft: true (the indexer skips it) */
    char *html;          /* sanitized HTML of the body, ids on headings */
    char *text;          /* plain text of the whole body */
    daleel_section *sections;
    size_t n_sections;
} daleel_article;

/* Where parsing failed: 'line' (1-based, 0 if unknown) and 'offset' (byte
 * offset in the file, for invalid UTF-8; -1 if not applicable), and a
 * sentence such as "front matter: expected a mapping". */
typedef struct {
    int line;
    long offset;
    char msg[256];
} daleel_article_error;

/* Parse 'len' bytes of 'data', the content of the file at 'path' (relative
 * to the articles folder, used for defaults) last modified at 'mtime'.
 * On success '*out' is a new article; free it with daleel_article_free().
 * Errors: DALEEL_EPARSE (with 'err' filled: bad YAML, front matter not a
 * mapping, unknown lang, invalid UTF-8, no title, empty file),
 * DALEEL_ETOOBIG (over DALEEL_MAX_ARTICLE), DALEEL_ENOMEM. */
daleel_status daleel_article_parse(const char *data, size_t len,
                                   const char *path, int64_t mtime,
                                   daleel_article **out,
                                   daleel_article_error *err);

void daleel_article_free(daleel_article *a);

#ifdef __cplusplus
}
#endif
#endif
