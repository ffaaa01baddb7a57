/* api.c: the JSON API for agents' tools: /api/search, /api/articles/<slug>
 * and /api/suggest.  The fields are stable and documented in docs/api.md;
 * every URL in them is absolute.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static json_t *own_str(char *s)
{
    json_t *j = s ? json_string(s) : json_null();
    free(s);
    return j;
}

/* A number parameter in [lo, hi]; 'def' when absent; -1 when malformed. */
static long num_param(srv_req *r, const char *name, long def, long lo, long hi)
{
    const char *v = srv_q(r, name);
    if (!v || !*v)
        return def;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || *end || n < lo)
        return -1;
    return n > hi ? hi : n;
}

static json_t *iso_time(int64_t t)
{
    if (t <= 0)
        return json_null();
    char iso[32];
    srv_iso_time(t, iso);
    return json_string(iso);
}

/* An absolute URL of 'slug', with '#section' when given. */
static char *url_of(srv_req *r, const char *slug, const char *section)
{
    char *u = srv_article_url(r, slug);
    if (!u || !section || !*section)
        return u;
    daleel_buf b;
    daleel_buf_init(&b, 8192);
    daleel_buf_puts(&b, u);
    daleel_buf_putc(&b, '#');
    daleel_buf_append_url(&b, section, strlen(section));
    free(u);
    return daleel_buf_steal(&b, NULL);
}

static json_t *translations_of(srv_req *r, daleel_searcher *s,
                               const char *key, const char *slug)
{
    json_t *list = json_array();
    daleel_hit *th = NULL;
    size_t tn = 0;
    if (!key || !*key ||
        daleel_translations(s, key, slug, &th, &tn) != DALEEL_OK)
        return list;
    for (size_t k = 0; k < tn; k++) {
        if (th[k].internal && !r->agent_ok)
            continue;
        json_array_append_new(list, json_pack("{s:s,s:s,s:o}", "lang",
            daleel_lang_code(th[k].lang), "slug", th[k].slug, "url",
            own_str(srv_article_url(r, th[k].slug))));
    }
    daleel_hits_free(th, tn);
    return list;
}

static json_t *hit_json(srv_req *r, daleel_searcher *s, const daleel_hit *h,
                        int64_t search_id)
{
    json_t *o = json_object();
    json_object_set_new(o, "rank", json_integer(h->rank + 1));
    json_object_set_new(o, "title", json_string(h->title ? h->title : ""));
    json_object_set_new(o, "slug", json_string(h->slug));
    json_object_set_new(o, "lang", json_string(daleel_lang_code(h->lang)));
    json_object_set_new(o, "category", json_string(h->category ? h->category
                                                               : ""));
    json_object_set_new(o, "url", own_str(url_of(r, h->slug, NULL)));
    if (search_id) {
        char *u = srv_article_url(r, h->slug);
        daleel_buf b;
        daleel_buf_init(&b, 8192);
        daleel_buf_printf(&b, "%s?s=%lld&r=%u", u ? u : "",
                          (long long)search_id, h->rank + 1);
        free(u);
        json_object_set_new(o, "click_url", own_str(daleel_buf_steal(&b, NULL)));
    }
    const char *sid = h->section_id ? h->section_id : "";
    json_object_set_new(o, "section", json_pack("{s:s,s:s,s:o}", "id", sid,
        "title", h->section_heading ? h->section_heading : "", "url",
        own_str(url_of(r, h->slug, sid))));
    json_t *marks = json_array();
    for (size_t i = 0; i < h->n_marks; i++)
        json_array_append_new(marks, json_pack("[I,I]",
            (json_int_t)h->marks[i].start, (json_int_t)h->marks[i].len));
    json_object_set_new(o, "snippet", json_pack("{s:s,s:o,s:o}", "text",
        h->snippet ? h->snippet : "", "marked", srv_snippet_html(h),
        "marks", marks));
    json_object_set_new(o, "summary", json_string(h->summary ? h->summary : ""));
    json_object_set_new(o, "path", json_string(h->path ? h->path : ""));
    json_object_set_new(o, "updated", iso_time(h->updated));
    json_object_set_new(o, "audience", json_string(h->internal ? "internal"
                                                               : "public"));
    json_object_set_new(o, "translations",
                        translations_of(r, s, h->translation, h->slug));
    json_object_set_new(o, "score", json_real(h->score));
    return o;
}

void srv_api_search(srv_req *r)
{
    const char *q = srv_q(r, "q");
    if (!q)
        q = "";
    size_t qlen = strlen(q);
    const char *lang_p = srv_q(r, "lang");
    daleel_lang filter = daleel_lang_from_code(lang_p);
    if (lang_p && *lang_p && filter == DALEEL_LANG_NONE) {
        srv_error(r, 400, json_pack("{s:s}", "detail", "lang must be en or ar"));
        return;
    }
    const char *cat = srv_q(r, "category");
    if (cat && !*cat)
        cat = NULL;
    long limit = num_param(r, "limit", SRV_PAGE_SIZE, 1, SRV_API_MAX_LIMIT);
    long page = num_param(r, "page", 1, 1, SRV_MAX_PAGES);
    if (limit < 0 || page < 0) {
        srv_error(r, 400, json_pack("{s:s}", "detail",
                                    "limit and page must be positive numbers"));
        return;
    }
    daleel_searcher *s = srv_searcher();
    if (!s) {
        srv_error(r, 503, NULL);
        return;
    }
    daleel_search_opts o = {0};
    o.q = q;
    o.q_len = qlen;
    o.lang = filter;
    o.category = cat;
    o.internal = r->agent;
    o.offset = (unsigned)((page - 1) * limit);
    o.limit = (unsigned)limit;
    daleel_results *res = NULL;
    daleel_status st = daleel_search(s, &o, &res);
    if (st != DALEEL_OK) {
        srv_error(r, srv_http_status(st), NULL);
        return;
    }
    int64_t search_id = 0;
    if (qlen && page == 1)
        search_id = srv_log_search(r, q, qlen, res->query_lang, res->total,
                                   res->corrected);
    json_t *results = json_array();
    for (size_t i = 0; i < res->n_hits; i++)
        json_array_append_new(results, hit_json(r, s, &res->hits[i],
                                                search_id));
    json_t *cats = json_array();
    for (size_t i = 0; i < res->n_categories; i++)
        json_array_append_new(cats, json_pack("{s:s,s:i}", "name",
            res->categories[i].value, "count", (int)res->categories[i].count));
    json_t *out = json_object();
    json_object_set_new(out, "query", json_string(q));
    json_object_set_new(out, "query_lang",
                        json_string(daleel_lang_code(res->query_lang)));
    json_object_set_new(out, "total", json_integer(res->total));
    json_object_set_new(out, "page", json_integer(page));
    json_object_set_new(out, "limit", json_integer(limit));
    json_object_set_new(out, "did_you_mean", res->did_you_mean
                        ? json_string(res->did_you_mean) : json_null());
    json_object_set_new(out, "corrected", json_boolean(res->corrected));
    json_object_set_new(out, "search_id", search_id
                        ? json_integer(search_id) : json_null());
    json_object_set_new(out, "categories", cats);
    json_object_set_new(out, "results", results);
    daleel_results_free(res);
    r->cache = "no-store";
    srv_json(r, 200, out);
}

void srv_api_article(srv_req *r, const char *slug)
{
    json_t *d = NULL;
    char *html = NULL;
    daleel_status st = srv_load_article(r, slug, &d, &html);
    if (st != DALEEL_OK) {
        srv_error(r, srv_http_status(st), NULL);
        return;
    }
    daleel_searcher *s = srv_searcher();
    json_t *o = json_object();
    json_object_set_new(o, "title", json_string(jstr(d, "title")));
    json_object_set_new(o, "slug", json_string(slug));
    json_object_set_new(o, "lang", json_string(jstr(d, "lang")));
    json_object_set_new(o, "category", json_string(jstr(d, "category")));
    json_object_set_new(o, "url", own_str(url_of(r, slug, NULL)));
    json_object_set_new(o, "path", json_string(jstr(d, "path")));
    json_object_set_new(o, "updated", iso_time(json_integer_value(
        json_object_get(d, "updated"))));
    json_object_set_new(o, "audience", json_string(
        *jstr(d, "audience") ? jstr(d, "audience") : "public"));
    json_object_set_new(o, "summary", json_string(jstr(d, "summary")));
    json_t *tags = json_object_get(d, "tags");
    json_object_set_new(o, "tags", json_is_array(tags) ? json_incref(tags)
                                                        : json_array());
    json_t *secs = json_array();
    json_t *sec;
    size_t i;
    json_array_foreach(json_object_get(d, "sections"), i, sec) {
        const char *id = jstr(sec, "id");
        if (!*id)
            continue;
        json_array_append_new(secs, json_pack("{s:s,s:s,s:I,s:o}", "id", id,
            "title", jstr(sec, "heading"), "level",
            json_integer_value(json_object_get(sec, "level")), "url",
            own_str(url_of(r, slug, id))));
    }
    json_object_set_new(o, "sections", secs);
    json_object_set_new(o, "html", json_string(html ? html : ""));
    json_object_set_new(o, "translations",
                        translations_of(r, s, jstr(d, "translation"), slug));
    json_t *rel = json_array();
    daleel_hit *h = NULL;
    size_t n = 0;
    if (daleel_related(s, slug, r->agent_ok, 5, &h, &n) == DALEEL_OK) {
        for (size_t k = 0; k < n; k++)
            json_array_append_new(rel, json_pack("{s:s,s:s,s:s,s:o}",
                "title", h[k].title ? h[k].title : "", "slug", h[k].slug,
                "lang", daleel_lang_code(h[k].lang), "url",
                own_str(srv_article_url(r, h[k].slug))));
        daleel_hits_free(h, n);
    }
    json_object_set_new(o, "related", rel);
    if (r->agent_ok) {
        char *yes = NULL, *no = NULL;
        srv_reply_links(r, slug, &yes, &no);
        json_object_set_new(o, "feedback_links", json_pack("{s:o,s:o}",
            "yes", own_str(yes), "no", own_str(no)));
    }
    json_decref(d);
    free(html);
    r->etag = 1;
    r->cache = r->agent_ok ? "private, no-cache" : "no-cache";
    srv_json(r, 200, o);
}

void srv_api_suggest(srv_req *r)
{
    const char *q = srv_q(r, "q");
    if (!q)
        q = "";
    daleel_lang lang = daleel_lang_from_code(srv_q(r, "lang"));
    long limit = num_param(r, "limit", 8, 1, 20);
    if (limit < 0) {
        srv_error(r, 400, NULL);
        return;
    }
    daleel_searcher *s = srv_searcher();
    if (!s) {
        srv_error(r, 503, NULL);
        return;
    }
    daleel_suggestion *v = NULL;
    size_t n = 0;
    json_t *list = json_array();
    if (*q && daleel_suggest(s, q, strlen(q), lang, r->agent, (size_t)limit,
                             &v, &n) == DALEEL_OK) {
        for (size_t i = 0; i < n; i++)
            json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:o}",
                "title", v[i].title ? v[i].title : "", "slug", v[i].slug,
                "lang", daleel_lang_code(v[i].lang), "url",
                own_str(srv_article_url(r, v[i].slug))));
        daleel_suggestions_free(v, n);
    }
    r->cache = r->agent ? "private, max-age=60" : "public, max-age=60";
    srv_json(r, 200, json_pack("{s:s,s:o}", "query", q, "suggestions", list));
}
