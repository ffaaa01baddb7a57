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
 * heading are "", level 0); it is always present, possibly empty.
 *
 * The title heading (see daleel_article.title) is not a section and is
 * left out of the HTML: the page template shows the title.
 *
 * Plain text: paragraphs, list items, code blocks and the rows of pipe
 * tables are lines joined by "\n"; inline code and link and image text are
 * kept, URLs and raw HTML tags are not (the words of a raw HTML block
 * are); DocFX "[!include[...](...)]" directives and "> [!NOTE]" markers
 * are dropped. */
typedef struct {
    char *id;        /* anchor id, unique in the article: the heading's
                        <a name="..."> when it has one (DocFX), else its
                        text lower-cased, spaces -> '-', punctuation,
                        harakat and tatweel dropped, letters of every
                        script kept ("إعادة-تعيين-كلمة-المرور"); "-2",
                        "-3"... on repeats; "section-N" when empty.  The
                        HTML has the same id on the <hN> */
    char *heading;   /* the heading's plain text */
    int level;       /* 1..6 */
    char *text;      /* plain text of the section body, without the
                        heading; "" when none */
} daleel_section;

/* Every string is non-NULL (possibly "").  Field defaults are described in
 * docs/articles.md. */
typedef struct {
    char *path;          /* relative to the articles folder, as given */
    char *slug;          /* front matter, else path without ".md" */
    char *title;         /* front matter, else the first top-level level-1
                            heading ("# Title" or setext), which then is the
                            title heading.  With a front matter title, the
                            first heading is the title heading when it is a
                            top-level h1 (it usually repeats the title) */
    daleel_lang lang;    /* front matter, else a path segment ("ar/",
                            "pages.ar/", "en-us/", "x.ar.md"), else guessed
                            from the prose; never DALEEL_LANG_NONE */
    char *category;      /* front matter, else the first folder that is not
                            a language or a generic root (articles, docs,
                            pages, content), else "" */
    char **tags;         /* n_tags strings, trimmed, without repeats
                            (NULL when n_tags is 0) */
    size_t n_tags;
    char *summary;       /* front matter 'summary', else 'description', else
                            the first paragraph's text cut to about 200
                            characters at a word boundary (with "…") */
    char *translation;   /* key shared by the versions in other languages:
                            front matter, else the path without ".md" and its
                            language segment (en/x/y.md and ar/x/y.md both
                            give "x/y"; pages.ar/x.md gives "pages/x") */
    int64_t updated;     /* Unix seconds: front matter, else 'mtime' */
    int internal;        /* audience: internal (support agents only) */
    int draft;           /* draft: true (the indexer skips it) */
    char *html;          /* sanitized HTML of the body, ids on headings */
    char *text;          /* plain text of the whole body: section 0, then
                            each section's heading and text, as lines */
    daleel_section *sections;
    size_t n_sections;   /* at least 1 */
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
 * 'data' need not be NUL-terminated and may hold any bytes.  On success
 * '*out' is a new article; free it with daleel_article_free().  On error
 * '*out' is NULL and 'err' (which may be NULL) says why:
 *   DALEEL_EPARSE: malformed YAML, front matter not a mapping or never
 *     closed, a field of the wrong type or value (lang, updated, draft,
 *     slug), invalid UTF-8 (with its byte offset), no title, empty file;
 *     'line' is the line in the file (0 for the whole file);
 *   DALEEL_ETOOBIG: over DALEEL_MAX_ARTICLE bytes;
 *   DALEEL_ENOMEM;
 *   DALEEL_EINVAL: 'out' is NULL, or 'data' is NULL with 'len' > 0.
 * Reentrant: no global state, so threads may parse at the same time. */
daleel_status daleel_article_parse(const char *data, size_t len,
                                   const char *path, int64_t mtime,
                                   daleel_article **out,
                                   daleel_article_error *err);

/* Free 'a' and everything it holds; NULL does nothing. */
void daleel_article_free(daleel_article *a);

#ifdef __cplusplus
}
#endif
#endif
