/* search_more.c: the searcher's other entry points: title suggestions while
 * typing, related articles (Xapian relevance-set expansion), stored
 * articles, translations and the category list.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daleel/document.h"
#include "daleel/index.h"
#include "daleel/search.h"
#include "search_int.h"

/* Suggestions: completions of the last word tried (most frequent first),
 * and words of the query looked at. */
#define SUGGEST_EXPANSION 20
#define SUGGEST_MAX_WORDS 16
#define RELATED_TERMS 20

static const char internal_term[] = DALEEL_PREFIX_AUDIENCE "internal";

static daleel_query *term_of(const char *prefix, const char *text)
{
    char t[DALEEL_MAX_TERM + 16];
    int n = snprintf(t, sizeof t, "%s%s", prefix, text);
    if (n < 0 || (size_t)n >= sizeof t)
        return daleel_query_combine(DALEEL_Q_OR, NULL, 0, 0);  /* matches nothing */
    return daleel_query_term(t, (size_t)n, 1, 0);
}

/* 'q' AND_NOT the internal articles, unless 'internal'; 'q' is consumed. */
static daleel_query *audience(daleel_query *q, int internal)
{
    if (!q || internal)
        return q;
    daleel_query *v[2] = {q, daleel_query_term(internal_term,
                                               sizeof internal_term - 1, 1, 0)};
    daleel_query *r = v[1] ? daleel_query_combine(DALEEL_Q_AND_NOT, v, 2, 0)
                           : NULL;
    daleel_query_free(v[0]);
    daleel_query_free(v[1]);
    return r;
}

static void free_all(daleel_query **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        daleel_query_free(v[i]);
}

/* ---- Suggestions --------------------------------------------------------- */

void dli_titles_clear(daleel_searcher *s)
{
    if (!s->titles)
        return;
    for (size_t i = 0; i < DLI_TITLE_CACHE; i++) {
        free(s->titles[i].slug);
        free(s->titles[i].title);
    }
    memset(s->titles, 0, DLI_TITLE_CACHE * sizeof *s->titles);
}

/* Slug, title, language and audience of 'docid' into 'v' (copies), from
 * the cache or the document data. */
static daleel_status title_of(daleel_searcher *s, unsigned docid,
                              daleel_suggestion *v)
{
    if (!s->titles)
        s->titles = calloc(DLI_TITLE_CACHE, sizeof *s->titles);
    unsigned long rev = daleel_index_revision(s->idx);
    if (s->titles && rev != s->titles_rev) {
        /* The index moved on (a reopen, here or inside a retry): the same
         * docid may now hold another article. */
        dli_titles_clear(s);
        s->titles_rev = rev;
    }
    dli_title_entry *e = s->titles ? &s->titles[docid & (DLI_TITLE_CACHE - 1)]
                                   : NULL;
    if (!e || e->docid != docid || rev == 0) {
        daleel_hit h;
        daleel_status st = dli_hit_from_docid(s, docid, NULL, &h);
        if (st != DALEEL_OK)
            return st;
        if (e) {
            free(e->slug);
            free(e->title);
            e->docid = docid;
            e->slug = h.slug;
            e->title = h.title;
            e->lang = h.lang;
            e->internal = h.internal;
            h.slug = h.title = NULL;
            dli_hit_clear(&h);
        } else {
            v->slug = h.slug;
            v->title = h.title;
            v->lang = h.lang;
            v->internal = h.internal;
            h.slug = h.title = NULL;
            dli_hit_clear(&h);
            return DALEEL_OK;
        }
    }
    v->slug = strdup(e->slug);
    v->title = strdup(e->title);
    v->lang = e->lang;
    v->internal = e->internal;
    if (!v->slug || !v->title) {
        free(v->slug);
        free(v->title);
        v->slug = v->title = NULL;
        return DALEEL_ENOMEM;
    }
    return DALEEL_OK;
}

void daleel_suggestions_free(daleel_suggestion *v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++) {
        free(v[i].slug);
        free(v[i].title);
    }
    free(v);
}

/* One word of a suggestion query: its title terms (S + E, S + Z) and, for
 * the word being typed, title terms starting with it. */
static daleel_query *suggest_word(const daleel_analysis *a,
                                  const daleel_token *t, int typing)
{
    daleel_query *v[8];
    size_t n = 0;
    int oom = 0;
    for (size_t k = 0; k < t->n_terms && n < 8; k++) {
        const daleel_term *term = &a->terms[t->first_term + k];
        if (term->kind != DALEEL_TERM_EXACT && term->kind != DALEEL_TERM_STEM)
            continue;
        daleel_query *q = term_of(DALEEL_PREFIX_TITLE, term->text);
        if (!q)
            oom = 1;
        else
            v[n++] = q;
    }
    const daleel_term *pv[4];
    size_t np = typing ? dli_prefix_terms(a->terms, t, pv, 4) : 0;
    for (size_t k = 0; k < np && n < 8; k++) {
        if (dli_utf8_chars(pv[k]->text, pv[k]->len) < 2)
            continue;
        char p[DALEEL_MAX_TERM + 8];
        int len = snprintf(p, sizeof p, "%s%s", DALEEL_PREFIX_TITLE,
                           pv[k]->text);
        if (len < 0 || (size_t)len >= sizeof p)
            continue;
        daleel_query *q = daleel_query_wildcard(p, (size_t)len,
                                                SUGGEST_EXPANSION);
        if (!q)
            oom = 1;
        else
            v[n++] = q;
    }
    daleel_query *r = NULL;
    if (!oom && n)
        r = daleel_query_combine(DALEEL_Q_OR, v, n, 0);
    free_all(v, n);
    return r;
}

daleel_status daleel_suggest(daleel_searcher *s, const char *q, size_t len,
                             daleel_lang lang, int internal, size_t limit,
                             daleel_suggestion **out, size_t *n)
{
    if (out)
        *out = NULL;
    if (n)
        *n = 0;
    if (!s || !out || !n || (!q && len))
        return dli_search_err(s, DALEEL_EINVAL, "suggest needs a query");
    if (limit == 0)
        return DALEEL_OK;
    if (limit > 100)
        limit = 100;
    const daleel_analysis *a;
    daleel_status st = daleel_analyze(s->an, q ? q : "", q ? len : 0,
                                      DALEEL_ANALYZE_QUERY, 1, &a);
    if (st != DALEEL_OK)
        return dli_search_err(s, st, "query analysis failed");

    daleel_query *words[SUGGEST_MAX_WORDS];
    size_t n_words = 0;
    daleel_lang qlang = a->lang;
    for (size_t i = 0; i < a->n_tokens && n_words < SUGGEST_MAX_WORDS; i++) {
        const daleel_token *t = &a->tokens[i];
        if (t->lang == DALEEL_LANG_AR)
            qlang = DALEEL_LANG_AR;
        if (t->dropped)
            continue;
        daleel_query *w = suggest_word(a, t, a->prefix_last &&
                                                 i + 1 == a->n_tokens);
        if (w)
            words[n_words++] = w;
    }
    if (n_words == 0)
        return DALEEL_OK;
    daleel_query *query = daleel_query_combine(DALEEL_Q_AND, words, n_words,
                                               0);
    if (lang == DALEEL_LANG_NONE)
        query = dli_prefer_lang(s->idx, query, qlang);
    query = audience(query, internal);
    free_all(words, n_words);
    daleel_query *filter = NULL;
    daleel_mset *ms = NULL;
    daleel_suggestion *v = NULL;
    size_t nv = 0;
    st = DALEEL_ENOMEM;
    if (!query)
        goto out;
    if (lang != DALEEL_LANG_NONE && !(filter = term_of(DALEEL_PREFIX_LANG,
                                                       daleel_lang_code(lang))))
        goto out;

    daleel_search_params p = {0};
    p.query = query;
    p.filter = filter;
    p.limit = (unsigned)limit;
    p.prefer_slot = -1;
    p.collapse_slot = -1;
    p.facet_slot = -1;
    if (lang == DALEEL_LANG_NONE)
        p.collapse_slot = DALEEL_SLOT_TRANSLATION;
    st = daleel_index_search(s->idx, &p, &ms);
    if (st != DALEEL_OK) {
        dli_search_index_err(s, st);
        goto out;
    }
    st = DALEEL_ENOMEM;
    if (ms->n_matches && !(v = calloc(ms->n_matches, sizeof *v)))
        goto out;
    for (size_t i = 0; i < ms->n_matches; i++) {
        st = title_of(s, ms->matches[i].docid, &v[nv]);
        if (st == DALEEL_ENOTFOUND)
            continue;
        if (st != DALEEL_OK)
            goto out;
        nv++;
    }
    st = DALEEL_OK;
out:
    if (st == DALEEL_ENOMEM)
        dli_search_err(s, st, "out of memory");
    daleel_query_free(query);
    daleel_query_free(filter);
    daleel_mset_free(ms);
    if (st != DALEEL_OK) {
        daleel_suggestions_free(v, nv);
        return st;
    }
    *out = v;
    *n = nv;
    return DALEEL_OK;
}

/* ---- Stored articles ----------------------------------------------------- */

static daleel_status find_slug(daleel_searcher *s, const char *slug,
                               unsigned *docid)
{
    char t[512];
    int n = snprintf(t, sizeof t, "%s%s", DALEEL_PREFIX_ID, slug);
    if (n < 0 || (size_t)n >= sizeof t)
        return dli_search_err(s, DALEEL_ENOTFOUND, "no article '%.64s'", slug);
    daleel_status st = daleel_index_find(s->idx, t, docid);
    if (st == DALEEL_ENOTFOUND)
        return dli_search_err(s, st, "no article '%.200s'", slug);
    return st == DALEEL_OK ? st : dli_search_index_err(s, st);
}

daleel_status daleel_searcher_get(daleel_searcher *s, const char *slug,
                                  char **json, char **html)
{
    if (json)
        *json = NULL;
    if (html)
        *html = NULL;
    if (!s || !slug)
        return dli_search_err(s, DALEEL_EINVAL, "get needs a slug");
    unsigned docid;
    daleel_status st = find_slug(s, slug, &docid);
    if (st != DALEEL_OK)
        return st;
    size_t len;
    char *j = NULL, *h = NULL;
    if (json && (st = daleel_index_get_data(s->idx, docid, &j, &len)) != DALEEL_OK)
        return dli_search_index_err(s, st);
    if (html && (st = daleel_index_get_value(s->idx, docid, DALEEL_SLOT_HTML,
                                             &h, &len)) != DALEEL_OK) {
        free(j);
        return dli_search_index_err(s, st);
    }
    if (json)
        *json = j;
    if (html)
        *html = h;
    return DALEEL_OK;
}

/* ---- Related articles ---------------------------------------------------- */

daleel_status daleel_related(daleel_searcher *s, const char *slug,
                             int internal, size_t limit, daleel_hit **out,
                             size_t *n)
{
    if (out)
        *out = NULL;
    if (n)
        *n = 0;
    if (!s || !slug || !out || !n)
        return dli_search_err(s, DALEEL_EINVAL, "related needs a slug");
    unsigned docid;
    daleel_status st = find_slug(s, slug, &docid);
    if (st != DALEEL_OK || limit == 0)
        return st;
    if (limit > 100)
        limit = 100;

    char *lang = NULL, **terms = NULL;
    size_t lang_len, n_terms = 0, nv = 0;
    daleel_query **tq = NULL;
    daleel_query *query = NULL, *filter = NULL;
    daleel_mset *ms = NULL;
    daleel_hit *v = NULL;
    static const char *const prefixes[] = {DALEEL_PREFIX_STEM, NULL};

    st = daleel_index_get_value(s->idx, docid, DALEEL_SLOT_LANG, &lang,
                                &lang_len);
    if (st == DALEEL_OK)
        st = daleel_index_expand(s->idx, &docid, 1, prefixes, RELATED_TERMS,
                                 &terms, &n_terms);
    if (st != DALEEL_OK) {
        dli_search_index_err(s, st);
        goto out;
    }
    st = DALEEL_ENOMEM;
    if (n_terms == 0) {
        st = DALEEL_OK;
        goto out;
    }
    if (!(tq = calloc(n_terms, sizeof *tq)))
        goto out;
    for (size_t i = 0; i < n_terms; i++)
        if (!(tq[i] = daleel_query_term(terms[i], strlen(terms[i]), 1, 0)))
            goto out;
    query = daleel_query_combine(DALEEL_Q_OR, tq, n_terms, 0);
    if (query) {
        /* Not the article itself. */
        daleel_query *self = term_of(DALEEL_PREFIX_ID, slug);
        daleel_query *v2[2] = {query, self};
        query = self ? daleel_query_combine(DALEEL_Q_AND_NOT, v2, 2, 0) : NULL;
        daleel_query_free(v2[0]);
        daleel_query_free(self);
    }
    query = audience(query, internal);
    if (!query)
        goto out;
    if (lang && lang[0] && !(filter = term_of(DALEEL_PREFIX_LANG, lang)))
        goto out;

    daleel_search_params p = {0};
    p.query = query;
    p.filter = filter;
    p.limit = (unsigned)limit;
    p.prefer_slot = -1;
    p.collapse_slot = -1;
    p.facet_slot = -1;
    st = daleel_index_search(s->idx, &p, &ms);
    if (st != DALEEL_OK) {
        dli_search_index_err(s, st);
        goto out;
    }
    st = DALEEL_ENOMEM;
    if (ms->n_matches && !(v = calloc(ms->n_matches, sizeof *v)))
        goto out;
    for (size_t i = 0; i < ms->n_matches; i++) {
        st = dli_hit_from_docid(s, ms->matches[i].docid, NULL, &v[nv]);
        if (st == DALEEL_ENOTFOUND)
            continue;
        if (st != DALEEL_OK)
            goto out;
        v[nv].score = ms->matches[i].weight;
        v[nv].rank = (unsigned)nv;
        nv++;
    }
    st = DALEEL_OK;
out:
    if (st == DALEEL_ENOMEM)
        dli_search_err(s, st, "out of memory");
    if (tq)
        free_all(tq, n_terms);
    free(tq);
    daleel_strv_free(terms, n_terms);
    free(lang);
    daleel_query_free(query);
    daleel_query_free(filter);
    daleel_mset_free(ms);
    if (st != DALEEL_OK) {
        daleel_hits_free(v, nv);
        return st;
    }
    *out = v;
    *n = nv;
    return DALEEL_OK;
}

/* ---- Translations -------------------------------------------------------- */

typedef struct {
    unsigned *v;
    size_t n, cap;
} docids;

static int collect(void *ctx, unsigned docid)
{
    docids *d = ctx;
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 8;
        unsigned *v = realloc(d->v, cap * sizeof *v);
        if (!v)
            return 1;
        d->v = v;
        d->cap = cap;
    }
    d->v[d->n++] = docid;
    /* A translation key names a handful of versions; more is an error in
     * the articles, not a reason to read the whole index. */
    return d->n >= 64;
}

daleel_status daleel_translations(daleel_searcher *s, const char *key,
                                  const char *slug, daleel_hit **out,
                                  size_t *n)
{
    if (out)
        *out = NULL;
    if (n)
        *n = 0;
    if (!s || !key || !out || !n)
        return dli_search_err(s, DALEEL_EINVAL, "translations need a key");
    if (!key[0])
        return DALEEL_OK;
    char t[512];
    int len = snprintf(t, sizeof t, "%s%s", DALEEL_PREFIX_TRANS, key);
    if (len < 0 || (size_t)len >= sizeof t)
        return DALEEL_OK;
    docids d = {0};
    daleel_status st = daleel_index_postings(s->idx, t, collect, &d);
    if (st != DALEEL_OK) {
        free(d.v);
        return dli_search_index_err(s, st);
    }
    daleel_hit *v = NULL;
    size_t nv = 0;
    st = DALEEL_ENOMEM;
    if (d.n && !(v = calloc(d.n, sizeof *v)))
        goto out;
    for (size_t i = 0; i < d.n; i++) {
        /* From the title cache: every hit of an API answer asks for its
         * translations, and reading each version's record was a tenth of
         * an uncached answer. */
        daleel_suggestion t;
        st = title_of(s, d.v[i], &t);
        if (st == DALEEL_ENOTFOUND)
            continue;
        if (st != DALEEL_OK)
            goto out;
        if (slug && strcmp(t.slug, slug) == 0) {
            free(t.slug);
            free(t.title);
            continue;
        }
        v[nv].slug = t.slug;
        v[nv].title = t.title;
        v[nv].lang = t.lang;
        v[nv].internal = t.internal;
        v[nv].rank = (unsigned)nv;
        nv++;
    }
    st = DALEEL_OK;
out:
    if (st == DALEEL_ENOMEM)
        dli_search_err(s, st, "out of memory");
    free(d.v);
    if (st != DALEEL_OK) {
        daleel_hits_free(v, nv);
        return st;
    }
    *out = v;
    *n = nv;
    return DALEEL_OK;
}

/* ---- Categories ---------------------------------------------------------- */

daleel_status daleel_categories(daleel_searcher *s, daleel_lang lang,
                                int internal, daleel_facet **out, size_t *n)
{
    if (out)
        *out = NULL;
    if (n)
        *n = 0;
    if (!s || !out || !n)
        return dli_search_err(s, DALEEL_EINVAL, "categories need a result");
    daleel_query *query = audience(daleel_query_match_all(), internal);
    daleel_query *filter = NULL;
    daleel_mset *ms = NULL;
    daleel_facet *v = NULL;
    size_t nv = 0;
    daleel_status st = DALEEL_ENOMEM;
    if (!query)
        goto out;
    if (lang != DALEEL_LANG_NONE &&
        !(filter = term_of(DALEEL_PREFIX_LANG, daleel_lang_code(lang))))
        goto out;
    daleel_search_params p = {0};
    p.query = query;
    p.filter = filter;
    p.limit = 1;
    p.prefer_slot = -1;
    p.collapse_slot = -1;
    p.facet_slot = DALEEL_SLOT_CATEGORY;
    p.check_at_least = daleel_index_doccount(s->idx);
    st = daleel_index_search(s->idx, &p, &ms);
    if (st != DALEEL_OK) {
        dli_search_index_err(s, st);
        goto out;
    }
    st = DALEEL_ENOMEM;
    if (ms->n_facets && !(v = calloc(ms->n_facets, sizeof *v)))
        goto out;
    for (size_t i = 0; i < ms->n_facets; i++) {
        if (!ms->facets[i].value[0])
            continue;  /* articles without a category */
        if (!(v[nv].value = strdup(ms->facets[i].value)))
            goto out;
        v[nv].count = ms->facets[i].count;
        nv++;
    }
    st = DALEEL_OK;
out:
    if (st == DALEEL_ENOMEM)
        dli_search_err(s, st, "out of memory");
    daleel_query_free(query);
    daleel_query_free(filter);
    daleel_mset_free(ms);
    if (st != DALEEL_OK) {
        daleel_facets_free(v, nv);
        return st;
    }
    *out = v;
    *n = nv;
    return DALEEL_OK;
}
