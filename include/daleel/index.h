/* index.h: a C API over Xapian (lib/index.cc is the only C++ file of
 * Daleel; no C++ type or exception crosses this header).  It knows nothing
 * of articles or languages: document.c decides what goes into a document,
 * search.c builds queries from the analyzer's terms.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DALEEL_INDEX_H
#define DALEEL_INDEX_H

#include <stddef.h>

#include "daleel/daleel.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Value slots of a document (see document.c for what goes where). */
enum {
    DALEEL_SLOT_UPDATED = 0,     /* Xapian::sortable_serialise(unix seconds) */
    DALEEL_SLOT_LANG = 1,        /* "ar" / "en" */
    DALEEL_SLOT_CATEGORY = 2,    /* facet counts */
    DALEEL_SLOT_HASH = 3,        /* content hash of the source file, hex */
    DALEEL_SLOT_HTML = 4,        /* rendered, sanitized HTML of the body */
    DALEEL_SLOT_SLUG = 5,
    DALEEL_SLOT_PATH = 6,        /* source path relative to the articles folder */
    DALEEL_SLOT_TRANSLATION = 7, /* translation key (collapse key) */
    DALEEL_SLOT_HIT = 8          /* what a search hit shows, as a record
                                    (document.h): values are stored
                                    uncompressed, the data is inflated */
};

typedef struct daleel_index daleel_index;

/* Open the database at 'path' read-only.  Errors: DALEEL_ENOTFOUND (no
 * database there), DALEEL_EINDEX (corrupt or unreadable). */
daleel_status daleel_index_open(const char *path, daleel_index **out);

/* Open the database at 'path' for writing, creating it if missing; with
 * 'wipe' start from an empty database: spelling, synonyms and metadata are
 * emptied inside a transaction that this call opens (and
 * daleel_index_begin() adopts), so the old revision stays readable until
 * daleel_index_commit() and intact if the process dies first.  The old
 * documents go too: those that daleel_index_replace() overwrites by unique
 * term are rewritten only where they changed (and keep their docid); the
 * rest are deleted at commit, or before the first read of documents.  Errors: DALEEL_ELOCKED (another writer holds it), DALEEL_EIO,
 * DALEEL_EINDEX. */
daleel_status daleel_index_open_writable(const char *path, int wipe,
                                         daleel_index **out);

/* Flags of daleel_index_open_ex(). */
#define DALEEL_OPEN_WRITABLE 1u   /* daleel_index_open_writable() */
#define DALEEL_OPEN_WIPE     2u   /* with WRITABLE: start from an empty database */

/* Both opening functions in one, for callers that want the message of a
 * failed open (there is no handle to ask then): on failure 'errbuf' (when
 * not NULL) gets a sentence such as "index is locked by another writer:
 * ...", truncated to 'errbuf_len' bytes.  Errors as above. */
daleel_status daleel_index_open_ex(const char *path, unsigned flags,
                                   daleel_index **out, char *errbuf,
                                   size_t errbuf_len);

/* 1 when 'idx' was opened for writing. */
int daleel_index_writable(const daleel_index *idx);

/* Close and free the handle.  Changes of an open transaction are
 * discarded; changes made outside a transaction are committed (Xapian's
 * rule), so writers that want all-or-nothing use daleel_index_begin().  NULL is
 * a no-op. */
void daleel_index_close(daleel_index *idx);

/* The message for the last error on 'idx'; valid until the next call on it.
 * "" when there was none. */
const char *daleel_index_errmsg(const daleel_index *idx);

/* Read-only handles: pick up the latest committed revision.  '*changed' is
 * set to 1 when the revision moved.  On error the handle keeps serving the
 * revision it had. */
daleel_status daleel_index_reopen(daleel_index *idx, int *changed);

/* Number of documents, and the database's revision (0 when unknown). */
unsigned daleel_index_doccount(daleel_index *idx);
unsigned long daleel_index_revision(daleel_index *idx);

/* ---- Building documents ---------------------------------------------- */

/* A document being built (a Xapian::Document).  Returns NULL on OOM. */
typedef struct daleel_doc daleel_doc;
daleel_doc *daleel_doc_new(void);
void daleel_doc_free(daleel_doc *doc);

/* Add 'wdf' to the within-document frequency of 'term' ('len' bytes);
 * with 'pos' > 0 also record that position.  Errors: DALEEL_ENOMEM,
 * DALEEL_EINVAL (empty term or over 245 bytes). */
daleel_status daleel_doc_add_term(daleel_doc *doc, const char *term,
                                  size_t len, unsigned pos, unsigned wdf);
/* A term that only filters (wdf 0, no position), e.g. "Lar". */
daleel_status daleel_doc_add_boolean(daleel_doc *doc, const char *term);
daleel_status daleel_doc_set_value(daleel_doc *doc, unsigned slot,
                                   const char *v, size_t len);
/* A number, stored sortable (Xapian::sortable_serialise). */
daleel_status daleel_doc_set_number(daleel_doc *doc, unsigned slot, double v);
daleel_status daleel_doc_set_data(daleel_doc *doc, const char *data, size_t len);

/* Inspecting a document being built (for tests and debugging). */
/* Its terms in byte order.  The caller frees with daleel_strv_free(). */
daleel_status daleel_doc_terms(const daleel_doc *doc, char ***out, size_t *n);
/* The wdf of 'term' and, when 'pos' and 'n_pos' are not NULL, its
 * positions in increasing order (the caller frees '*pos' with free(); NULL
 * when none).  DALEEL_ENOTFOUND when the document lacks the term. */
daleel_status daleel_doc_term_info(const daleel_doc *doc, const char *term,
                                   unsigned *wdf, unsigned **pos,
                                   size_t *n_pos);
/* A value ("" when unset) and the data, as daleel_index_get_value(). */
daleel_status daleel_doc_get_value(const daleel_doc *doc, unsigned slot,
                                   char **out, size_t *len);
daleel_status daleel_doc_get_data(const daleel_doc *doc, char **out,
                                  size_t *len);

/* ---- Writing (writable handles) -------------------------------------- */

/* Begin a transaction: nothing is visible to readers until
 * daleel_index_commit(), and a crash before it leaves the previous
 * revision intact.  commit without a transaction commits what was written
 * so far; cancel ends the transaction, dropping its changes
 * (DALEEL_EINVAL when none is open).  Every writing function returns
 * DALEEL_EINVAL on a read-only handle. */
daleel_status daleel_index_begin(daleel_index *idx);
daleel_status daleel_index_commit(daleel_index *idx);
daleel_status daleel_index_cancel(daleel_index *idx);

/* Replace the document holding 'unique_term' (for example "Qaccount/reset")
 * by 'doc', or add it.  'doc' stays the caller's. */
daleel_status daleel_index_replace(daleel_index *idx, const char *unique_term,
                                   const daleel_doc *doc);
daleel_status daleel_index_delete(daleel_index *idx, const char *unique_term);

/* Spelling table: add 'freq' to 'word' (normalized form). */
daleel_status daleel_index_add_spelling(daleel_index *idx, const char *word,
                                        unsigned freq);
/* Synonym table: 'key' is one term or several separated by one space. */
daleel_status daleel_index_clear_synonyms(daleel_index *idx);
daleel_status daleel_index_add_synonym(daleel_index *idx, const char *key,
                                       const char *synonym);

/* Metadata (user metadata of the database).  get: '*value' is NULL when
 * unset or empty (Xapian does not tell them apart); the caller frees it
 * with free().  Setting "" removes the key. */
daleel_status daleel_index_set_meta(daleel_index *idx, const char *key,
                                    const char *value);
daleel_status daleel_index_get_meta(daleel_index *idx, const char *key,
                                    char **value);

/* ---- Reading ---------------------------------------------------------- */

/* Call 'cb' for every document whose terms include 'term' ("" = every
 * document) with its docid; stop early when 'cb' returns non-zero. */
daleel_status daleel_index_postings(daleel_index *idx, const char *term,
                                    int (*cb)(void *ctx, unsigned docid),
                                    void *ctx);

/* The docid of the document holding 'unique_term'; DALEEL_ENOTFOUND. */
daleel_status daleel_index_find(daleel_index *idx, const char *unique_term,
                                unsigned *docid);

/* A document's data or one of its values: the caller frees '*out' with
 * free(); '*len' gets its length (it is also NUL-terminated). */
daleel_status daleel_index_get_data(daleel_index *idx, unsigned docid,
                                    char **out, size_t *len);
daleel_status daleel_index_get_value(daleel_index *idx, unsigned docid,
                                     unsigned slot, char **out, size_t *len);
/* A number stored with daleel_doc_set_number(); 0 when missing. */
double daleel_index_get_number(daleel_index *idx, unsigned docid, unsigned slot);

/* How many documents contain 'term' (0 when none or on error). */
unsigned daleel_index_termfreq(daleel_index *idx, const char *term);

/* The terms of the index starting with 'prefix', most frequent first, at
 * most 'max'.  The caller frees with daleel_strv_free(). */
daleel_status daleel_index_terms_with_prefix(daleel_index *idx,
                                             const char *prefix, size_t max,
                                             char ***out, size_t *n);

/* Spelling correction of one word: '*out' is NULL when the word is known
 * or nothing is close.  The caller frees it with free(). */
daleel_status daleel_index_spell(daleel_index *idx, const char *word,
                                 char **out);

/* The synonyms of 'key' (one term or several separated by one space),
 * in byte order.  The caller frees with daleel_strv_free(). */
daleel_status daleel_index_synonyms(daleel_index *idx, const char *key,
                                    char ***out, size_t *n);
/* The synonym table's keys starting with 'prefix' ("" = all), in byte
 * order.  The caller frees with daleel_strv_free(). */
daleel_status daleel_index_synonym_keys(daleel_index *idx, const char *prefix,
                                        char ***out, size_t *n);

/* The 'max' terms that best describe the documents 'docids' (Xapian's
 * relevance-set expansion, Xapian::ESet), only terms starting with one of
 * 'prefixes' (NULL-terminated list, NULL for any; "" in the list stands
 * for unprefixed terms, those not starting with an ASCII capital).  For
 * related articles.  The caller frees with daleel_strv_free(). */
daleel_status daleel_index_expand(daleel_index *idx, const unsigned *docids,
                                  size_t n_docids, const char *const *prefixes,
                                  size_t max, char ***out, size_t *n);

/* Free 'n' strings and the array; NULL is a no-op.  The list functions
 * return NULL with '*n' 0 when there is nothing. */
void daleel_strv_free(char **v, size_t n);

/* ---- Queries ---------------------------------------------------------- */

/* A query tree node (a Xapian::Query).  Every constructor returns NULL on
 * OOM, and none takes ownership of its arguments: free each node with
 * daleel_query_free() when done (a child may be freed right after the
 * combining call; Xapian queries are reference-counted). */
typedef struct daleel_query daleel_query;

typedef enum {
    DALEEL_Q_AND,
    DALEEL_Q_OR,
    DALEEL_Q_AND_NOT,
    DALEEL_Q_AND_MAYBE,
    DALEEL_Q_FILTER,      /* first is the query, the rest only filter */
    DALEEL_Q_PHRASE,      /* 'window' 0 = the number of subqueries */
    DALEEL_Q_NEAR,
    DALEEL_Q_SYNONYM,
    DALEEL_Q_MAX,
    DALEEL_Q_ELITE_SET
} daleel_qop;

/* One term; 'wqf' 0 counts as 1; 'pos' is its position in the query (for
 * phrases; 0 when it does not matter). */
daleel_query *daleel_query_term(const char *term, size_t len, unsigned wqf,
                                unsigned pos);
/* All terms starting with 'prefix', combined as a synonym (OP_WILDCARD),
 * expanding to at most 'max_expansion' terms (the most frequent). */
daleel_query *daleel_query_wildcard(const char *prefix, size_t len,
                                    unsigned max_expansion);
/* 'op' over 'n' subqueries (NULL entries are skipped); 'window' is the
 * window of PHRASE and NEAR and the set size of ELITE_SET (0 = default). */
daleel_query *daleel_query_combine(daleel_qop op, daleel_query *const *subs,
                                   size_t n, unsigned window);
/* 'q' with its weights multiplied by 'factor' (>= 0; NULL otherwise). */
daleel_query *daleel_query_scale(const daleel_query *q, double factor);
daleel_query *daleel_query_match_all(void);
/* The documents matching the boolean 'filter', each with the same weight
 * 'weight' (a Xapian::FixedWeightPostingSource filtered by it).  AND_MAYBE
 * it onto a query to rank those documents above the others (weight larger
 * than any relevance weight) while Xapian still prunes by weight, which a
 * sort by key does not allow.  Added by the search session. */
daleel_query *daleel_query_constant(const daleel_query *filter, double weight);
/* The same for the documents whose value in 'slot' is 'value' (and which
 * have the boolean 'term', the same documents), read on a read-only
 * handle from a table of the slot's values kept per revision, which is
 * cheaper than the term's postings when most documents have it (the
 * reader's language).  The query belongs to 'idx': run it there.  NULL on
 * OOM or an index error. */
daleel_query *daleel_query_prefer_value(daleel_index *idx, unsigned slot,
                                        const char *value, const char *term,
                                        double weight);
daleel_query *daleel_query_copy(const daleel_query *q);
int daleel_query_empty(const daleel_query *q);
/* Xapian's description of the query ("Query((a OR b))"), for tests and
 * debugging.  The caller frees it with free(). */
char *daleel_query_describe(const daleel_query *q);
void daleel_query_free(daleel_query *q);

typedef struct {
    unsigned docid;
    unsigned rank;        /* 0-based, over the whole result set */
    double weight;
    int percent;
} daleel_match;

typedef struct {
    char *value;
    unsigned count;
} daleel_count;

typedef struct {
    daleel_match *matches;
    size_t n_matches;
    unsigned estimated;          /* matches_estimated */
    daleel_count *facets;        /* counts of the facet slot's values over
                                    the whole result set, most first */
    size_t n_facets;
} daleel_mset;

typedef struct {
    const daleel_query *query;   /* required */
    const daleel_query *filter;  /* boolean filter, or NULL */
    unsigned offset, limit;
    const char *prefer_value;    /* with prefer_slot: documents whose value
                                    equals it rank before all others, then
                                    by relevance */
    int prefer_slot;             /* -1 for none */
    int collapse_slot;           /* -1 for none: keep the best document per
                                    value (after the preference); 'rank'
                                    and 'estimated' are then over the
                                    collapsed list, and facets count one
                                    document per value */
    int facet_slot;              /* -1 for none */
    unsigned check_at_least;     /* for exact counts and facets */
} daleel_search_params;

/* Run a search.  Free '*out' with daleel_mset_free().  A
 * DatabaseModifiedError reopens and retries once.  Errors: DALEEL_EINDEX,
 * DALEEL_ENOMEM, DALEEL_EINVAL. */
daleel_status daleel_index_search(daleel_index *idx,
                                  const daleel_search_params *p,
                                  daleel_mset **out);
void daleel_mset_free(daleel_mset *ms);

#ifdef __cplusplus
}
#endif
#endif
