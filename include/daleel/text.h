/* text.h: the analyzer.  One pipeline turns article text and queries into
 * search terms, for Arabic and English alike (see docs/analysis.md, which
 * follows ANALYSIS.md): Unicode and Arabic normalization, tokenization with
 * positions, exact terms, stems (libstemmer), alternative stems and code
 * terms.  The indexer and the search side both call it, and nothing else in
 * Daleel stems, so the two cannot drift apart.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DALEEL_TEXT_H
#define DALEEL_TEXT_H

#include <stddef.h>

#include "daleel/daleel.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Changes whenever the terms produced for some text change (a rule, a
 * word list, or the libstemmer or utf8proc version the rules were checked
 * with: tests/data/analyzer_*.tsv pin the output).  The indexer stores it
 * in the index and refuses to mix versions. */
#define DALEEL_ANALYZER_VERSION 2
/* The same as a string literal ("2"), as the index metadata holds it. */
#define DALEEL_ANALYZER_VERSION_STR DALEEL_STRINGIFY(DALEEL_ANALYZER_VERSION)
#define DALEEL_STRINGIFY(x) DALEEL_STRINGIFY_(x)
#define DALEEL_STRINGIFY_(x) #x

/* Terms longer than this many bytes (prefix included) are not produced,
 * and a token whose exact form is longer is skipped altogether (no
 * position): base64 blobs, hashes, a 10,000-letter line. */
#define DALEEL_MAX_TERM 64

/* Term prefixes (Xapian conventions: single capitals are standard, user
 * prefixes start with X). */
#define DALEEL_PREFIX_STEM  "Z"   /* stem */
#define DALEEL_PREFIX_ALT   "XA"  /* alternative stem, lower confidence */
#define DALEEL_PREFIX_CODE  "XC"  /* whole code compound: XCgit-commit */

typedef enum {
    DALEEL_LANG_NONE = 0,   /* unknown, or no letters */
    DALEEL_LANG_EN,
    DALEEL_LANG_AR
} daleel_lang;

/* "en", "ar", or "" for DALEEL_LANG_NONE.  Static storage. */
const char *daleel_lang_code(daleel_lang lang);
/* The language named by 'code' ("ar", "en", case-insensitive), else
 * DALEEL_LANG_NONE. */
daleel_lang daleel_lang_from_code(const char *code);

typedef enum {
    DALEEL_TERM_EXACT,  /* E: normalized surface form, unprefixed, positioned */
    DALEEL_TERM_STEM,   /* Z + stem */
    DALEEL_TERM_ALT,    /* index: XA + alternative stem.  query: a candidate
                           alternative (Z… or XA…), to be used only when the
                           index has it: "Z"+a and "XA"+a for each
                           alternative stem a, and "XA"+the token's own stem */
    DALEEL_TERM_CODE,   /* XC + whole compound, lower-cased; a term of the
                           compound's last part token */
    DALEEL_TERM_PREFIX  /* query only, last token when prefix_last: its E
                           form (weight 1.0), then for Arabic the E form
                           without a leading proclitic or article (و ف ب ل ك,
                           ال وال بال لل ...) when two letters or more are
                           left (weight 0.5): unprefixed text, for
                           as-you-type matching (اعاد finds اعاده) */
} daleel_term_kind;

typedef struct {
    const char *text;       /* the term with its prefix, NUL-terminated */
    size_t len;             /* bytes, without the NUL; never > DALEEL_MAX_TERM */
    daleel_term_kind kind;
    unsigned pos;           /* position for EXACT terms, else 0 */
    double weight;          /* query: relative weight (E 1.0, Z 1.0, ALT 0.5,
                               CODE 1.5, PREFIX 1.0 or 0.5); index: 1.0 */
    size_t token;           /* index of the token it belongs to */
} daleel_term;

/* A token's terms always begin with its one EXACT term; then STEM (none
 * for stopwords and words with digits), ALT, CODE, PREFIX.  There is one
 * STEM, except in index mode for an Arabic word whose hamza-seated alef
 * stands where an article would (إلغاء, الإلغاء): it has a second STEM,
 * the stem of its hamza-dropped spelling (see docs/analysis.md 4). */
typedef struct {
    size_t start, end;      /* byte range of the token in the input text
                               (what to highlight): it covers the marks,
                               tatweel and characters composed into the
                               token; consecutive tokens never go backwards,
                               but one input character may give several
                               tokens (ﷺ gives four, with the same range) */
    unsigned pos;           /* position (first_pos-based, consecutive) */
    daleel_lang lang;       /* by script: Arabic letters -> AR, else EN */
    int stop;               /* a stopword (query mode: or a question word);
                               it has an EXACT term only */
    int code;               /* part of a code compound */
    unsigned compound;      /* 0, or the number (1, 2, ...) of the code
                               compound this token is a part of */
    unsigned quote;         /* query mode: 0, or the number (1, 2, ...) of
                               the quoted phrase it is in */
    int dropped;            /* query mode: the search should ignore it
                               (stopword or question word, while other words
                               remain and it is not quoted) */
    size_t first_term;      /* its terms are terms[first_term ..          */
    size_t n_terms;         /*                 first_term + n_terms)      */
} daleel_token;

typedef struct {
    const daleel_token *tokens;
    size_t n_tokens;
    const daleel_term *terms;
    size_t n_terms;
    daleel_lang lang;       /* the whole text's language (see daleel_guess_lang) */
    int prefix_last;        /* query mode: the last token was not followed by
                               a space or punctuation, so it may be a word
                               still being typed */
} daleel_analysis;

typedef enum {
    DALEEL_ANALYZE_INDEX,   /* terms to index a text */
    DALEEL_ANALYZE_QUERY    /* terms to search for: adds the query-only
                               alternatives, prefixes, quotes and drops */
} daleel_analyze_mode;

/* An analyzer holds the stemmers (one libstemmer instance per language),
 * the word lists, stem caches (about 1.5 MB, allocated here once) and the
 * result buffers, reused by every call.  It is not thread-safe: use one
 * per thread.  Returns NULL only when out of memory. */
typedef struct daleel_analyzer daleel_analyzer;
daleel_analyzer *daleel_analyzer_new(void);
void daleel_analyzer_free(daleel_analyzer *an);

/* Analyze 'len' bytes of UTF-8 'text' (invalid bytes and NULs are
 * separators; 'text' may be NULL when 'len' is 0).  Positions start at
 * 'first_pos' (use 1 for a new document; pass the previous end + some gap
 * to continue a field).  On success '*out' points to a result owned by
 * 'an', valid until the next call on 'an' (including daleel_normal_form()
 * and daleel_normalize_word()).  Query mode: a quoted phrase runs between
 * quote characters (" “ ” „ « »), an unclosed one to the end of the text.
 * Errors: DALEEL_ENOMEM (the result is then not set), DALEEL_EINVAL (NULL
 * 'an' or 'out', or NULL 'text' with 'len' > 0). */
daleel_status daleel_analyze(daleel_analyzer *an, const char *text, size_t len,
                             daleel_analyze_mode mode, unsigned first_pos,
                             const daleel_analysis **out);

/* The language of a whole text by the letters of its prose: Arabic when
 * Arabic letters are at least a quarter of the letters outside code
 * (backtick spans, and the Latin letters of words that look like code
 * compounds: node.js, git-commit, --force, c++), English when there are
 * Latin letters, else DALEEL_LANG_NONE. */
daleel_lang daleel_guess_lang(const char *text, size_t len);

/* The normalized form of a query, for grouping searches that mean the same:
 * the sorted (byte order), de-duplicated stems (without prefix) of its words
 * that are not dropped, separated by single spaces; a word without a stem
 * (a number, a kept stopword) gives its exact term.  "استرداد المبلغ" and
 * "استرداد مبلغ" both give "استرداد مبلغ"; a text without words gives "".
 * Uses 'an' (the last result of 'an' is replaced).  The caller frees
 * '*out' with free().  Errors: DALEEL_ENOMEM, DALEEL_EINVAL (NULL 'out'). */
daleel_status daleel_normal_form(daleel_analyzer *an, const char *text,
                                 size_t len, char **out);

/* Normalize one word the way exact terms are made (for the spelling table
 * and did-you-mean): the exact term of the first token of 'word'.  Returns
 * the byte length written to 'out' (at most 'cap' - 1, NUL-terminated), 0
 * when 'word' yields no term or the term does not fit in 'cap' bytes.
 * Uses 'an' (the last result of 'an' is replaced). */
size_t daleel_normalize_word(daleel_analyzer *an, const char *word, size_t len,
                             char *out, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
