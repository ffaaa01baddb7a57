/* search_int.h: what the files of the search module (search.c,
 * search_snippet.c, search_more.c) share and nothing else sees: the
 * searcher's body, a copy of a query's analysis that outlives the
 * analyzer's next call, and the matcher and pre-screen (search_screen.c)
 * that find query words in text for snippets.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DALEEL_SEARCH_INT_H
#define DALEEL_SEARCH_INT_H

#include <stddef.h>
#include <stdint.h>

#include "daleel/index.h"
#include "daleel/search.h"
#include "daleel/text.h"

/* Suggestions show titles on every keystroke; reading and inflating a
 * document's data for each was most of their time on long articles.  A
 * direct-mapped cache by docid keeps what they show, for the index
 * revision it was read from. */
#define DLI_TITLE_CACHE 4096   /* entries, a power of two */

typedef struct {
    unsigned docid;           /* 0: empty */
    char *slug, *title;
    daleel_lang lang;
    int internal;
} dli_title_entry;

/* The snippets' pre-screen (search_screen.c): buffers a searcher reuses
 * from hit to hit. */
typedef struct {
    size_t start, end;
} dli_range;

#define DLI_SCREEN_UNSURE 64

typedef struct {
    char *fold;               /* the folded text, NUL-terminated */
    uint32_t *at;             /* per folded byte, its offset in the text */
    int identity;             /* all ASCII: 'at' is not set, offsets are
                                 the same */
    size_t len, cap;
    size_t unsure[DLI_SCREEN_UNSURE];
    size_t n_unsure;
    int unsure_overflow;
    dli_range *words;
    size_t n_words, cap_words;
    int words_all;
    char *scratch;            /* the words joined, for one analyzer call */
    size_t cap_scratch;
    size_t *scratch_at;       /* per word, where it starts in 'scratch' */
    size_t cap_scratch_at;
} dli_screen_buf;

struct daleel_searcher {
    daleel_index *idx;
    daleel_analyzer *an;
    dli_title_entry *titles;  /* DLI_TITLE_CACHE entries, or NULL */
    unsigned long titles_rev;
    dli_screen_buf screen;    /* the snippets' pre-screen buffers */
    char errmsg[256];
};

/* Empty the title cache (on a new revision, and at close). */
void dli_titles_clear(daleel_searcher *s);

/* Set the searcher's message and return 'st' (printf-style). */
daleel_status dli_search_err(daleel_searcher *s, daleel_status st,
                             const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The index's own message for a failed index call, copied to 's'. */
daleel_status dli_search_index_err(daleel_searcher *s, daleel_status st);

/* A query's analysis, copied out of the analyzer (whose result dies at its
 * next call, and snippets call it again).  Term texts live in 'pool'. */
typedef struct {
    daleel_token *tokens;
    size_t n_tokens;
    daleel_term *terms;
    size_t n_terms;
    char *pool;
    daleel_lang lang;
    int prefix_last;
} dli_qcopy;

daleel_status dli_qcopy_make(const daleel_analysis *a, dli_qcopy *out);
void dli_qcopy_clear(dli_qcopy *q);

/* The weight that puts the reader's language first: more than any
 * relevance weight a query of DALEEL_MAX_QUERY_WORDS words can reach. */
#define DLI_W_LANG 1e6

/* 'q' (consumed) AND_MAYBE a constant DLI_W_LANG for documents in 'lang'
 * (daleel_query_prefer_value() on 'idx'); 'q' itself for
 * DALEEL_LANG_NONE.  NULL on OOM. */
daleel_query *dli_prefer_lang(daleel_index *idx, daleel_query *q,
                              daleel_lang lang);

/* The as-you-type prefixes of token 't' (its PREFIX terms, or its exact
 * term when the analyzer gave none), at most 'max' into 'out'. */
size_t dli_prefix_terms(const daleel_term *terms, const daleel_token *t,
                        const daleel_term **out, size_t max);

/* The query words a snippet looks for.  A "word" is one token of the
 * query that the search uses (not dropped); a text token matches word w
 * when one of its E, Z, XA or XC terms is one of w's terms (or a synonym
 * term of w), or when its E term starts with one of w's as-you-type
 * prefixes. */
typedef struct {
    struct dli_mterm {
        char *text;
        size_t len;
        unsigned word;
    } *slots;                 /* open addressing, 'cap' a power of two */
    size_t cap, n;
    struct dli_mterm *prefixes;
    size_t n_prefixes, cap_prefixes;
    /* The snippets' pre-screen (search_screen.c): each term folded and
     * cut short, as searched for in folded text. */
    struct dli_needle {
        char text[DALEEL_MAX_TERM + 1];
        size_t len;
    } *needles;
    size_t n_needles, cap_needles;
    int no_screen;            /* a term the fold cannot screen for */
    unsigned n_words;         /* word numbers are below this */
    unsigned n_want;          /* a passage with this many words is the best */
} dli_matcher;

void dli_matcher_init(dli_matcher *m);
void dli_matcher_clear(dli_matcher *m);
/* Add 'term' ('len' bytes, copied) as a term of word 'word'. */
daleel_status dli_matcher_add(dli_matcher *m, const char *term, size_t len,
                              unsigned word);
daleel_status dli_matcher_add_prefix(dli_matcher *m, const char *prefix,
                                     size_t len, unsigned word);

/* The needle of 'len' bytes of term text (without its prefix) into 'out'
 * ('cap' bytes); its length.  '*unscreenable' is set when the fold cannot
 * screen for it (letters outside ASCII and Arabic, or nothing left). */
size_t dli_fold_needle(const char *t, size_t len, char *out, size_t cap,
                       int *unscreenable);
/* Set sc->words to the ranges of 'text' (words between ASCII white space,
 * sorted, disjoint) that may hold one of m's words, or sc->words_all when
 * the whole text must be analyzed.  Errors: DALEEL_ENOMEM. */
daleel_status dli_screen(const dli_matcher *m, dli_screen_buf *sc,
                         const char *text, size_t len);
void dli_screen_buf_free(dli_screen_buf *sc);
/* The word that 'term' belongs to, or -1. */
int dli_matcher_find(const dli_matcher *m, const char *term, size_t len);

/* A document's data (document.h), read by search_json.c.  The strings
 * point into the buffer that was parsed (decoded in place); absent ones
 * are "". */
typedef struct {
    char *id, *heading, *text;
    size_t heading_len, text_len;
} dli_section;

typedef struct {
    char *slug, *title, *lang, *category, *summary, *path, *translation,
        *audience;
    size_t summary_len;
    long long updated;
    dli_section *sections;
    size_t n_sections;
} dli_docdata;

/* Parse the 'len' bytes of JSON at 'data' (modified: strings are decoded
 * in place) into '*d'; free with dli_docdata_clear().  Without
 * 'want_sections' the parse stops at "sections" (document.c writes it
 * last), which spares a suggestion the article's text.  Errors:
 * DALEEL_EINDEX (not a JSON object), DALEEL_ENOMEM. */
daleel_status dli_docdata_parse(char *data, size_t len, int want_sections,
                                dli_docdata *d);
/* The same from a hit record (value DALEEL_SLOT_HIT, document.h): the
 * strings point into 'rec', which the record's NULs end.  Errors:
 * DALEEL_EINDEX (not a record), DALEEL_ENOMEM. */
daleel_status dli_docrec_parse(char *rec, size_t len, int want_sections,
                               dli_docdata *d);
void dli_docdata_clear(dli_docdata *d);

/* Fill 'hit' from a document's data JSON ('data', 'len' bytes, modified
 * by the parse); with 'm' also choose its snippet, section and marks
 * (using 's->an').  Every string of the hit is set (possibly ""), except
 * 'translation' which is NULL when the article has none.  Errors:
 * DALEEL_ENOMEM, DALEEL_EINDEX (data that is not a JSON object). */
daleel_status dli_hit_from_data(daleel_searcher *s, char *data, size_t len,
                                const dli_matcher *m, daleel_hit *hit);
/* Free the strings of one hit (not the hit itself). */
void dli_hit_clear(daleel_hit *hit);

/* The document data of 'docid' as a hit (no snippet). */
daleel_status dli_hit_from_docid(daleel_searcher *s, unsigned docid,
                                 const dli_matcher *m, daleel_hit *hit);

/* Number of code points in 'len' bytes of UTF-8 (continuation bytes are
 * not counted). */
size_t dli_utf8_chars(const char *s, size_t len);

#endif
