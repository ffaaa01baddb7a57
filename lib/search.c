/* search.c: searching the help center.  A query goes through the same
 * analyzer as the articles; this file turns the analyzer's tokens and
 * terms into a Xapian query tree (ANALYSIS.md section 6, built in code
 * rather than with Xapian's QueryParser, which cannot express the
 * alternative stems), runs it with the reader's language first and one
 * version per translated article, falls back from "all words" to "any
 * word", offers a corrected query, and turns the page of matches into
 * hits with snippets (search_snippet.c).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daleel/document.h"
#include "daleel/index.h"
#include "daleel/search.h"
#include "search_int.h"

/* Starting weights (ANALYSIS.md section 9 gives E, Z, ALT and CODE, which
 * come with the analyzer's terms); the others were set with the relevance
 * suite in tests/data/relevance.tsv and bench/relevance/. */
#define W_TITLE 1.5      /* the S-prefixed title/heading terms, on top */
#define W_SYNONYM 0.8    /* a writer's synonym stands in for the word */
#define W_PREFIX 0.8     /* completions of the word being typed */
#define W_PHRASE 1.0     /* the whole query as a phrase, as a boost */
#define W_DROPPED 0.3    /* dropped question/stop words, as a boost */
#define W_ALL_WORDS 0.5  /* in the any-word fallback, docs with all words */

/* "All words" falls back to "any word" below this many matches. */
#define FALLBACK_MIN 10
/* As-you-type: the most frequent completions of the last word. */
#define PREFIX_EXPANSION 10
#define PREFIX_MIN_CHARS 2
#define WHOLE_MIN_CHARS 5
/* Matches examined at least: category counts are exact for result sets
 * up to this size (a help center's usual query) and cover the first this
 * many matches of broader ones; examining every match of a broad query
 * would cost more than the whole rest of the search (measured on tldr:
 * 500 instead of 200 adds 13% to the mean search time). */
#define CHECK_AT_LEAST 200
/* A whole-query phrase over more words than this is not worth its cost. */
#define PHRASE_MAX_WORDS 8
#define MAX_LIMIT 1000
/* Did you mean: words shorter than this are not corrected. */
#define SPELL_MIN_CHARS 4

/* ---- Errors -------------------------------------------------------------- */

daleel_status dli_search_err(daleel_searcher *s, daleel_status st,
                             const char *fmt, ...)
{
    if (s) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
        va_end(ap);
    }
    return st;
}

daleel_status dli_search_index_err(daleel_searcher *s, daleel_status st)
{
    const char *msg = daleel_index_errmsg(s->idx);
    return dli_search_err(s, st, "%s", msg[0] ? msg : daleel_status_str(st));
}

const char *daleel_searcher_errmsg(const daleel_searcher *s)
{
    return s ? s->errmsg : "";
}

/* ---- Opening ------------------------------------------------------------- */

daleel_status daleel_searcher_open(const char *index_path,
                                   daleel_searcher **out)
{
    if (!out)
        return DALEEL_EINVAL;
    *out = NULL;
    if (!index_path)
        return DALEEL_EINVAL;
    daleel_searcher *s = calloc(1, sizeof *s);
    if (!s)
        return DALEEL_ENOMEM;
    daleel_status st = daleel_index_open(index_path, &s->idx);
    if (st != DALEEL_OK)
        goto fail;
    /* An index made by another analyzer version has other terms for the
     * same words: searching it would quietly miss.  One without the
     * metadata (made by hand, as in tests) is taken as it is. */
    char *v = NULL;
    st = daleel_index_get_meta(s->idx, "analyzer_version", &v);
    if (st != DALEEL_OK)
        goto fail;
    if (v && v[0]) {
        char *end;
        errno = 0;
        long n = strtol(v, &end, 10);
        if (errno || *end || n != DALEEL_ANALYZER_VERSION) {
            free(v);
            st = DALEEL_EVERSION;
            goto fail;
        }
    }
    free(v);
    s->an = daleel_analyzer_new();
    if (!s->an) {
        st = DALEEL_ENOMEM;
        goto fail;
    }
    *out = s;
    return DALEEL_OK;
fail:
    daleel_searcher_close(s);
    return st;
}

void daleel_searcher_close(daleel_searcher *s)
{
    if (!s)
        return;
    dli_titles_clear(s);
    free(s->titles);
    dli_screen_buf_free(&s->screen);
    daleel_index_close(s->idx);
    daleel_analyzer_free(s->an);
    free(s);
}

daleel_status daleel_searcher_reopen(daleel_searcher *s, int *changed)
{
    int dummy;
    if (!s)
        return DALEEL_EINVAL;
    daleel_status st = daleel_index_reopen(s->idx, changed ? changed : &dummy);
    return st == DALEEL_OK ? st : dli_search_index_err(s, st);
}

unsigned long daleel_searcher_revision(daleel_searcher *s)
{
    return s ? daleel_index_revision(s->idx) : 0;
}

/* ---- A copy of the query's analysis -------------------------------------- */

daleel_status dli_qcopy_make(const daleel_analysis *a, dli_qcopy *q)
{
    memset(q, 0, sizeof *q);
    q->lang = a->lang;
    q->prefix_last = a->prefix_last;
    size_t pool_len = 1;
    for (size_t i = 0; i < a->n_terms; i++)
        pool_len += a->terms[i].len + 1;
    q->pool = malloc(pool_len);
    if (a->n_tokens)
        q->tokens = malloc(a->n_tokens * sizeof *q->tokens);
    if (a->n_terms)
        q->terms = malloc(a->n_terms * sizeof *q->terms);
    if (!q->pool || (a->n_tokens && !q->tokens) || (a->n_terms && !q->terms)) {
        dli_qcopy_clear(q);
        return DALEEL_ENOMEM;
    }
    if (a->n_tokens)
        memcpy(q->tokens, a->tokens, a->n_tokens * sizeof *q->tokens);
    q->n_tokens = a->n_tokens;
    char *p = q->pool;
    for (size_t i = 0; i < a->n_terms; i++) {
        q->terms[i] = a->terms[i];
        memcpy(p, a->terms[i].text, a->terms[i].len);
        p[a->terms[i].len] = '\0';
        q->terms[i].text = p;
        p += a->terms[i].len + 1;
    }
    q->n_terms = a->n_terms;
    return DALEEL_OK;
}

void dli_qcopy_clear(dli_qcopy *q)
{
    free(q->tokens);
    free(q->terms);
    free(q->pool);
    memset(q, 0, sizeof *q);
}

size_t dli_prefix_terms(const daleel_term *terms, const daleel_token *t,
                        const daleel_term **out, size_t max)
{
    size_t n = 0;
    const daleel_term *e = NULL;
    for (size_t k = 0; k < t->n_terms; k++) {
        const daleel_term *term = &terms[t->first_term + k];
        if (term->kind == DALEEL_TERM_PREFIX && n < max)
            out[n++] = term;
        else if (term->kind == DALEEL_TERM_EXACT && !e)
            e = term;
    }
    /* An analyzer that gives no prefix terms: the exact form is one. */
    if (n == 0 && e && max > 0)
        out[n++] = e;
    return n;
}

/* ---- Lists of query nodes ------------------------------------------------ */

/* A list of query nodes being collected for one combining node.  A NULL
 * pushed (an allocation failed) sets 'oom', so builders check once. */
typedef struct {
    daleel_query **v;
    size_t n, cap;
    int oom;
} qlist;

static void ql_push(qlist *l, daleel_query *q)
{
    if (!q) {
        l->oom = 1;
        return;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        daleel_query **v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            daleel_query_free(q);
            l->oom = 1;
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = q;
}

static void ql_clear(qlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        daleel_query_free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* Combine the list's nodes with 'op' and empty the list.  A single node
 * comes back as it is (Xapian would do the same, and the description
 * stays readable), an empty list as NULL.  On OOM returns NULL with
 * '*oom' set. */
static daleel_query *ql_take(qlist *l, daleel_qop op, unsigned window,
                             int *oom)
{
    daleel_query *q = NULL;
    if (l->oom)
        *oom = 1;
    else if (l->n == 1 && op != DALEEL_Q_PHRASE) {
        q = l->v[0];
        l->n = 0;
    } else if (l->n > 0) {
        q = daleel_query_combine(op, l->v, l->n, window);
        if (!q)
            *oom = 1;
    }
    ql_clear(l);
    return q;
}

/* 'q' scaled by 'f' ('q' is consumed). */
static daleel_query *scaled(daleel_query *q, double f)
{
    if (!q || f == 1.0)
        return q;
    daleel_query *r = daleel_query_scale(q, f);
    daleel_query_free(q);
    return r;
}

static daleel_query *term_q(const char *text, unsigned pos, double f)
{
    return scaled(daleel_query_term(text, strlen(text), 1, pos), f);
}

/* Two nodes combined with 'op'; both are consumed.  NULL 'b' gives 'a'. */
static daleel_query *pair_q(daleel_qop op, daleel_query *a, daleel_query *b)
{
    if (!b)
        return a;
    if (!a) {
        daleel_query_free(b);
        return NULL;
    }
    daleel_query *v[2] = {a, b};
    daleel_query *r = daleel_query_combine(op, v, 2, 0);
    daleel_query_free(a);
    daleel_query_free(b);
    return r;
}

daleel_query *dli_prefer_lang(daleel_index *idx, daleel_query *q,
                              daleel_lang lang)
{
    if (!q || lang == DALEEL_LANG_NONE)
        return q;
    /* A constant weight above any relevance weight for the reader's
     * language, rather than Xapian's sort by key then relevance: the sort
     * reads a value of every matching document and stops Xapian from
     * skipping documents that cannot reach the page. */
    char t[8];
    snprintf(t, sizeof t, "%s%s", DALEEL_PREFIX_LANG, daleel_lang_code(lang));
    daleel_query *boost = daleel_query_prefer_value(
        idx, DALEEL_SLOT_LANG, daleel_lang_code(lang), t, DLI_W_LANG);
    if (!boost) {
        daleel_query_free(q);
        return NULL;
    }
    return pair_q(DALEEL_Q_AND_MAYBE, q, boost);
}

/* ---- Building the query -------------------------------------------------- */

/* One element of the top-level AND: a word, a compound, a quoted phrase,
 * or several words a synonym stands for; tokens first..last. */
typedef struct {
    daleel_query *q;
    size_t first, last;
    int quoted;
} unit;

typedef struct {
    daleel_searcher *s;
    const daleel_search_opts *o;
    dli_qcopy qa;
    dli_matcher m;
    int *word_of;        /* per token: its word number, -1 when unused */
    unsigned n_words;
    unit *units;
    size_t n_units;
    daleel_query *phrase;
    daleel_query *dropped;
    daleel_lang lang;
    int oom;
    daleel_status err;   /* an index error, set once */
} qbuild;

static void qb_clear(qbuild *b)
{
    dli_qcopy_clear(&b->qa);
    dli_matcher_clear(&b->m);
    free(b->word_of);
    for (size_t i = 0; i < b->n_units; i++)
        daleel_query_free(b->units[i].q);
    free(b->units);
    daleel_query_free(b->phrase);
    daleel_query_free(b->dropped);
    memset(b, 0, sizeof *b);
}

static const daleel_term *tok_term(const qbuild *b, const daleel_token *t,
                                   daleel_term_kind kind)
{
    for (size_t k = 0; k < t->n_terms; k++) {
        const daleel_term *term = &b->qa.terms[t->first_term + k];
        if (term->kind == kind)
            return term;
    }
    return NULL;
}

static void qb_match(qbuild *b, const char *text, unsigned word)
{
    if (dli_matcher_add(&b->m, text, strlen(text), word) != DALEEL_OK)
        b->oom = 1;
}

/* The title/heading copy of 'term' ("S" + term), when the index has it. */
static void add_title(qbuild *b, qlist *parts, const char *term, unsigned pos)
{
    char st[DALEEL_MAX_TERM + 8];
    int n = snprintf(st, sizeof st, "%s%s", DALEEL_PREFIX_TITLE, term);
    if (n < 0 || (size_t)n >= sizeof st)
        return;
    if (daleel_index_termfreq(b->s->idx, st) > 0)
        ql_push(parts, term_q(st, pos, W_TITLE));
}

/* OR into 'parts' the synonyms the writers gave for 'key' (a Z term, or
 * several joined by one space): each is a space-joined list of Z terms,
 * all of which must match. */
static void add_synonyms(qbuild *b, qlist *parts, const char *key,
                         unsigned word)
{
    char **syn = NULL;
    size_t n = 0;
    if (daleel_index_synonyms(b->s->idx, key, &syn, &n) != DALEEL_OK) {
        /* A broken synonym table should not stop the search. */
        return;
    }
    qlist alts = {0};
    for (size_t i = 0; i < n; i++) {
        qlist all = {0};
        char *save = NULL;
        for (char *t = strtok_r(syn[i], " ", &save); t;
             t = strtok_r(NULL, " ", &save)) {
            /* Like a word typed: a title with the synonym weighs more. */
            qlist one = {0};
            ql_push(&one, term_q(t, 0, 1.0));
            add_title(b, &one, t, 0);
            daleel_query *q = ql_take(&one, DALEEL_Q_OR, 0, &b->oom);
            if (q)
                ql_push(&all, q);
            qb_match(b, t, word);
        }
        daleel_query *q = ql_take(&all, DALEEL_Q_AND, 0, &b->oom);
        if (q)
            ql_push(&alts, q);
    }
    daleel_strv_free(syn, n);
    daleel_query *q = ql_take(&alts, DALEEL_Q_OR, 0, &b->oom);
    if (q)
        ql_push(parts, scaled(q, W_SYNONYM));
}

/* Does any term start with 'prefix'?  (Only asked for words that match
 * nothing, to keep a word being typed out of did-you-mean.) */
static int has_completion(qbuild *b, const char *prefix)
{
    char **v = NULL;
    size_t n = 0;
    if (daleel_index_terms_with_prefix(b->s->idx, prefix, 1, &v, &n) !=
        DALEEL_OK)
        return 0;
    daleel_strv_free(v, n);
    return n > 0;
}

static int is_typing(const qbuild *b, size_t ti)
{
    return !b->o->no_prefix && b->qa.prefix_last && ti + 1 == b->qa.n_tokens &&
           !b->qa.tokens[ti].quote;
}

/* Is the last word, though not followed by a space, most likely typed
 * out?  A word of WHOLE_MIN_CHARS letters or more that the index has as
 * it is: its inflections are the stem's business, and completing it would
 * OR in ten more terms for nothing (measured: a tenth of the search time).
 * Shorter ones (refu, pass, اعاد) are completed. */
static int typed_whole(qbuild *b, const daleel_token *t)
{
    const daleel_term *e = tok_term(b, t, DALEEL_TERM_EXACT);
    return e && dli_utf8_chars(e->text, e->len) >= WHOLE_MIN_CHARS &&
           daleel_index_termfreq(b->s->idx, e->text) > 0;
}

/* One plain word: OR(E, Z, SYNONYM(alternatives), title copies,
 * completions while typing, writers' synonyms). */
static daleel_query *word_query(qbuild *b, size_t ti)
{
    const daleel_token *t = &b->qa.tokens[ti];
    unsigned word = (unsigned)b->word_of[ti];
    qlist parts = {0}, alts = {0};
    double alt_w = 0.5;
    const char *z = NULL;
    for (size_t k = 0; k < t->n_terms; k++) {
        const daleel_term *term = &b->qa.terms[t->first_term + k];
        switch (term->kind) {
        case DALEEL_TERM_EXACT:
        case DALEEL_TERM_STEM:
            if (term->kind == DALEEL_TERM_STEM)
                z = term->text;
            ql_push(&parts, term_q(term->text, t->pos, term->weight));
            qb_match(b, term->text, word);
            add_title(b, &parts, term->text, t->pos);
            break;
        case DALEEL_TERM_ALT:
            /* ANALYSIS.md 9: alternatives the index lacks are skipped. */
            if (daleel_index_termfreq(b->s->idx, term->text) > 0) {
                ql_push(&alts, term_q(term->text, t->pos, 1.0));
                alt_w = term->weight;
                qb_match(b, term->text, word);
            }
            break;
        case DALEEL_TERM_PREFIX:
            break;  /* below */
        case DALEEL_TERM_CODE:
            break;  /* the compound's query takes it */
        }
    }
    daleel_query *syn = ql_take(&alts, DALEEL_Q_SYNONYM, 0, &b->oom);
    if (syn)
        ql_push(&parts, scaled(syn, alt_w));
    if (is_typing(b, ti) && !typed_whole(b, t)) {
        const daleel_term *pv[8];
        size_t np = dli_prefix_terms(b->qa.terms, t, pv, 8);
        for (size_t k = 0; k < np; k++) {
            if (dli_utf8_chars(pv[k]->text, pv[k]->len) < PREFIX_MIN_CHARS)
                continue;
            ql_push(&parts, scaled(daleel_query_wildcard(pv[k]->text,
                                                         pv[k]->len,
                                                         PREFIX_EXPANSION),
                                   W_PREFIX * pv[k]->weight));
            if (dli_matcher_add_prefix(&b->m, pv[k]->text, pv[k]->len,
                                       word) != DALEEL_OK)
                b->oom = 1;
        }
    }
    if (z)
        add_synonyms(b, &parts, z, word);
    return ql_take(&parts, DALEEL_Q_OR, 0, &b->oom);
}

/* Tokens first..last form one code compound (git-commit, node.js):
 * OR(XC×1.5, PHRASE(parts), AND(each part as a word)). */
static daleel_query *compound_query(qbuild *b, size_t first, size_t last)
{
    qlist parts = {0}, phrase = {0}, words = {0};
    for (size_t ti = first; ti <= last; ti++) {
        const daleel_token *t = &b->qa.tokens[ti];
        const daleel_term *code = tok_term(b, t, DALEEL_TERM_CODE);
        if (code) {
            ql_push(&parts, term_q(code->text, t->pos, code->weight));
            if (b->word_of[first] >= 0)
                qb_match(b, code->text, (unsigned)b->word_of[first]);
        }
        const daleel_term *e = tok_term(b, t, DALEEL_TERM_EXACT);
        if (e)
            ql_push(&phrase, term_q(e->text, t->pos, 1.0));
        if (b->word_of[ti] >= 0) {
            daleel_query *w = word_query(b, ti);
            if (w)
                ql_push(&words, w);
        }
    }
    if (phrase.n > 1) {
        daleel_query *p = ql_take(&phrase, DALEEL_Q_PHRASE, 0, &b->oom);
        if (p)
            ql_push(&parts, p);
    } else {
        ql_clear(&phrase);
    }
    daleel_query *w = ql_take(&words, DALEEL_Q_AND, 0, &b->oom);
    if (w)
        ql_push(&parts, w);
    return ql_take(&parts, DALEEL_Q_OR, 0, &b->oom);
}

/* Quoted text: a phrase over the E terms, stopwords included. */
static daleel_query *quote_query(qbuild *b, size_t first, size_t last)
{
    qlist phrase = {0};
    for (size_t ti = first; ti <= last; ti++) {
        const daleel_token *t = &b->qa.tokens[ti];
        const daleel_term *e = tok_term(b, t, DALEEL_TERM_EXACT);
        if (!e)
            continue;
        ql_push(&phrase, term_q(e->text, t->pos, 1.0));
        if (b->word_of[ti] >= 0)
            qb_match(b, e->text, (unsigned)b->word_of[ti]);
    }
    if (phrase.n == 1)
        return ql_take(&phrase, DALEEL_Q_OR, 0, &b->oom);
    return ql_take(&phrase, DALEEL_Q_PHRASE, 0, &b->oom);
}

static void add_unit(qbuild *b, daleel_query *q, size_t first, size_t last,
                     int quoted)
{
    if (!q)
        return;
    unit *u = realloc(b->units, (b->n_units + 1) * sizeof *u);
    if (!u) {
        daleel_query_free(q);
        b->oom = 1;
        return;
    }
    b->units = u;
    u = &b->units[b->n_units++];
    u->q = q;
    u->first = first;
    u->last = last;
    u->quoted = quoted;
}

/* The synonym key of units i..j: the Z terms of their words joined by
 * one space, as the indexer makes keys from the writers' phrases; 0 when
 * a unit is quoted (literal) or a word has no stem, or the key would have
 * fewer than two or more than four words. */
static int run_key(const qbuild *b, size_t i, size_t j, char *key, size_t cap)
{
    size_t len = 0, words = 0;
    key[0] = '\0';
    for (size_t u = i; u <= j; u++) {
        if (b->units[u].quoted)
            return 0;
        for (size_t ti = b->units[u].first; ti <= b->units[u].last; ti++) {
            if (b->word_of[ti] < 0)
                continue;
            const daleel_term *z =
                tok_term(b, &b->qa.tokens[ti], DALEEL_TERM_STEM);
            if (!z || ++words > 4)
                return 0;
            int n = snprintf(key + len, cap - len, "%s%s", len ? " " : "",
                             z->text);
            if (n < 0 || (size_t)n >= cap - len)
                return 0;
            len += (size_t)n;
        }
    }
    return words >= 2;
}

/* Writers' synonyms for runs of words ("money back" for "refund",
 * "two-step verification" for "two-factor authentication"): the units of
 * the run become one, OR(AND(the units), synonym).  Longest runs first. */
static void add_phrase_synonyms(qbuild *b)
{
    for (size_t i = 0; i < b->n_units && !b->oom; i++) {
        size_t jmax = i + 3 < b->n_units ? i + 3 : b->n_units - 1;
        for (size_t j = jmax + 1; j-- > i;) {
            char key[4 * (DALEEL_MAX_TERM + 1)];
            if (!run_key(b, i, j, key, sizeof key))
                continue;
            qlist syn = {0};
            add_synonyms(b, &syn, key, (unsigned)b->n_words);
            if (syn.n == 0) {
                ql_clear(&syn);
                continue;
            }
            qlist all = {0};
            for (size_t u = i; u <= j; u++) {
                ql_push(&all, b->units[u].q);
                b->units[u].q = NULL;
            }
            /* The words as typed count half: the writers said the
             * synonyms mean the same, and a run's literal words must not
             * outweigh them (إرجاع المبلغ is also the return article's
             * title word, but the reader wants the refund article). */
            daleel_query *a = ql_take(&all, DALEEL_Q_AND, 0, &b->oom);
            if (a)
                ql_push(&syn, scaled(a, 0.5));
            b->units[i].q = ql_take(&syn, DALEEL_Q_OR, 0, &b->oom);
            b->units[i].last = b->units[j].last;
            memmove(&b->units[i + 1], &b->units[j + 1],
                    (b->n_units - j - 1) * sizeof *b->units);
            b->n_units -= j - i;
            break;
        }
    }
}

/* The query's language from its script: any Arabic-script word makes it
 * Arabic (ضغط ملفات zip is an Arabic reader's query). */
static daleel_lang query_lang(const dli_qcopy *qa)
{
    for (size_t i = 0; i < qa->n_tokens; i++)
        if (qa->tokens[i].lang == DALEEL_LANG_AR)
            return DALEEL_LANG_AR;
    if (qa->lang != DALEEL_LANG_NONE)
        return qa->lang;
    return qa->n_tokens ? DALEEL_LANG_EN : DALEEL_LANG_NONE;
}

/* A quote that is never closed is the reader still typing, or a stray
 * character: its words are searched as words, not as a phrase that would
 * find nothing.  The analyzer opens and closes quotes on the same
 * characters counted here. */
static void unclosed_quote(dli_qcopy *qa, const char *q, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)q[i];
        if (c == '"')
            n++;
        else if (c == 0xC2 && i + 1 < len &&
                 ((unsigned char)q[i + 1] == 0xAB || (unsigned char)q[i + 1] == 0xBB))
            n++;
        else if (c == 0xE2 && i + 2 < len && (unsigned char)q[i + 1] == 0x80 &&
                 (unsigned char)q[i + 2] >= 0x9C && (unsigned char)q[i + 2] <= 0x9E)
            n++;
    }
    if (n % 2 == 0 || qa->n_tokens == 0)
        return;
    unsigned last = qa->tokens[qa->n_tokens - 1].quote;
    if (!last)
        return;
    int content = 0;
    for (size_t i = 0; i < qa->n_tokens; i++)
        content |= !qa->tokens[i].stop;
    for (size_t i = 0; i < qa->n_tokens; i++) {
        daleel_token *t = &qa->tokens[i];
        if (t->quote == last) {
            t->quote = 0;
            t->dropped = t->stop && content;
        }
    }
}

/* Analyze the query and build its units.  The analyzer's result is
 * copied first: the snippets analyze again. */
static daleel_status qb_build(qbuild *b, daleel_searcher *s,
                              const daleel_search_opts *o, const char *q,
                              size_t q_len)
{
    memset(b, 0, sizeof *b);
    b->s = s;
    b->o = o;
    dli_matcher_init(&b->m);
    const daleel_analysis *a;
    daleel_status st = daleel_analyze(s->an, q ? q : "", q ? q_len : 0,
                                      DALEEL_ANALYZE_QUERY, 1, &a);
    if (st != DALEEL_OK)
        return dli_search_err(s, st, "query analysis failed");
    st = dli_qcopy_make(a, &b->qa);
    if (st != DALEEL_OK)
        return dli_search_err(s, st, "out of memory");
    unclosed_quote(&b->qa, q ? q : "", q ? q_len : 0);
    b->lang = query_lang(&b->qa);
    if (b->qa.n_tokens) {
        b->word_of = malloc(b->qa.n_tokens * sizeof *b->word_of);
        if (!b->word_of)
            return dli_search_err(s, DALEEL_ENOMEM, "out of memory");
    }
    /* Words the search uses, capped (a pasted page must not become a
     * query of thousands of terms). */
    for (size_t i = 0; i < b->qa.n_tokens; i++) {
        const daleel_token *t = &b->qa.tokens[i];
        if (t->dropped || b->n_words >= DALEEL_MAX_QUERY_WORDS)
            b->word_of[i] = -1;
        else
            b->word_of[i] = (int)b->n_words++;
    }
    /* Phrase synonyms count as one more word. */
    b->m.n_words = b->n_words + 1;
    b->m.n_want = b->n_words;

    size_t n = b->qa.n_tokens;
    for (size_t i = 0; i < n; i++) {
        const daleel_token *t = &b->qa.tokens[i];
        size_t last = i;
        if (t->quote) {
            while (last + 1 < n && b->qa.tokens[last + 1].quote == t->quote)
                last++;
            if (b->word_of[i] >= 0)
                add_unit(b, quote_query(b, i, last), i, last, 1);
        } else if (t->compound) {
            while (last + 1 < n &&
                   b->qa.tokens[last + 1].compound == t->compound &&
                   !b->qa.tokens[last + 1].quote)
                last++;
            int used = 0;
            for (size_t j = i; j <= last; j++)
                used |= b->word_of[j] >= 0;
            if (used)
                add_unit(b, compound_query(b, i, last), i, last, 0);
        } else if (b->word_of[i] >= 0) {
            add_unit(b, word_query(b, i), i, i, 0);
        }
        i = last;
        if (b->oom)
            break;
    }
    if (!b->oom)
        add_phrase_synonyms(b);

    /* The whole query as a phrase, a boost for documents that have the
     * words side by side in that order (the span keeps the gaps of the
     * dropped words). */
    qlist ph = {0};
    unsigned first_pos = 0, last_pos = 0;
    for (size_t i = 0; i < n && !b->oom; i++) {
        const daleel_token *t = &b->qa.tokens[i];
        const daleel_term *e = tok_term(b, t, DALEEL_TERM_EXACT);
        if (b->word_of[i] < 0 || !e)
            continue;
        if (!ph.n)
            first_pos = t->pos;
        last_pos = t->pos;
        ql_push(&ph, term_q(e->text, t->pos, 1.0));
    }
    /* One compound or quoted phrase has its own phrase already. */
    int single = b->n_units == 1 &&
                 (b->units[0].quoted ||
                  (b->qa.tokens[b->units[0].first].compound != 0 &&
                   b->qa.tokens[b->units[0].first].compound ==
                       b->qa.tokens[b->units[0].last].compound));
    if (ph.n >= 2 && ph.n <= PHRASE_MAX_WORDS && !single) {
        unsigned window = last_pos - first_pos + 1;
        if (window < ph.n)
            window = (unsigned)ph.n;
        b->phrase = scaled(ql_take(&ph, DALEEL_Q_PHRASE, window, &b->oom),
                           W_PHRASE);
    } else {
        ql_clear(&ph);
    }
    /* The dropped question and stop words still tell something ("where
     * is my order" is about tracking): they may raise a document a little,
     * never make it match. */
    qlist dr = {0};
    for (size_t i = 0; i < n && !b->oom && W_DROPPED > 0; i++) {
        const daleel_token *t = &b->qa.tokens[i];
        const daleel_term *e = tok_term(b, t, DALEEL_TERM_EXACT);
        if (t->dropped && e && dr.n < 8)
            ql_push(&dr, term_q(e->text, t->pos, 1.0));
    }
    b->dropped = scaled(ql_take(&dr, DALEEL_Q_OR, 0, &b->oom), W_DROPPED);
    if (b->oom)
        return dli_search_err(s, DALEEL_ENOMEM, "out of memory");
    return DALEEL_OK;
}

/* The units combined with 'op' (copies: the units stay for a second
 * combination). */
static daleel_query *units_q(qbuild *b, daleel_qop op)
{
    qlist l = {0};
    for (size_t i = 0; i < b->n_units; i++)
        if (b->units[i].q)
            ql_push(&l, daleel_query_copy(b->units[i].q));
    return ql_take(&l, op, 0, &b->oom);
}

/* The full query: the units with 'op', the phrase boost, the audience. */
static daleel_query *full_query(qbuild *b, daleel_qop op, int all_boost)
{
    daleel_query *q = units_q(b, op);
    if (!q)
        return NULL;
    if (op == DALEEL_Q_AND) {
        if (b->phrase)
            q = pair_q(DALEEL_Q_AND_MAYBE, q, daleel_query_copy(b->phrase));
    } else if (all_boost) {
        /* The phrase can only match documents with all the words, which
         * are few here (that is why we fell back): testing it inside the
         * all-words boost keeps Xapian from reading positions for every
         * document with any word. */
        daleel_query *all = scaled(units_q(b, DALEEL_Q_AND), W_ALL_WORDS);
        if (all && b->phrase)
            all = pair_q(DALEEL_Q_AND_MAYBE, all, daleel_query_copy(b->phrase));
        q = pair_q(DALEEL_Q_AND_MAYBE, q, all);
    }
    if (q && b->dropped)
        q = pair_q(DALEEL_Q_AND_MAYBE, q, daleel_query_copy(b->dropped));
    if (q && b->o->lang == DALEEL_LANG_NONE)
        q = dli_prefer_lang(b->s->idx, q, b->lang);
    if (q && !b->o->internal) {
        /* AND_NOT rather than a filter on XUpublic, so an article indexed
         * without an audience term still shows. */
        static const char internal_term[] = DALEEL_PREFIX_AUDIENCE "internal";
        q = pair_q(DALEEL_Q_AND_NOT, q,
                   daleel_query_term(internal_term, sizeof internal_term - 1,
                                     1, 0));
    }
    if (!q)
        b->oom = 1;
    return q;
}

/* Boolean filter for the options (language, category, tag), or NULL. */
static daleel_query *filter_query(const daleel_search_opts *o, int *oom)
{
    qlist l = {0};
    char t[512];
    if (o->lang != DALEEL_LANG_NONE) {
        snprintf(t, sizeof t, "%s%s", DALEEL_PREFIX_LANG,
                 daleel_lang_code(o->lang));
        ql_push(&l, term_q(t, 0, 1.0));
    }
    if (o->category && o->category[0]) {
        int n = snprintf(t, sizeof t, "%s%s", DALEEL_PREFIX_CATEGORY,
                         o->category);
        ql_push(&l, daleel_query_term(t, (size_t)n < sizeof t ? (size_t)n
                                                              : sizeof t - 1,
                                      1, 0));
    }
    if (o->tag && o->tag[0]) {
        int n = snprintf(t, sizeof t, "%s%s", DALEEL_PREFIX_TAG, o->tag);
        ql_push(&l, daleel_query_term(t, (size_t)n < sizeof t ? (size_t)n
                                                              : sizeof t - 1,
                                      1, 0));
    }
    return ql_take(&l, DALEEL_Q_AND, 0, oom);
}

/* ---- Did you mean -------------------------------------------------------- */

/* A word matches nothing when none of its E, Z and alternative terms is in
 * the index (a form not seen whose stem is known is not a typo) and, while
 * typing, nothing starts with it. */
static int word_unknown(qbuild *b, size_t ti)
{
    const daleel_token *t = &b->qa.tokens[ti];
    const daleel_term *e = NULL;
    for (size_t k = 0; k < t->n_terms; k++) {
        const daleel_term *term = &b->qa.terms[t->first_term + k];
        if (term->kind == DALEEL_TERM_PREFIX)
            continue;
        if (term->kind == DALEEL_TERM_EXACT)
            e = term;
        if (daleel_index_termfreq(b->s->idx, term->text) > 0)
            return 0;
    }
    if (!e)
        return 0;
    const daleel_term *z = tok_term(b, t, DALEEL_TERM_STEM);
    if (z) {
        /* A word the writers gave synonyms for is known. */
        char **syn = NULL;
        size_t n = 0;
        if (daleel_index_synonyms(b->s->idx, z->text, &syn, &n) == DALEEL_OK)
            daleel_strv_free(syn, n);
        if (n)
            return 0;
    }
    if (is_typing(b, ti)) {
        const daleel_term *pv[8];
        size_t np = dli_prefix_terms(b->qa.terms, t, pv, 8);
        for (size_t k = 0; k < np; k++)
            if (dli_utf8_chars(pv[k]->text, pv[k]->len) >= PREFIX_MIN_CHARS &&
                has_completion(b, pv[k]->text))
                return 0;
    }
    return 1;
}

/* Code points of UTF-8 's' into 'out' (at most 'max'); the count. */
static size_t decode(const char *s, uint32_t *out, size_t max)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && n < max) {
        uint32_t c = *p++;
        int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
        c &= more ? 0x3Fu >> more : 0x7Fu;
        for (; more && (*p & 0xC0) == 0x80; more--)
            c = (c << 6) | (*p++ & 0x3Fu);
        out[n++] = c;
    }
    return n;
}

/* Damerau-Levenshtein distance (optimal string alignment) between two
 * words, by code points: a swap of two neighbours is one edit, since
 * "passwrod" is one slip of the fingers, not two. */
static size_t edit_distance(const char *a, const char *b)
{
    uint32_t x[DALEEL_MAX_TERM], y[DALEEL_MAX_TERM];
    size_t d[3][DALEEL_MAX_TERM + 1];   /* rows i-2, i-1, i */
    size_t n = decode(a, x, DALEEL_MAX_TERM), m = decode(b, y, DALEEL_MAX_TERM);
    for (size_t j = 0; j <= m; j++)
        d[1][j] = j;
    for (size_t i = 1; i <= n; i++) {
        size_t *cur = d[(i + 1) % 3], *prev = d[i % 3], *prev2 = d[(i + 2) % 3];
        cur[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t best = prev[j - 1] + (x[i - 1] != y[j - 1]);
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] &&
                prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
        }
    }
    return d[(n + 1) % 3][m];
}

/* Is 'fix' a believable correction of 'word'?  Xapian allows two edits
 * whatever the length, which turns zip into tip, and in Arabic, where
 * words are short and dense, مرفوضه (refused) into محفوظه (saved): short
 * words are left alone, and words under eight letters get one edit. */
static int plausible_fix(const char *word, const char *fix)
{
    size_t chars = dli_utf8_chars(word, strlen(word));
    if (chars < SPELL_MIN_CHARS)
        return 0;
    return edit_distance(word, fix) <= (chars < 8 ? 1u : 2u);
}

/* Write 'len' bytes of the query as typed; a NUL (bad input) becomes a
 * space, since the corrected query is a C string shown to people. */
static void put_text(FILE *f, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        fputc(s[i] ? s[i] : ' ', f);
}

/* The query with each unknown word replaced by the spelling table's
 * correction, or NULL when nothing was corrected (or on OOM). */
static char *corrected_query(qbuild *b, const char *q, size_t q_len)
{
    char *out = NULL;
    size_t out_len = 0, done = 0;
    int changed = 0;
    FILE *f = open_memstream(&out, &out_len);
    if (!f)
        return NULL;
    for (size_t i = 0; i < b->qa.n_tokens; i++) {
        const daleel_token *t = &b->qa.tokens[i];
        if (b->word_of[i] < 0 || t->code || t->quote || !word_unknown(b, i))
            continue;
        const daleel_term *e = tok_term(b, t, DALEEL_TERM_EXACT);
        char *fix = NULL;
        if (dli_utf8_chars(e->text, e->len) < SPELL_MIN_CHARS ||
            daleel_index_spell(b->s->idx, e->text, &fix) != DALEEL_OK || !fix)
            continue;
        if (!plausible_fix(e->text, fix)) {
            free(fix);
            continue;
        }
        put_text(f, q + done, t->start - done);
        fputs(fix, f);
        done = t->end;
        changed = 1;
        free(fix);
    }
    put_text(f, q + done, q_len - done);
    if (fclose(f) != 0) {
        free(out);
        return NULL;
    }
    if (!changed) {
        free(out);
        return NULL;
    }
    return out;
}

/* ---- Searching ----------------------------------------------------------- */

static daleel_status run(qbuild *b, daleel_query *q, daleel_query *filter,
                         unsigned offset, unsigned limit, daleel_mset **ms)
{
    daleel_search_params p = {0};
    p.query = q;
    p.filter = filter;
    p.offset = offset;
    p.limit = limit;
    p.prefer_slot = -1;
    p.collapse_slot = -1;
    /* All languages: one version of each translated article, the
     * reader's when there is one (the language boost in the query makes
     * it the best of its group). */
    if (b->o->lang == DALEEL_LANG_NONE)
        p.collapse_slot = DALEEL_SLOT_TRANSLATION;
    p.facet_slot = DALEEL_SLOT_CATEGORY;
    p.check_at_least = offset + limit > CHECK_AT_LEAST ? offset + limit
                                                        : CHECK_AT_LEAST;
    daleel_status st = daleel_index_search(b->s->idx, &p, ms);
    return st == DALEEL_OK ? st : dli_search_index_err(b->s, st);
}

void daleel_results_free(daleel_results *r)
{
    if (!r)
        return;
    daleel_hits_free(r->hits, r->n_hits);
    free(r->did_you_mean);
    daleel_facets_free(r->categories, r->n_categories);
    free(r->query_description);
    free(r);
}

void daleel_hits_free(daleel_hit *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        dli_hit_clear(&v[i]);
    free(v);
}

void daleel_facets_free(daleel_facet *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i].value);
    free(v);
}

/* Move the matches' documents into 'r' as hits with snippets. */
static daleel_status fill_hits(qbuild *b, const daleel_mset *ms,
                               daleel_results *r)
{
    if (ms->n_matches) {
        r->hits = calloc(ms->n_matches, sizeof *r->hits);
        if (!r->hits)
            return dli_search_err(b->s, DALEEL_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < ms->n_matches; i++) {
        daleel_hit *h = &r->hits[r->n_hits];
        daleel_status st = dli_hit_from_docid(b->s, ms->matches[i].docid,
                                              &b->m, h);
        if (st == DALEEL_ENOTFOUND)
            continue;  /* deleted since the match: skip it */
        if (st != DALEEL_OK)
            return st;
        h->score = ms->matches[i].weight;
        if (b->o->lang == DALEEL_LANG_NONE && h->lang == b->lang &&
            h->score >= DLI_W_LANG)
            h->score -= DLI_W_LANG;  /* the relevance part */
        h->rank = ms->matches[i].rank;
        r->n_hits++;
    }
    if (ms->n_facets) {
        r->categories = calloc(ms->n_facets, sizeof *r->categories);
        if (!r->categories)
            return dli_search_err(b->s, DALEEL_ENOMEM, "out of memory");
        for (size_t i = 0; i < ms->n_facets; i++) {
            r->categories[i].value = strdup(ms->facets[i].value);
            if (!r->categories[i].value)
                return dli_search_err(b->s, DALEEL_ENOMEM, "out of memory");
            r->categories[i].count = ms->facets[i].count;
            r->n_categories++;
        }
    }
    r->total = ms->estimated;
    return DALEEL_OK;
}

/* Search 'q' into 'r'.  With 'correct', a query with a word that is in
 * no article and has a correction is first searched corrected; when that
 * finds something, those are the results (corrected = 1), else the query
 * as typed is searched.  Trying the correction first spares the two
 * searches (all words, then any word) of a query that cannot match as
 * typed. */
static daleel_status search_text(daleel_searcher *s,
                                 const daleel_search_opts *o, const char *q,
                                 size_t q_len, int correct, daleel_results *r)
{
    qbuild b;
    daleel_mset *ms = NULL;
    daleel_query *query = NULL, *filter = NULL;
    char *dym = NULL;
    unsigned limit = o->limit ? o->limit : 10;
    if (limit > MAX_LIMIT)
        limit = MAX_LIMIT;

    daleel_status st = qb_build(&b, s, o, q, q_len);
    if (st != DALEEL_OK)
        goto out;
    r->query_lang = b.lang;
    if (b.n_units == 0) {
        /* Nothing to search for: empty, punctuation only, ... */
        r->query_description = strdup("Query()");
        st = r->query_description ? DALEEL_OK
                                  : dli_search_err(s, DALEEL_ENOMEM,
                                                   "out of memory");
        goto out;
    }
    dym = corrected_query(&b, q, q_len);
    if (dym && correct) {
        daleel_results *r2 = calloc(1, sizeof *r2);
        if (!r2) {
            st = dli_search_err(s, DALEEL_ENOMEM, "out of memory");
            goto out;
        }
        st = search_text(s, o, dym, strlen(dym), 0, r2);
        if (st != DALEEL_OK || r2->total > 0) {
            if (st == DALEEL_OK) {
                /* Move the corrected results into 'r'. */
                free(r2->did_you_mean);
                r2->did_you_mean = dym;
                dym = NULL;
                r2->corrected = 1;
                r2->query_lang = b.lang;
                *r = *r2;
                free(r2);
            } else {
                daleel_results_free(r2);
            }
            goto out;
        }
        daleel_results_free(r2);
    }
    filter = filter_query(o, &b.oom);
    query = full_query(&b, DALEEL_Q_AND, 0);
    if (b.oom) {
        st = dli_search_err(s, DALEEL_ENOMEM, "out of memory");
        goto out;
    }
    st = run(&b, query, filter, o->offset, limit, &ms);
    if (st != DALEEL_OK)
        goto out;
    /* Too few documents have every word: take any word, documents with
     * every word still first (ANALYSIS.md 9). */
    if (ms->estimated < FALLBACK_MIN && b.n_units > 1) {
        daleel_query *any = full_query(&b, DALEEL_Q_OR, ms->estimated > 0);
        if (!any) {
            st = dli_search_err(s, DALEEL_ENOMEM, "out of memory");
            goto out;
        }
        daleel_mset *ms2 = NULL;
        st = run(&b, any, filter, o->offset, limit, &ms2);
        if (st != DALEEL_OK) {
            daleel_query_free(any);
            goto out;
        }
        daleel_mset_free(ms);
        ms = ms2;
        daleel_query_free(query);
        query = any;
    }
    r->query_description = daleel_query_describe(query);
    if (!r->query_description) {
        st = dli_search_err(s, DALEEL_ENOMEM, "out of memory");
        goto out;
    }
    r->did_you_mean = dym;
    dym = NULL;
    st = fill_hits(&b, ms, r);
out:
    free(dym);
    daleel_mset_free(ms);
    daleel_query_free(query);
    daleel_query_free(filter);
    qb_clear(&b);
    return st;
}

daleel_status daleel_search(daleel_searcher *s, const daleel_search_opts *o,
                            daleel_results **out)
{
    if (out)
        *out = NULL;
    if (!s || !o || !out || (!o->q && o->q_len))
        return dli_search_err(s, DALEEL_EINVAL, "a search needs a query");
    s->errmsg[0] = '\0';
    daleel_results *r = calloc(1, sizeof *r);
    if (!r)
        return dli_search_err(s, DALEEL_ENOMEM, "out of memory");
    daleel_status st = search_text(s, o, o->q, o->q_len, !o->no_correct, r);
    if (st != DALEEL_OK) {
        daleel_results_free(r);
        return st;
    }
    *out = r;
    return DALEEL_OK;
}
