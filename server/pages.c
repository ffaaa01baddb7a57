/* pages.c: the HTML pages of the help center: home, search results
 * (snippets with highlights, did-you-mean, facets, pagination, category
 * browsing), an article, the 404 page and the OpenSearch description.
 * Each handler builds the page's context (templates/README.md) and
 * renders it into the request's response.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daleel/document.h"
#include "daleel/index.h"
#include "server.h"

/* Look up a string member of a JSON object, "" when absent. */
static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static json_t *own_str(char *s)
{
    json_t *j = json_string(s ? s : "");
    free(s);
    return j;
}

static unsigned parse_page(const char *p)
{
    if (!p || !*p)
        return 1;
    char *end;
    errno = 0;
    long n = strtol(p, &end, 10);
    if (errno || *end || n < 1)
        return 1;
    return n > SRV_MAX_PAGES ? SRV_MAX_PAGES : (unsigned)n;
}

static json_t *lang_switch(daleel_lang other, const char *url)
{
    return json_pack("{s:s,s:s}", "url", url, "lang",
                     daleel_lang_code(other));
}

/* ---- Home ------------------------------------------------------------------- */

void srv_page_home(srv_req *r)
{
    r->lang = srv_pick_lang(r, NULL);
    daleel_searcher *s = srv_searcher();
    if (!s) {
        srv_error(r, 503, NULL);
        return;
    }
    json_t *cats = json_array();
    daleel_facet *f = NULL;
    size_t n = 0;
    if (daleel_categories(s, r->lang, r->agent, &f, &n) == DALEEL_OK) {
        for (size_t i = 0; i < n; i++) {
            char *url = srv_search_url(r, NULL, daleel_lang_code(r->lang),
                                       f[i].value, 1, 0);
            json_array_append_new(cats, json_pack("{s:s,s:s,s:i,s:o}", "name",
                srv_category_name(r->lang, f[i].value), "folder", f[i].value,
                "count", (int)f[i].count, "url", own_str(url)));
        }
        daleel_facets_free(f, n);
    }
    json_t *ctx = srv_page_ctx(r);
    json_t *popular = srv_popular(r);
    json_t *newest = json_array_size(popular) ? json_array() : srv_newest(r);
    json_object_set_new(ctx, "home", json_pack("{s:b,s:o,s:o,s:o}", "is", 1,
        "categories", cats, "popular", popular, "newest", newest));
    json_object_set_new(ctx, "prefill", json_string(""));
    daleel_lang other = srv_other_lang(r->lang);
    char url[32];
    snprintf(url, sizeof url, "/?lang=%s%s", daleel_lang_code(other),
             r->agent ? "&audience=internal" : "");
    json_object_set_new(ctx, "lang_switch", lang_switch(other, url));
    r->etag = 1;
    r->cache = r->agent ? "private, no-cache" : "no-cache";
    srv_render(r, 200, "home", ctx);
}

/* ---- Results ---------------------------------------------------------------- */

/* One result as the search page shows it. */
static json_t *result_ctx(srv_req *r, const daleel_hit *h, int64_t search_id,
                          const char *q, const char *lang_p)
{
    daleel_buf b;
    daleel_buf_init(&b, 8192);
    char *path = srv_article_path(r, h->slug);
    if (search_id) {
        /* The click is recorded when the link is followed, then the
         * article redirects to its clean address. */
        daleel_buf_puts(&b, path ? path : "");
        daleel_buf_printf(&b, "%cs=%lld&r=%u", r->agent ? '&' : '?',
                          (long long)search_id, h->rank + 1);
    } else {
        daleel_buf_puts(&b, path ? path : "");
    }
    char *url = daleel_buf_steal(&b, NULL);
    char *abs = srv_article_url(r, h->slug);
    daleel_buf_init(&b, 8192);
    daleel_buf_puts(&b, abs ? abs : "");
    if (h->section_id && h->section_id[0]) {
        daleel_buf_putc(&b, '#');
        daleel_buf_append_url(&b, h->section_id, strlen(h->section_id));
    }
    char *abs_section = daleel_buf_steal(&b, NULL);
    json_t *o = json_object();
    json_object_set_new(o, "url", own_str(url));
    json_object_set_new(o, "slug", json_string(h->slug));
    json_object_set_new(o, "title", json_string(h->title ? h->title : ""));
    json_object_set_new(o, "lang", json_string(daleel_lang_code(h->lang)));
    json_object_set_new(o, "internal", json_boolean(h->internal));
    if (h->category && h->category[0]) {
        /* In the card's language, as its lang attribute says. */
        json_object_set_new(o, "category", json_string(
            srv_category_name(h->lang, h->category)));
        json_object_set_new(o, "category_url", own_str(srv_search_url(
            r, q, lang_p, h->category, 1, 0)));
    }
    if (h->section_id && h->section_id[0]) {
        daleel_buf_init(&b, 8192);
        daleel_buf_puts(&b, path ? path : "");
        daleel_buf_putc(&b, '#');
        daleel_buf_append_url(&b, h->section_id, strlen(h->section_id));
        json_object_set_new(o, "section", json_pack("{s:o,s:s}", "url",
            own_str(daleel_buf_steal(&b, NULL)), "heading",
            h->section_heading ? h->section_heading : ""));
    }
    json_object_set_new(o, "snippet_html", srv_snippet_html(h));
    json_object_set_new(o, "markdown", srv_markdown_link(h->title,
                                                         abs_section ? abs_section : ""));
    json_object_set_new(o, "abs_iri", own_str(srv_iri(abs_section ? abs_section : "")));
    json_object_set_new(o, "abs_url", own_str(abs_section));
    free(abs);
    free(path);
    return o;
}

static void add_pagination(srv_req *r, json_t *search, const char *q,
                           const char *lang_p, const char *cat,
                           unsigned page, unsigned total)
{
    unsigned pages = (total + SRV_PAGE_SIZE - 1) / SRV_PAGE_SIZE;
    if (pages > SRV_MAX_PAGES)
        pages = SRV_MAX_PAGES;
    if (pages <= 1)
        return;
    json_t *p = json_object();
    if (page > 1)
        json_object_set_new(p, "prev_url", own_str(srv_search_url(
            r, q, lang_p, cat, page - 1, 0)));
    if (page < pages)
        json_object_set_new(p, "next_url", own_str(srv_search_url(
            r, q, lang_p, cat, page + 1, 0)));
    unsigned first = page > 3 ? page - 3 : 1;
    unsigned last = first + 6 < pages ? first + 6 : pages;
    json_t *list = json_array();
    for (unsigned i = first; i <= last; i++)
        json_array_append_new(list, json_pack("{s:i,s:o,s:b}", "n", (int)i,
            "url", own_str(srv_search_url(r, q, lang_p, cat, i, 0)),
            "current", i == page));
    json_object_set_new(p, "pages", list);
    json_object_set_new(search, "pagination", p);
}

static json_t *facets_ctx(srv_req *r, const daleel_results *res, const char *q,
                          const char *lang_p, daleel_lang filter,
                          const char *cat)
{
    json_t *f = json_object();
    json_t *cats = json_array();
    for (size_t i = 0; res && i < res->n_categories; i++) {
        const char *name = res->categories[i].value;
        json_array_append_new(cats, json_pack("{s:s,s:s,s:i,s:o,s:b}", "name",
            srv_category_name(r->lang, name), "folder", name, "count",
            (int)res->categories[i].count, "url",
            own_str(srv_search_url(r, q, lang_p, name, 1, 0)), "selected",
            cat && strcmp(cat, name) == 0));
    }
    json_object_set_new(f, "categories", cats);
    if (cat)
        json_object_set_new(f, "category_clear_url", own_str(srv_search_url(
            r, q, lang_p, NULL, 1, 0)));
    json_t *langs = json_array();
    static const daleel_lang both[] = {DALEEL_LANG_EN, DALEEL_LANG_AR};
    for (size_t i = 0; i < 2; i++) {
        const char *code = daleel_lang_code(both[i]);
        json_array_append_new(langs, json_pack("{s:s,s:s,s:o,s:b}", "lang",
            code, "name", jstr(srv_i18n(both[i]), "lang_name"), "url",
            own_str(srv_search_url(r, q, code, cat, 1, 0)), "selected",
            filter == both[i]));
    }
    json_object_set_new(f, "langs", langs);
    if (filter != DALEEL_LANG_NONE)
        json_object_set_new(f, "lang_clear_url", own_str(srv_search_url(
            r, q, NULL, cat, 1, 0)));
    return f;
}

/* Browsing a category: no query, only ?category=, so the list is every
 * article of the category in the page's language, by title. */
typedef struct {
    unsigned *ids;
    size_t n, cap;
} idlist;

static int collect(void *ctx, unsigned docid)
{
    idlist *l = ctx;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        if (cap > 100000)
            return 1;
        unsigned *v = realloc(l->ids, cap * sizeof *v);
        if (!v)
            return 1;
        l->ids = v;
        l->cap = cap;
    }
    l->ids[l->n++] = docid;
    return 0;
}

static int by_title(const void *a, const void *b)
{
    json_t *const *x = a, *const *y = b;
    return strcmp(jstr(*x, "title"), jstr(*y, "title"));
}

static daleel_status browse(srv_req *r, const char *cat, daleel_lang lang,
                            unsigned page, json_t *search)
{
    daleel_index *idx = srv_index();
    if (!idx)
        return DALEEL_EBUSY;
    char term[512];
    int tn = snprintf(term, sizeof term, "%s%s", DALEEL_PREFIX_CATEGORY, cat);
    if (tn < 0 || (size_t)tn >= sizeof term)
        return DALEEL_ENOTFOUND;
    idlist l = {0};
    daleel_status st = daleel_index_postings(idx, term, collect, &l);
    if (st != DALEEL_OK) {
        free(l.ids);
        return st;
    }
    json_t **docs = l.n ? calloc(l.n, sizeof *docs) : NULL;
    size_t nd = 0;
    for (size_t i = 0; docs && i < l.n; i++) {
        char *data = NULL;
        size_t len;
        if (daleel_index_get_data(idx, l.ids[i], &data, &len) != DALEEL_OK)
            continue;
        json_t *d = json_loadb(data, len, 0, NULL);
        free(data);
        if (!d)
            continue;
        int internal = strcmp(jstr(d, "audience"), "internal") == 0;
        if ((internal && !r->agent) ||
            (lang != DALEEL_LANG_NONE &&
             strcmp(jstr(d, "lang"), daleel_lang_code(lang)) != 0)) {
            json_decref(d);
            continue;
        }
        docs[nd++] = d;
    }
    free(l.ids);
    if (nd)
        qsort(docs, nd, sizeof *docs, by_title);
    json_t *results = json_array();
    size_t from = (size_t)(page - 1) * SRV_PAGE_SIZE;
    for (size_t i = from; i < nd && i < from + SRV_PAGE_SIZE; i++) {
        json_t *d = docs[i];
        daleel_hit h = {0};
        h.slug = (char *)jstr(d, "slug");
        h.title = (char *)jstr(d, "title");
        h.lang = daleel_lang_from_code(jstr(d, "lang"));
        h.category = (char *)jstr(d, "category");
        h.internal = strcmp(jstr(d, "audience"), "internal") == 0;
        h.snippet = (char *)jstr(d, "summary");
        h.rank = (unsigned)i;
        json_array_append_new(results, result_ctx(r, &h, 0, NULL,
            lang != DALEEL_LANG_NONE ? daleel_lang_code(lang) : NULL));
    }
    for (size_t i = 0; i < nd; i++)
        json_decref(docs[i]);
    free(docs);
    json_object_set_new(search, "results", results);
    json_object_set_new(search, "total", json_integer((json_int_t)nd));
    if (from < nd) {
        json_object_set_new(search, "first", json_integer((json_int_t)from + 1));
        json_object_set_new(search, "last", json_integer((json_int_t)(
            from + SRV_PAGE_SIZE < nd ? from + SRV_PAGE_SIZE : nd)));
    }
    add_pagination(r, search, NULL,
                   lang != DALEEL_LANG_NONE ? daleel_lang_code(lang) : NULL,
                   cat, page, (unsigned)nd);
    return DALEEL_OK;
}

void srv_page_search(srv_req *r)
{
    const char *q = srv_q(r, "q");
    if (!q)
        q = "";
    const char *lang_p = srv_q(r, "lang");
    daleel_lang filter = daleel_lang_from_code(lang_p);
    if (filter == DALEEL_LANG_NONE)
        lang_p = NULL;
    const char *cat = srv_q(r, "category");
    if (cat && !*cat)
        cat = NULL;
    unsigned page = parse_page(srv_q(r, "page"));
    const char *nc = srv_q(r, "nc");
    int no_correct = nc && strcmp(nc, "1") == 0;
    size_t qlen = strlen(q);

    r->lang = srv_pick_lang(r, q);
    /* The search forms carry the page's language; a reader who types
     * Arabic on an English page wants Arabic articles, so a language
     * filter that contradicts the query's own script is dropped. */
    daleel_lang qlang = qlen ? daleel_guess_lang(q, qlen) : DALEEL_LANG_NONE;
    daleel_lang eff = filter;
    if (eff != DALEEL_LANG_NONE && qlang != DALEEL_LANG_NONE && qlang != eff)
        eff = DALEEL_LANG_NONE;

    daleel_searcher *s = srv_searcher();
    if (!s) {
        srv_error(r, 503, NULL);
        return;
    }
    json_t *search = json_object();
    json_object_set_new(search, "q", json_string(q));
    daleel_results *res = NULL;
    int64_t search_id = 0;

    if (!qlen && cat) {
        json_object_set_new(search, "category_name", json_string(
            srv_category_name(r->lang, cat)));
        daleel_status st = browse(r, cat, filter, page, search);
        if (st != DALEEL_OK) {
            json_decref(search);
            srv_error(r, srv_http_status(st), NULL);
            return;
        }
    } else if (qlen) {
        daleel_search_opts o = {0};
        o.q = q;
        o.q_len = qlen;
        o.lang = eff;
        o.category = cat;
        o.internal = r->agent;
        o.offset = (page - 1) * SRV_PAGE_SIZE;
        o.limit = SRV_PAGE_SIZE;
        o.no_correct = no_correct;
        daleel_status st = srv_search_copy(s, &o, &res);
        if (st != DALEEL_OK) {
            json_decref(search);
            srv_error(r, srv_http_status(st), NULL);
            return;
        }
        /* Only the first page counts as a search; paging is the same one. */
        if (page == 1)
            search_id = srv_log_search(r, q, qlen, res->query_lang,
                                       res->total, res->corrected);
        json_t *results = json_array();
        for (size_t i = 0; i < res->n_hits; i++)
            json_array_append_new(results, result_ctx(r, &res->hits[i],
                                                      search_id, q, lang_p));
        json_object_set_new(search, "results", results);
        json_object_set_new(search, "total", json_integer(res->total));
        if (res->n_hits) {
            json_object_set_new(search, "first",
                                json_integer((json_int_t)o.offset + 1));
            json_object_set_new(search, "last", json_integer(
                (json_int_t)(o.offset + res->n_hits)));
        }
        if (res->did_you_mean && res->corrected) {
            json_object_set_new(search, "corrected", json_pack(
                "{s:o,s:s,s:o,s:s}", "url", own_str(srv_search_url(
                    r, res->did_you_mean, lang_p, cat, 1, 0)),
                "q", res->did_you_mean, "original_url",
                own_str(srv_search_url(r, q, lang_p, cat, 1, 1)),
                "original", q));
        } else if (res->did_you_mean) {
            json_object_set_new(search, "did_you_mean", json_pack(
                "{s:o,s:s}", "url", own_str(srv_search_url(
                    r, res->did_you_mean, lang_p, cat, 1, 1)),
                "q", res->did_you_mean));
        }
        add_pagination(r, search, q, lang_p, cat, page, res->total);
        char *tok = srv_gap_token();
        json_object_set_new(search, "gap", json_pack("{s:s,s:s,s:s,s:o}",
            "action", "/gap", "q", q, "lang",
            daleel_lang_code(qlang != DALEEL_LANG_NONE ? qlang : r->lang),
            "token", own_str(tok)));
    }
    if (qlen || cat)
        json_object_set_new(search, "facets",
                            facets_ctx(r, res, q, lang_p, filter, cat));
    daleel_results_free(res);

    json_t *ctx = srv_page_ctx(r);
    json_object_set_new(ctx, "q", json_string(q));
    json_object_set_new(ctx, "search", search);
    json_object_set_new(ctx, "noindex", json_true());
    json_object_set_new(ctx, "page_title", json_string(
        qlen ? q : cat ? srv_category_name(r->lang, cat)
                       : jstr(srv_i18n(r->lang), "search_title")));
    daleel_lang other = srv_other_lang(r->lang);
    json_object_set_new(ctx, "lang_switch", json_pack("{s:o,s:s}", "url",
        own_str(srv_search_url(r, q, daleel_lang_code(other), cat, 1, 0)),
        "lang", daleel_lang_code(other)));
    r->cache = "no-store";
    srv_render(r, 200, "search", ctx);
}

/* ---- Articles --------------------------------------------------------------- */

/* "en/returns/refund-times" -> "returns refund times": the words a 404
 * page offers to search for. */
static char *slug_words(const char *slug)
{
    const char *p = slug;
    if ((strncmp(p, "en/", 3) == 0 || strncmp(p, "ar/", 3) == 0))
        p += 3;
    char *w = strdup(p);
    if (!w)
        return NULL;
    for (char *c = w; *c; c++)
        if (*c == '/' || *c == '-' || *c == '_' || *c == '.')
            *c = ' ';
    return w;
}

static void article_not_found(srv_req *r, const char *slug)
{
    if (strncmp(slug, "ar/", 3) == 0)
        r->lang = DALEEL_LANG_AR;
    else if (strncmp(slug, "en/", 3) == 0)
        r->lang = DALEEL_LANG_EN;
    else
        r->lang = srv_pick_lang(r, NULL);
    char *words = slug_words(slug);
    json_t *extra = json_object();
    if (words && *words) {
        json_object_set_new(extra, "prefill", json_string(words));
        json_object_set_new(extra, "search_url", own_str(srv_search_url(
            r, words, NULL, NULL, 1, 0)));
    }
    free(words);
    srv_error(r, 404, extra);
}

/* A click from a results page: /a/<slug>?s=<search>&r=<rank>.  Record it,
 * remember the search for the vote form (a cookie for this article only),
 * and send the reader to the clean address, so shared links never carry
 * the search. */
static int click_redirect(srv_req *r, const char *slug)
{
    const char *sp = srv_q(r, "s"), *rp = srv_q(r, "r");
    if (!sp)
        return 0;
    /* A link to an article that is gone (or hidden from this reader) gets
     * the article page's 404, not a redirect and a cookie for nothing. */
    json_t *d = NULL;
    if (srv_load_article(r, slug, &d, NULL) != DALEEL_OK)
        return 0;
    json_decref(d);
    char *end;
    errno = 0;
    long long id = strtoll(sp, &end, 10);
    int ok_id = !errno && !*end && id > 0;
    errno = 0;
    long rank = rp ? strtol(rp, &end, 10) : 0;
    int ok_rank = rp && !errno && !*end && rank >= 1 && rank <= 10000;
    char *path = srv_article_path(r, slug);
    if (ok_id && ok_rank) {
        srv_log_click(id, slug, (unsigned)rank);
        daleel_buf b;
        daleel_buf_init(&b, 8192);
        daleel_buf_printf(&b, "daleel_s=%lld; Path=/a/", id);
        srv_append_slug(&b, slug);
        daleel_buf_puts(&b, "; Max-Age=3600; HttpOnly; SameSite=Lax");
        if (b.err == DALEEL_OK)
            srv_add_header(r, "Set-Cookie", b.data);
        daleel_buf_free(&b);
    }
    srv_redirect(r, 302, path ? path : "/");
    free(path);
    return 1;
}

json_t *srv_article_related(srv_req *r, daleel_searcher *s, const char *slug)
{
    json_t *list = json_array();
    daleel_hit *h = NULL;
    size_t n = 0;
    if (daleel_related(s, slug, r->agent_ok, 5, &h, &n) != DALEEL_OK)
        return list;
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, json_pack("{s:o,s:s,s:s,s:s}", "url",
            own_str(srv_article_path(r, h[i].slug)), "title",
            h[i].title ? h[i].title : "", "lang",
            daleel_lang_code(h[i].lang), "summary",
            h[i].summary ? h[i].summary : ""));
    daleel_hits_free(h, n);
    return list;
}

daleel_status srv_load_article(srv_req *r, const char *slug, json_t **doc,
                               char **html)
{
    *doc = NULL;
    if (html)
        *html = NULL;
    daleel_searcher *s = srv_searcher();
    if (!s)
        return DALEEL_EBUSY;
    char *data = NULL;
    daleel_status st = daleel_searcher_get(s, slug, &data, html);
    if (st != DALEEL_OK)
        return st;
    json_t *d = json_loads(data, 0, NULL);
    free(data);
    if (!d) {
        if (html) {
            free(*html);
            *html = NULL;
        }
        return DALEEL_EINDEX;
    }
    /* Internal articles do not exist for readers without the token. */
    if (strcmp(jstr(d, "audience"), "internal") == 0 && !r->agent_ok) {
        json_decref(d);
        if (html) {
            free(*html);
            *html = NULL;
        }
        return DALEEL_ENOTFOUND;
    }
    *doc = d;
    return DALEEL_OK;
}

void srv_page_article(srv_req *r, const char *slug)
{
    if (click_redirect(r, slug))
        return;
    json_t *d = NULL;
    char *html = NULL;
    daleel_status st = srv_load_article(r, slug, &d, &html);
    if (st == DALEEL_ENOTFOUND) {
        article_not_found(r, slug);
        return;
    }
    if (st != DALEEL_OK) {
        srv_error(r, srv_http_status(st), NULL);
        return;
    }
    daleel_searcher *s = srv_searcher();
    int internal = strcmp(jstr(d, "audience"), "internal") == 0;
    if (internal)
        r->agent = 1;       /* only agents get here: show their tools */
    r->lang = daleel_lang_from_code(jstr(d, "lang"));
    if (r->lang == DALEEL_LANG_NONE)
        r->lang = DALEEL_LANG_EN;
    const char *title = jstr(d, "title");
    char *abs = srv_article_url(r, slug);

    json_t *a = json_object();
    json_object_set_new(a, "slug", json_string(slug));
    json_object_set_new(a, "title", json_string(title));
    json_object_set_new(a, "lang", json_string(daleel_lang_code(r->lang)));
    json_object_set_new(a, "dir", json_string(r->lang == DALEEL_LANG_AR
                                              ? "rtl" : "ltr"));
    json_object_set_new(a, "abs_url", json_string(abs ? abs : ""));
    json_object_set_new(a, "abs_iri", own_str(srv_iri(abs ? abs : "")));
    json_object_set_new(a, "url", own_str(srv_article_path(r, slug)));
    json_object_set_new(a, "internal", json_boolean(internal));
    json_object_set_new(a, "html", json_string(html ? html : ""));
    json_object_set_new(a, "markdown", srv_markdown_link(title, abs ? abs : ""));
    const char *cat = jstr(d, "category");
    if (*cat) {
        json_object_set_new(a, "category", json_string(
            srv_category_name(r->lang, cat)));
        json_object_set_new(a, "category_url", own_str(srv_search_url(
            r, NULL, daleel_lang_code(r->lang), cat, 1, 0)));
    }
    json_int_t updated = json_integer_value(json_object_get(d, "updated"));
    if (updated > 0) {
        char iso[16];
        srv_iso_date(updated, iso);
        json_object_set_new(a, "updated_iso", json_string(iso));
        char when[48];
        srv_date_text(r->lang, updated, when);
        json_object_set_new(a, "updated_text", json_string(when));
    }
    json_t *toc = json_array();
    json_t *sec;
    size_t i;
    json_array_foreach(json_object_get(d, "sections"), i, sec) {
        const char *id = jstr(sec, "id");
        json_int_t level = json_integer_value(json_object_get(sec, "level"));
        if (!*id || level < 2 || level > 6)
            continue;
        daleel_buf b;
        daleel_buf_init(&b, 4096);
        daleel_buf_putc(&b, '#');
        daleel_buf_append_url(&b, id, strlen(id));
        json_array_append_new(toc, json_pack("{s:s,s:o,s:s,s:I}", "id", id,
            "url", own_str(daleel_buf_steal(&b, NULL)), "text",
            jstr(sec, "heading"), "level", level));
    }
    json_object_set_new(a, "toc", toc);

    /* Translations, for the links, the hreflang alternates and the
     * language switch. */
    json_t *trans = json_array();
    json_t *alternates = json_array();
    json_array_append_new(alternates, json_pack("{s:s,s:s}", "lang",
        daleel_lang_code(r->lang), "url", abs ? abs : ""));
    daleel_lang other = srv_other_lang(r->lang);
    json_t *sw = NULL;
    const char *key = jstr(d, "translation");
    daleel_hit *th = NULL;
    size_t tn = 0;
    if (*key && daleel_translations(s, key, slug, &th, &tn) == DALEEL_OK) {
        for (size_t k = 0; k < tn; k++) {
            if (th[k].internal && !r->agent_ok)
                continue;
            char *p = srv_article_path(r, th[k].slug);
            json_array_append_new(trans, json_pack("{s:s,s:s,s:s,s:s}", "url",
                p ? p : "", "lang", daleel_lang_code(th[k].lang), "name",
                jstr(srv_i18n(th[k].lang), "lang_name"), "title",
                th[k].title ? th[k].title : ""));
            json_array_append_new(alternates, json_pack("{s:s,s:o}", "lang",
                daleel_lang_code(th[k].lang), "url",
                own_str(srv_article_url(r, th[k].slug))));
            if (!sw && th[k].lang == other)
                sw = lang_switch(other, p ? p : "/");
            free(p);
        }
        daleel_hits_free(th, tn);
    }
    if (!sw) {
        char url[32];
        snprintf(url, sizeof url, "/?lang=%s", daleel_lang_code(other));
        sw = lang_switch(other, url);
    }
    json_object_set_new(a, "translations", trans);
    json_object_set_new(a, "related", srv_article_related(r, s, slug));

    json_t *ctx = srv_page_ctx(r);
    json_object_set_new(ctx, "article", a);
    json_object_set_new(ctx, "lang_switch", sw);
    json_object_set_new(ctx, "alternates", alternates);
    json_object_set_new(ctx, "canonical_url", json_string(abs ? abs : ""));
    json_object_set_new(ctx, "page_title", json_string(title));
    if (internal)
        json_object_set_new(ctx, "noindex", json_true());

    json_t *fb = json_object();
    json_object_set_new(fb, "action", json_string("/feedback"));
    json_object_set_new(fb, "slug", json_string(slug));
    json_object_set_new(fb, "token", own_str(srv_feedback_token(slug)));
    const char *sc = srv_cookie(r, "daleel_s");
    int personal = 0;
    if (sc && sc[0] && strspn(sc, "0123456789") == strlen(sc) &&
        strlen(sc) < 20) {
        json_object_set_new(fb, "search_id", json_string(sc));
        personal = 1;
    }
    json_object_set_new(ctx, "feedback", fb);

    if (r->agent) {
        char *yes = NULL, *no = NULL;
        srv_reply_links(r, slug, &yes, &no);
        json_t *t = srv_i18n(r->lang);
        daleel_buf b;
        daleel_buf_init(&b, 16384);
        daleel_buf_printf(&b, "%s [%s](%s) / [%s](%s)", jstr(t, "confirm_title"),
                          jstr(t, "yes"), yes ? yes : "", jstr(t, "no"),
                          no ? no : "");
        json_object_set_new(ctx, "reply_links", json_pack("{s:s,s:s,s:o}",
            "yes_url", yes ? yes : "", "no_url", no ? no : "", "markdown",
            own_str(daleel_buf_steal(&b, NULL))));
        free(yes);
        free(no);
    }
    json_decref(d);
    free(html);
    free(abs);
    r->etag = 1;
    r->cache = r->agent || personal ? "private, no-cache" : "no-cache";
    srv_render(r, 200, "article", ctx);
}

void srv_page_not_found(srv_req *r)
{
    r->lang = srv_pick_lang(r, NULL);
    srv_error(r, 404, NULL);
}

void srv_page_opensearch(srv_req *r)
{
    r->lang = srv_pick_lang(r, NULL);
    json_t *ctx = srv_page_ctx(r);
    srv_render(r, 200, "opensearch", ctx);
    if (r->status == 200) {
        r->ctype = "application/opensearchdescription+xml; charset=utf-8";
        r->cache = "public, max-age=86400";
    }
}
