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

/* ---- /api/search, written directly ---------------------------------------
 * The search answer is the API's hot path: building a jansson tree of ten
 * hits and dumping it cost more than a cached search (measured with
 * callgrind: 1.3 M instructions a request for the dump alone), so it is
 * written straight into the response, in the same field order and escaping
 * as jansson's JSON_COMPACT output (docs/api.md). */

/* Append 'n' bytes of valid UTF-8 as the contents of a JSON string:
 * '"', '\\' and control characters escaped, as jansson does. */
static void json_chars(daleel_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        daleel_buf_append(b, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': daleel_buf_append(b, "\\\"", 2); break;
        case '\\': daleel_buf_append(b, "\\\\", 2); break;
        case '\b': daleel_buf_append(b, "\\b", 2); break;
        case '\f': daleel_buf_append(b, "\\f", 2); break;
        case '\n': daleel_buf_append(b, "\\n", 2); break;
        case '\r': daleel_buf_append(b, "\\r", 2); break;
        case '\t': daleel_buf_append(b, "\\t", 2); break;
        default: {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            daleel_buf_append(b, e, 6);
        }
        }
    }
    daleel_buf_append(b, s + run, n - run);
}

static void json_str(daleel_buf *b, const char *s)
{
    daleel_buf_putc(b, '"');
    if (s)
        json_chars(b, s, strlen(s));
    daleel_buf_putc(b, '"');
}

/* ,"name": */
static void json_key(daleel_buf *b, const char *name)
{
    daleel_buf_putc(b, ',');
    daleel_buf_putc(b, '"');
    daleel_buf_puts(b, name);
    daleel_buf_append(b, "\":", 2);
}

static void json_kv(daleel_buf *b, const char *name, const char *v)
{
    json_key(b, name);
    json_str(b, v);
}

/* 'n' bytes escaped for HTML text, then for a JSON string. */
static void json_html(daleel_buf *b, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *e;
        switch (s[i]) {
        case '&': e = "&amp;"; break;
        case '<': e = "&lt;"; break;
        case '>': e = "&gt;"; break;
        case '"': e = "&quot;"; break;
        case '\'': e = "&#39;"; break;
        case '\0': e = ""; break;
        default: continue;
        }
        json_chars(b, s + run, i - run);
        daleel_buf_puts(b, e);
        run = i + 1;
    }
    json_chars(b, s + run, n - run);
}

/* The snippet with <mark> around its spans (srv_snippet_html()), as a
 * JSON string. */
static void json_marked(daleel_buf *b, const daleel_hit *h)
{
    const char *s = h->snippet ? h->snippet : "";
    size_t n = strlen(s), at = 0;
    daleel_buf_putc(b, '"');
    for (size_t i = 0; i < h->n_marks; i++) {
        size_t st = h->marks[i].start, len = h->marks[i].len;
        if (st < at || st > n || len > n - st)
            continue;       /* out of order or out of range: skip it */
        json_html(b, s + at, st - at);
        daleel_buf_puts(b, "<mark>");
        json_html(b, s + st, len);
        daleel_buf_puts(b, "</mark>");
        at = st + len;
    }
    json_html(b, s + at, n - at);
    daleel_buf_putc(b, '"');
}

/* What writing one answer needs. */
typedef struct {
    srv_req *r;
    daleel_searcher *s;
    daleel_buf *b;          /* the answer */
    daleel_buf tmp;         /* a URL being made */
    const char *base;       /* srv_base_url() */
    int with_id;            /* the answer carries a search id */
    size_t *ids;            /* where it goes (offsets in 'b') */
    size_t n_ids, cap_ids;
    int oom;
} writer;

/* Mark the place of the search id (written per request). */
static void put_id(writer *w)
{
    if (w->n_ids == w->cap_ids) {
        size_t cap = w->cap_ids ? 2 * w->cap_ids : 16;
        size_t *v = realloc(w->ids, cap * sizeof *v);
        if (!v) {
            w->oom = 1;
            return;
        }
        w->ids = v;
        w->cap_ids = cap;
    }
    w->ids[w->n_ids++] = w->b->len;
}

static void put_uint(daleel_buf *b, unsigned long long v)
{
    char d[24];
    size_t n = sizeof d;
    do {
        d[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    daleel_buf_append(b, d + n, sizeof d - n);
}

/* The absolute URL of 'slug' (then "?s=<id>&r=<rank>" when 'rank', then
 * "#section" when not empty) as a JSON string. */
static void json_url(writer *w, const char *slug, const char *section,
                     unsigned rank)
{
    daleel_buf *tmp = &w->tmp;
    daleel_buf_reset(tmp);
    daleel_buf_puts(tmp, w->base);
    daleel_buf_puts(tmp, "/a/");
    srv_append_slug(tmp, slug);
    if (section && *section) {
        daleel_buf_putc(tmp, '#');
        daleel_buf_append_url(tmp, section, strlen(section));
    }
    daleel_buf_putc(w->b, '"');
    if (tmp->err == DALEEL_OK && tmp->data)
        json_chars(w->b, tmp->data, tmp->len);
    if (rank) {
        daleel_buf_puts(w->b, "?s=");
        put_id(w);
        daleel_buf_puts(w->b, "&r=");
        put_uint(w->b, rank);
    }
    daleel_buf_putc(w->b, '"');
}

static void json_number(daleel_buf *b, double v)
{
    /* jansson's real: %.17g, with ".0" when it would read as an integer. */
    char n[40];
    int len = snprintf(n, sizeof n, "%.17g", v);
    if (len > 0 && !strpbrk(n, ".eE") && strcmp(n, "inf") && strcmp(n, "nan"))
        snprintf(n + len, sizeof n - (size_t)len, ".0");
    daleel_buf_puts(b, n);
}

static void hit_out(writer *w, const daleel_hit *h)
{
    daleel_buf *b = w->b;
    daleel_buf_puts(b, "{\"rank\":");
    put_uint(b, h->rank + 1);
    json_kv(b, "title", h->title ? h->title : "");
    json_kv(b, "slug", h->slug);
    json_kv(b, "lang", daleel_lang_code(h->lang));
    json_kv(b, "category", h->category ? h->category : "");
    json_key(b, "url");
    json_url(w, h->slug, NULL, 0);
    if (w->with_id) {
        json_key(b, "click_url");
        json_url(w, h->slug, NULL, h->rank + 1);
    }
    const char *sid = h->section_id ? h->section_id : "";
    daleel_buf_puts(b, ",\"section\":{\"id\":");
    json_str(b, sid);
    json_kv(b, "title", h->section_heading ? h->section_heading : "");
    json_key(b, "url");
    json_url(w, h->slug, sid, 0);
    daleel_buf_puts(b, "},\"snippet\":{\"text\":");
    json_str(b, h->snippet ? h->snippet : "");
    daleel_buf_puts(b, ",\"marked\":");
    json_marked(b, h);
    daleel_buf_puts(b, ",\"marks\":[");
    for (size_t i = 0; i < h->n_marks; i++) {
        daleel_buf_puts(b, i ? ",[" : "[");
        put_uint(b, h->marks[i].start);
        daleel_buf_putc(b, ',');
        put_uint(b, h->marks[i].len);
        daleel_buf_putc(b, ']');
    }
    daleel_buf_puts(b, "]}");
    json_kv(b, "summary", h->summary ? h->summary : "");
    json_kv(b, "path", h->path ? h->path : "");
    json_key(b, "updated");
    if (h->updated > 0) {
        char iso[32];
        srv_iso_time(h->updated, iso);
        json_str(b, iso);
    } else {
        daleel_buf_puts(b, "null");
    }
    json_kv(b, "audience", h->internal ? "internal" : "public");
    daleel_buf_puts(b, ",\"translations\":[");
    const daleel_hit *th = NULL;
    size_t tn = 0;
    if (h->translation && *h->translation &&
        srv_translations_cached(w->s, h->translation, h->slug, &th, &tn) ==
            DALEEL_OK) {
        int first = 1;
        for (size_t k = 0; k < tn; k++) {
            if (th[k].internal && !w->r->agent_ok)
                continue;
            daleel_buf_puts(b, first ? "{\"lang\":" : ",{\"lang\":");
            first = 0;
            json_str(b, daleel_lang_code(th[k].lang));
            json_kv(b, "slug", th[k].slug);
            json_key(b, "url");
            json_url(w, th[k].slug, NULL, 0);
            daleel_buf_putc(b, '}');
        }
    }
    daleel_buf_puts(b, "],\"score\":");
    json_number(b, h->score);
    daleel_buf_putc(b, '}');
}

/* The whole answer for 'res', with the places of the search id marked. */
static void answer_out(writer *w, const char *q, const daleel_results *res,
                       long page, long limit)
{
    daleel_buf *b = w->b;
    daleel_buf_puts(b, "{\"query\":");
    json_str(b, q);
    json_kv(b, "query_lang", daleel_lang_code(res->query_lang));
    daleel_buf_puts(b, ",\"total\":");
    put_uint(b, res->total);
    daleel_buf_puts(b, ",\"page\":");
    put_uint(b, (unsigned long long)page);
    daleel_buf_puts(b, ",\"limit\":");
    put_uint(b, (unsigned long long)limit);
    json_key(b, "did_you_mean");
    if (res->did_you_mean)
        json_str(b, res->did_you_mean);
    else
        daleel_buf_puts(b, "null");
    daleel_buf_puts(b, res->corrected ? ",\"corrected\":true"
                                      : ",\"corrected\":false");
    daleel_buf_puts(b, ",\"search_id\":");
    if (w->with_id)
        put_id(w);
    else
        daleel_buf_puts(b, "null");
    daleel_buf_puts(b, ",\"categories\":[");
    for (size_t i = 0; i < res->n_categories; i++) {
        daleel_buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
        json_str(b, res->categories[i].value);
        daleel_buf_puts(b, ",\"count\":");
        put_uint(b, res->categories[i].count);
        daleel_buf_putc(b, '}');
    }
    daleel_buf_puts(b, "],\"results\":[");
    for (size_t i = 0; i < res->n_hits; i++) {
        if (i)
            daleel_buf_putc(b, ',');
        hit_out(w, &res->hits[i]);
    }
    daleel_buf_puts(b, "]}\n");
}

/* The response: 'body' with 'id' at each of its places. */
static void assemble(srv_req *r, const srv_body *body, int64_t id)
{
    char d[24];
    int n = snprintf(d, sizeof d, "%lld", (long long)id);
    size_t at = 0;
    srv_respond(r, 200, "application/json; charset=utf-8");
    for (size_t i = 0; i < body->n_ids; i++) {
        daleel_buf_append(&r->out, body->data + at, body->ids[i] - at);
        daleel_buf_append(&r->out, d, (size_t)n);
        at = body->ids[i];
    }
    daleel_buf_append(&r->out, body->data + at, body->len - at);
    r->cache = "no-store";
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
    /* Only the first page counts as a search; paging is the same one. */
    int log_it = qlen && page == 1;
    const char *base = srv_base_url(r);

    /* The answer as written before for the same request. */
    daleel_buf key;
    daleel_buf_init(&key, 8192);
    daleel_buf_printf(&key, "B%d|%ld|%ld|%d|%d|%d|%s", (int)filter, limit,
                      page, r->agent, r->agent_ok, log_it, base);
    daleel_buf_putc(&key, '\0');
    daleel_buf_puts(&key, cat ? cat : "");
    daleel_buf_putc(&key, '\0');
    daleel_buf_append(&key, q, qlen);
    int keyed = key.err == DALEEL_OK && key.data;
    srv_body body;
    if (keyed && srv_body_get(s, key.data, key.len, &body)) {
        int64_t id = log_it ? srv_log_search(r, q, qlen, body.query_lang,
                                             body.total, body.corrected)
                            : 0;
        if ((id != 0) == (body.n_ids != 0)) {
            assemble(r, &body, id);
            daleel_buf_free(&key);
            return;
        }
        /* Not logged after all (rate limit, queue full): written anew
         * without the id. */
        log_it = -1;
    }

    daleel_search_opts o = {0};
    o.q = q;
    o.q_len = qlen;
    o.lang = filter;
    o.category = cat;
    o.internal = r->agent;
    o.offset = (unsigned)((page - 1) * limit);
    o.limit = (unsigned)limit;
    const daleel_results *res = NULL;
    daleel_status st = srv_search_cached(s, &o, &res);
    if (st != DALEEL_OK) {
        daleel_buf_free(&key);
        srv_error(r, srv_http_status(st), NULL);
        return;
    }
    int64_t id = 0;
    if (log_it == 1)
        id = srv_log_search(r, q, qlen, res->query_lang, res->total,
                            res->corrected);
    daleel_buf out;
    daleel_buf_init(&out, SRV_MAX_PAGE);
    writer w = {0};
    w.r = r;
    w.s = s;
    w.b = &out;
    w.base = base;
    w.with_id = id != 0;
    daleel_buf_init(&w.tmp, 64 * 1024);
    answer_out(&w, q, res, page, limit);
    body = (srv_body){out.data, out.len, w.ids, w.n_ids, res->query_lang,
                      res->total, res->corrected};
    if (out.err != DALEEL_OK || w.oom) {
        srv_error(r, 500, NULL);
    } else {
        /* Kept when it is what the next same request will want. */
        if (keyed && log_it >= 0 && (id != 0) == (log_it == 1))
            srv_body_put(s, key.data, key.len, &body);
        assemble(r, &body, id);
    }
    daleel_buf_free(&out);
    daleel_buf_free(&w.tmp);
    free(w.ids);
    daleel_buf_free(&key);
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
