/* search.h: searching the help center (ANALYSIS.md section 6): queries
 * built from the analyzer's terms, language preference, as-you-type prefix,
 * did-you-mean, synonyms, filters and facets, snippets with highlight
 * ranges and section anchors, suggestions and related articles.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DALEEL_SEARCH_H
#define DALEEL_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "daleel/daleel.h"
#include "daleel/text.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DALEEL_MAX_QUERY_WORDS 256

/* A searcher: a read-only index handle plus an analyzer.  Not thread-safe:
 * one per thread. */
typedef struct daleel_searcher daleel_searcher;

/* Open the index at 'index_path'.  Errors: DALEEL_ENOTFOUND (no index),
 * DALEEL_EVERSION (built by another analyzer version), DALEEL_EINDEX. */
daleel_status daleel_searcher_open(const char *index_path,
                                   daleel_searcher **out);
void daleel_searcher_close(daleel_searcher *s);
const char *daleel_searcher_errmsg(const daleel_searcher *s);
/* Pick up a new revision if the indexer committed one ('*changed' = 1). */
daleel_status daleel_searcher_reopen(daleel_searcher *s, int *changed);
/* The index revision the searcher reads (0 when unknown): results cached
 * by a caller are valid for that revision only. */
unsigned long daleel_searcher_revision(daleel_searcher *s);

typedef struct {
    const char *q;          /* the query as typed (UTF-8, may be invalid) */
    size_t q_len;
    daleel_lang lang;       /* filter; DALEEL_LANG_NONE: all languages, the
                               query's own first */
    const char *category;   /* filter, or NULL */
    const char *tag;        /* filter, or NULL */
    int internal;           /* include internal (agents-only) articles */
    unsigned offset;
    unsigned limit;         /* 0 = 10 */
    int no_prefix;          /* do not treat the last word as a prefix */
    int no_correct;         /* do not search the corrected query */
} daleel_search_opts;

typedef struct {
    size_t start, len;      /* a byte range of the snippet to highlight */
} daleel_span;

typedef struct {
    char *slug;
    char *title;
    daleel_lang lang;
    char *category;
    char *path;             /* source file, relative to the articles folder */
    char *summary;
    int64_t updated;
    int internal;
    char *translation;      /* translation key, or NULL */
    char *section_id;       /* anchor of the section holding the snippet,
                               "" for the top of the article */
    char *section_heading;
    char *snippet;          /* plain text, about 200 characters */
    daleel_span *marks;     /* sorted, non-overlapping ranges in 'snippet' */
    size_t n_marks;
    double score;
    unsigned rank;          /* 0-based over the result set */
} daleel_hit;

typedef struct {
    char *value;
    unsigned count;
} daleel_facet;

typedef struct {
    daleel_hit *hits;
    size_t n_hits;
    unsigned total;          /* estimated number of matches (exact when
                                the page is not full) */
    daleel_lang query_lang;  /* from the query's script */
    char *did_you_mean;      /* a corrected query, or NULL */
    int corrected;           /* the hits are for 'did_you_mean', because a
                                word of the query as typed is in no article
                                (and the corrected query finds some) */
    daleel_facet *categories; /* counts over the result set, most first
                                 (exact up to 200 matches, else over the
                                 first 200 examined); an article counts
                                 once however many of its translations
                                 match */
    size_t n_categories;
    char *query_description; /* Xapian's description of the query run */
} daleel_results;

/* Search.  Free '*out' with daleel_results_free().  An empty query, or one
 * with no usable word, gives DALEEL_OK and no hits.  Errors:
 * DALEEL_ENOMEM, DALEEL_EINDEX, DALEEL_EINVAL (NULL arguments). */
daleel_status daleel_search(daleel_searcher *s, const daleel_search_opts *o,
                            daleel_results **out);
void daleel_results_free(daleel_results *r);

typedef struct {
    char *slug;
    char *title;
    daleel_lang lang;
    int internal;
} daleel_suggestion;

/* The best article titles for a query being typed ('q' is a prefix of
 * what the reader will type), at most 'limit'.  Fast enough for every
 * keystroke.  Free with daleel_suggestions_free(). */
daleel_status daleel_suggest(daleel_searcher *s, const char *q, size_t len,
                             daleel_lang lang, int internal, size_t limit,
                             daleel_suggestion **out, size_t *n);
void daleel_suggestions_free(daleel_suggestion *v, size_t n);

/* Articles related to 'slug', in its language, best first, at most
 * 'limit'.  Only 'slug', 'title', 'lang', 'summary' and 'path' of each hit
 * are set.  Free with daleel_hits_free().  Errors: DALEEL_ENOTFOUND. */
daleel_status daleel_related(daleel_searcher *s, const char *slug,
                             int internal, size_t limit,
                             daleel_hit **out, size_t *n);
void daleel_hits_free(daleel_hit *v, size_t n);

/* A stored article: its document data (JSON, see document.h) and HTML.
 * The caller frees both with free().  Errors: DALEEL_ENOTFOUND. */
daleel_status daleel_searcher_get(daleel_searcher *s, const char *slug,
                                  char **json, char **html);

/* The other-language versions of the article with translation key 'key'
 * (excluding 'slug' itself), as hits with slug, title, lang and internal
 * set (the other strings are NULL). */
daleel_status daleel_translations(daleel_searcher *s, const char *key,
                                  const char *slug, daleel_hit **out,
                                  size_t *n);

/* Categories with their article counts for 'lang' (NONE: all), for the
 * home page.  Free with daleel_facets_free(). */
daleel_status daleel_categories(daleel_searcher *s, daleel_lang lang,
                                int internal, daleel_facet **out, size_t *n);
void daleel_facets_free(daleel_facet *v, size_t n);

#ifdef __cplusplus
}
#endif
#endif
