/* gaps.c: the writers' gap report at /gaps (HTML), /gaps.csv and
 * /gaps.json, behind the admin token, with its login form; the
 * "translations older than their source" list, computed from the index;
 * and the home page's most helpful articles, from the same votes.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daleel/document.h"
#include "daleel/index.h"
#include "server.h"

#define DAY 86400
#define CHART_W 720
#define CHART_H 200
#define CHART_PLOT_H 176

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

/* ---- Login -------------------------------------------------------------------- */

/* Only our own report pages are acceptable after login: never an absolute
 * or protocol-relative URL (an open redirect), and nothing but printable
 * ASCII: a CR or LF anywhere would end the Location header (libmicrohttpd
 * then drops the header and the 303 leads nowhere), and raw UTF-8 is not
 * a valid header value. */
static const char *safe_next(const char *next)
{
    if (next && strncmp(next, "/gaps", 5) == 0 && !strstr(next, "//") &&
        !strchr(next, '\\') &&
        (next[5] == '\0' || next[5] == '?' || next[5] == '.')) {
        for (const char *c = next; *c; c++)
            if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f)
                return "/gaps";
        return next;
    }
    return "/gaps";
}

static void login_page(srv_req *r, unsigned status, int failed,
                       const char *next)
{
    json_t *ctx = srv_page_ctx(r);
    json_object_set_new(ctx, "login", json_pack("{s:s,s:b,s:s}", "action",
        "/gaps/login", "failed", failed, "next", safe_next(next)));
    json_object_set_new(ctx, "noindex", json_true());
    json_object_set_new(ctx, "page_title",
                        json_string(jstr(srv_i18n(r->lang), "login_title")));
    r->cache = "no-store";
    srv_render(r, status, "login", ctx);
}

void srv_gaps_login(srv_req *r)
{
    if (!r->is_post) {
        login_page(r, 200, 0, srv_q(r, "next"));
        return;
    }
    unsigned wait = srv_rate_take(SRV_RL_LOGIN, r->ip);
    if (wait) {
        char s[16];
        snprintf(s, sizeof s, "%u", wait);
        srv_add_header(r, "Retry-After", s);
        srv_error(r, 429, json_pack("{s:i}", "retry_after", (int)wait));
        return;
    }
    if (!srv_token_is_admin(srv_f(r, "token"))) {
        login_page(r, 403, 1, srv_f(r, "next"));
        return;
    }
    char *session = srv_session_make("admin", 12 * 3600);
    if (!session) {
        srv_error(r, 500, NULL);
        return;
    }
    daleel_buf b;
    daleel_buf_init(&b, 4096);
    /* SameSite=Strict: no other site can make the browser use it. */
    daleel_buf_printf(&b, "daleel_admin=%s; Path=/; Max-Age=43200; HttpOnly; "
                      "SameSite=Strict%s", session,
                      srv.base_url && strncmp(srv.base_url, "https:", 6) == 0
                          ? "; Secure" : "");
    free(session);
    srv_redirect(r, 303, safe_next(srv_f(r, "next")));
    if (b.err == DALEEL_OK)
        srv_add_header(r, "Set-Cookie", b.data);
    daleel_buf_free(&b);
}

/* ---- Translations older than their source --------------------------------------- */

typedef struct {
    daleel_index *idx;
    json_t *docs;       /* translation key -> [doc data...] */
} stale_walk;

static int stale_cb(void *ctx, unsigned docid)
{
    stale_walk *w = ctx;
    char *data = NULL;
    size_t len;
    if (daleel_index_get_data(w->idx, docid, &data, &len) != DALEEL_OK)
        return 0;
    json_t *d = json_loadb(data, len, 0, NULL);
    free(data);
    const char *key = jstr(d, "translation");
    if (!d || !*key) {
        json_decref(d);
        return 0;
    }
    json_t *list = json_object_get(w->docs, key);
    if (!list) {
        list = json_array();
        json_object_set_new(w->docs, key, list);
    }
    json_array_append_new(list, d);
    return json_object_size(w->docs) > 100000;
}

/* For each translation key, the most recently updated version is the
 * source; every other version updated before it is stale. */
static json_t *stale_list(srv_req *r, const char *lang)
{
    json_t *out = json_array();
    daleel_index *idx = srv_index();
    if (!idx)
        return out;
    stale_walk w = {idx, json_object()};
    daleel_index_postings(idx, "", stale_cb, &w);
    const char *key;
    json_t *list;
    json_object_foreach(w.docs, key, list) {
        json_t *src = NULL, *d;
        size_t i;
        json_array_foreach(list, i, d)
            if (!src || json_integer_value(json_object_get(d, "updated")) >
                            json_integer_value(json_object_get(src, "updated")))
                src = d;
        json_int_t su = json_integer_value(json_object_get(src, "updated"));
        json_array_foreach(list, i, d) {
            json_int_t du = json_integer_value(json_object_get(d, "updated"));
            if (d == src || du >= su)
                continue;
            if (lang && *lang && strcmp(jstr(d, "lang"), lang) != 0)
                continue;
            char a[16], b[16];
            srv_iso_date(du, a);
            srv_iso_date(su, b);
            json_array_append_new(out, json_pack(
                "{s:s,s:s,s:o,s:s,s:s,s:s,s:s,s:o,s:s,s:s}",
                "slug", jstr(d, "slug"), "lang", jstr(d, "lang"),
                "url", own_str(srv_article_url(r, jstr(d, "slug"))),
                "title", jstr(d, "title"), "updated", a,
                "source_slug", jstr(src, "slug"), "source_lang", jstr(src, "lang"),
                "source_url", own_str(srv_article_url(r, jstr(src, "slug"))),
                "source_title", jstr(src, "title"), "source_updated", b));
        }
    }
    json_decref(w.docs);
    return out;
}

/* ---- The report as HTML ------------------------------------------------------------ */

static json_t *groups_ctx(srv_req *r, const daleel_gap_group *g, size_t n)
{
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *ex = json_array();
        for (size_t k = 0; k < g[i].n_examples; k++)
            json_array_append_new(ex, json_string(g[i].examples[k]));
        char seen[32];
        srv_iso_time(g[i].last_seen, seen);
        const char *q = g[i].n_examples ? g[i].examples[0] : g[i].normal;
        json_array_append_new(list, json_pack("{s:s,s:s,s:I,s:s,s:o,s:o}",
            "lang", g[i].lang ? g[i].lang : "", "normalized",
            g[i].normal ? g[i].normal : "", "count", (json_int_t)g[i].count,
            "last_seen", seen, "examples", ex, "search_url",
            own_str(srv_search_url(r, q, g[i].lang, NULL, 1, 0))));
    }
    return list;
}

static const char *reason_label(json_t *t, daleel_reason reason)
{
    switch (reason) {
    case DALEEL_REASON_OUTDATED:
        return jstr(t, "reason_outdated");
    case DALEEL_REASON_UNANSWERED:
        return jstr(t, "reason_not_answered");
    case DALEEL_REASON_UNCLEAR:
        return jstr(t, "reason_hard_to_follow");
    case DALEEL_REASON_OTHER:
        return jstr(t, "reason_other");
    default:
        return "";
    }
}

static json_t *articles_ctx(srv_req *r, const daleel_gap_report *rep)
{
    json_t *t = srv_i18n(r->lang);
    json_t *list = json_array();
    int agent_ok = r->agent_ok;
    r->agent_ok = 1;        /* admins see internal articles' titles */
    for (size_t i = 0; i < rep->n_articles; i++) {
        const daleel_gap_article *a = &rep->articles[i];
        json_t *doc = NULL;
        srv_load_article(r, a->slug, &doc, NULL);
        char score[16];
        snprintf(score, sizeof score, "%.2f", a->wilson_lower);
        json_t *comments = json_array();
        for (size_t k = 0; k < a->n_comments; k++) {
            const daleel_gap_comment *c = &a->comments[k];
            if (!c->comment)
                continue;
            char date[16];
            srv_iso_date(c->time, date);
            json_array_append_new(comments, json_pack("{s:s,s:s,s:s}",
                "text", c->comment, "reason_label",
                reason_label(t, c->reason), "date", date));
        }
        json_array_append_new(list, json_pack(
            "{s:s,s:s,s:o,s:s,s:s,s:I,s:I,s:{s:I,s:I,s:I,s:I},s:o}",
            "slug", a->slug, "lang", a->lang ? a->lang : "",
            "url", own_str(srv_article_url(r, a->slug)),
            "title", doc ? jstr(doc, "title") : a->slug, "score", score,
            "yes", (json_int_t)a->yes, "no", (json_int_t)a->no, "reasons",
            "outdated", (json_int_t)a->reasons[DALEEL_REASON_OUTDATED],
            "not_answered", (json_int_t)a->reasons[DALEEL_REASON_UNANSWERED],
            "hard_to_follow", (json_int_t)a->reasons[DALEEL_REASON_UNCLEAR],
            "other", (json_int_t)a->reasons[DALEEL_REASON_OTHER],
            "comments", comments));
        json_decref(doc);
    }
    r->agent_ok = agent_ok;
    return list;
}

/* Bars per day, drawn by the template as inline SVG (no script). */
static json_t *chart_ctx(const daleel_gap_report *rep)
{
    size_t n = rep->n_days;
    if (!n)
        return json_null();
    long max = 1;
    for (size_t i = 0; i < n; i++) {
        const daleel_gap_day *d = &rep->days[i];
        long v = d->votes_yes + d->votes_no;
        if (d->searches > max)
            max = d->searches;
        if (v > max)
            max = v;
    }
    double gw = (double)CHART_W / (double)n;
    double bw = gw / 3.0 * 0.85;
    json_t *s = json_array(), *nr = json_array(), *v = json_array(),
           *dates = json_array(), *days = json_array(), *ticks = json_array();
    size_t every = n <= 8 ? 1 : (n + 7) / 8;
    for (size_t i = 0; i < n; i++) {
        const daleel_gap_day *d = &rep->days[i];
        char date[16];
        srv_iso_date(d->day * DAY, date);
        long vals[3] = {d->searches, d->no_result, d->votes_yes + d->votes_no};
        json_t *lists[3] = {s, nr, v};
        for (int k = 0; k < 3; k++) {
            double h = (double)vals[k] / (double)max * CHART_PLOT_H;
            char x[16], y[16], w[16], hh[16];
            snprintf(x, sizeof x, "%.1f", gw * (double)i + bw * k + gw * 0.05);
            snprintf(y, sizeof y, "%.1f", CHART_PLOT_H - h);
            snprintf(w, sizeof w, "%.1f", bw);
            snprintf(hh, sizeof hh, "%.1f", h);
            json_array_append_new(lists[k], json_pack(
                "{s:s,s:s,s:s,s:s,s:s,s:I}", "x", x, "y", y, "w", w, "h", hh,
                "date", date, "value", (json_int_t)vals[k]));
        }
        if (i % every == 0) {
            char x[16];
            snprintf(x, sizeof x, "%.1f", gw * (double)i);
            json_array_append_new(dates, json_pack("{s:s,s:i,s:s}", "x", x,
                "y", CHART_H - 4, "label", date + 5));
        }
        json_array_append_new(days, json_pack("{s:s,s:I,s:I,s:I}", "date",
            date, "searches", (json_int_t)d->searches, "no_results",
            (json_int_t)d->no_result, "votes", (json_int_t)vals[2]));
    }
    for (int k = 0; k <= 2; k++) {
        char y[16], label[24];
        snprintf(y, sizeof y, "%.1f", CHART_PLOT_H - CHART_PLOT_H * k / 2.0);
        snprintf(label, sizeof label, "%ld", max * k / 2);
        json_array_append_new(ticks, json_pack("{s:s,s:s}", "y", y,
                                               "label", label));
    }
    return json_pack("{s:i,s:i,s:o,s:o,s:o,s:o,s:o,s:o}", "width", CHART_W,
        "height", CHART_H, "searches", s, "no_results", nr, "votes", v,
        "dates", dates, "days", days, "ticks", ticks);
}

static json_t *html_ctx(srv_req *r, const daleel_gap_report *rep,
                        const char *lang, long days)
{
    json_t *g = json_object();
    json_object_set_new(g, "action", json_string("/gaps"));
    json_t *langs = json_array();
    static const char *codes[] = {"", "en", "ar"};
    for (int i = 0; i < 3; i++) {
        const char *label = i ? jstr(srv_i18n(daleel_lang_from_code(codes[i])),
                                     "lang_name") : "";
        json_array_append_new(langs, json_pack("{s:s,s:s,s:b}", "value",
            codes[i], "label", label, "selected", strcmp(lang, codes[i]) == 0));
    }
    json_object_set_new(g, "langs", langs);
    json_t *periods = json_array();
    static const long ps[] = {7, 30, 90, 180, 365};
    for (size_t i = 0; i < 5; i++)
        json_array_append_new(periods, json_pack("{s:I,s:b}", "value",
            (json_int_t)ps[i], "selected", ps[i] == days));
    json_object_set_new(g, "periods", periods);
    char q[64];
    snprintf(q, sizeof q, "?lang=%s&days=%ld", lang, days);
    char csv[80], js[80];
    snprintf(csv, sizeof csv, "/gaps.csv%s", q);
    snprintf(js, sizeof js, "/gaps.json%s", q);
    json_object_set_new(g, "csv_url", json_string(csv));
    json_object_set_new(g, "json_url", json_string(js));
    char from[16], to[16];
    srv_iso_date(rep->since, from);
    srv_iso_date(rep->until - 1, to);
    json_object_set_new(g, "from", json_string(from));
    json_object_set_new(g, "to", json_string(to));
    long searches = 0, none = 0, votes = 0;
    for (size_t i = 0; i < rep->n_days; i++) {
        searches += rep->days[i].searches;
        none += rep->days[i].no_result;
        votes += rep->days[i].votes_yes + rep->days[i].votes_no;
    }
    json_object_set_new(g, "totals", json_pack("{s:I,s:I,s:I,s:I}",
        "searches", (json_int_t)searches, "no_results", (json_int_t)none,
        "votes", (json_int_t)votes, "reports", (json_int_t)rep->n_reports));
    json_object_set_new(g, "chart", chart_ctx(rep));
    json_object_set_new(g, "no_results", groups_ctx(r, rep->no_result,
                                                    rep->n_no_result));
    json_object_set_new(g, "no_clicks", groups_ctx(r, rep->unclicked,
                                                   rep->n_unclicked));
    json_object_set_new(g, "articles", articles_ctx(r, rep));
    json_t *reports = json_array();
    for (size_t i = 0; i < rep->n_reports; i++) {
        const daleel_gap_report_item *it = &rep->reports[i];
        char date[16];
        srv_iso_date(it->time, date);
        json_array_append_new(reports, json_pack("{s:s,s:s,s:s,s:s}",
            "lang", it->lang ? it->lang : "", "q", it->query ? it->query : "",
            "text", it->comment ? it->comment : "", "date", date));
    }
    json_object_set_new(g, "reports", reports);
    json_object_set_new(g, "stale", stale_list(r, lang));
    return g;
}

void srv_gaps_page(srv_req *r, const char *format)
{
    int html = strcmp(format, "html") == 0;
    if (!srv_is_admin(r)) {
        if (html) {
            daleel_buf b;
            daleel_buf_init(&b, 4096);
            daleel_buf_puts(&b, "/gaps/login?next=");
            const char *qm = strchr(r->raw_uri, '?');
            daleel_buf_append_url(&b, "/gaps", 5);
            if (qm)
                daleel_buf_append_url(&b, qm, strlen(qm));
            srv_redirect(r, 303, b.err == DALEEL_OK ? b.data : "/gaps/login");
            daleel_buf_free(&b);
        } else {
            r->api = 1;
            srv_add_header(r, "WWW-Authenticate", "Bearer realm=\"daleel\"");
            srv_error(r, 401, NULL);
        }
        return;
    }
    const char *lang = srv_q(r, "lang");
    if (!lang || (strcmp(lang, "en") != 0 && strcmp(lang, "ar") != 0))
        lang = "";
    long days = 30;
    const char *dp = srv_q(r, "days");
    if (dp && *dp) {
        char *end;
        errno = 0;
        days = strtol(dp, &end, 10);
        if (errno || *end || days < 1 || days > 3650) {
            srv_error(r, 400, NULL);
            return;
        }
    }
    daleel_feedback *fb = srv_feedback();
    if (!fb) {
        srv_add_header(r, "Retry-After", "5");
        srv_error(r, 503, NULL);
        return;
    }
    int64_t now = (int64_t)time(NULL);
    daleel_gaps_opts o = {lang, now - (days - 1) * DAY, now + 1, 0};
    daleel_gap_report *rep = NULL;
    daleel_status st = daleel_gaps_report(fb, &o, &rep);
    if (st != DALEEL_OK) {
        if (st == DALEEL_EBUSY)
            srv_add_header(r, "Retry-After", "5");
        srv_error(r, srv_http_status(st), NULL);
        return;
    }
    r->cache = "private, no-store";
    if (strcmp(format, "csv") == 0) {
        srv_respond(r, 200, "text/csv; charset=utf-8");
        daleel_gaps_csv(rep, &r->out);
    } else if (strcmp(format, "json") == 0) {
        daleel_buf b;
        daleel_buf_init(&b, SRV_MAX_PAGE);
        daleel_gaps_json(rep, &b);
        json_t *j = b.err == DALEEL_OK && b.data
                        ? json_loadb(b.data, b.len, 0, NULL) : NULL;
        daleel_buf_free(&b);
        if (j)
            json_object_set_new(j, "stale_translations", stale_list(r, lang));
        srv_json(r, j ? 200 : 500, j);
    } else {
        if (*lang)
            r->lang = daleel_lang_from_code(lang);
        json_t *ctx = srv_page_ctx(r);
        json_object_set_new(ctx, "gaps", html_ctx(r, rep, lang, days));
        json_object_set_new(ctx, "noindex", json_true());
        json_object_set_new(ctx, "page_title",
                            json_string(jstr(srv_i18n(r->lang), "gaps_title")));
        srv_render(r, 200, "gaps", ctx);
    }
    daleel_gap_report_free(rep);
}

/* ---- Most helpful articles (home page) ---------------------------------------------- */

typedef struct {
    char slug[DALEEL_FEEDBACK_MAX_SLUG + 1];
    char lang[4];
    double score;
} top_item;

#define TOP_MAX 64
#define TOP_REFRESH_MS (5 * 60 * 1000)

static pthread_mutex_t top_lock = PTHREAD_MUTEX_INITIALIZER;
static top_item top[TOP_MAX];
static size_t n_top;
static int64_t top_ms;

static int by_score(const void *a, const void *b)
{
    const top_item *x = a, *y = b;
    return x->score < y->score ? 1 : x->score > y->score ? -1 : 0;
}

static void refresh_top(void)
{
    daleel_feedback *fb = srv_feedback();
    if (!fb)
        return;
    int64_t now = (int64_t)time(NULL);
    daleel_gaps_opts o = {NULL, now - 89 * DAY, now + 1, 1000};
    daleel_gap_report *rep = NULL;
    if (daleel_gaps_report(fb, &o, &rep) != DALEEL_OK)
        return;
    n_top = 0;
    /* The report lists the worst first; the best are at its end. */
    for (size_t i = rep->n_articles; i-- > 0 && n_top < TOP_MAX;) {
        const daleel_gap_article *a = &rep->articles[i];
        if (a->yes == 0 || a->wilson_lower < 0.2)
            continue;
        snprintf(top[n_top].slug, sizeof top[n_top].slug, "%s", a->slug);
        snprintf(top[n_top].lang, sizeof top[n_top].lang, "%s",
                 a->lang ? a->lang : "");
        top[n_top].score = a->wilson_lower;
        n_top++;
    }
    qsort(top, n_top, sizeof top[0], by_score);
    daleel_gap_report_free(rep);
}

json_t *srv_popular(srv_req *r)
{
    top_item mine[TOP_MAX];
    size_t n;
    pthread_mutex_lock(&top_lock);
    int64_t now = srv_now_ms();
    if (!top_ms || now - top_ms > TOP_REFRESH_MS) {
        top_ms = now;
        refresh_top();
    }
    n = n_top;
    memcpy(mine, top, n * sizeof top[0]);
    pthread_mutex_unlock(&top_lock);

    json_t *list = json_array();
    const char *lang = daleel_lang_code(r->lang);
    for (size_t i = 0; i < n && json_array_size(list) < 5; i++) {
        if (strcmp(mine[i].lang, lang) != 0)
            continue;
        json_t *doc = NULL;
        if (srv_load_article(r, mine[i].slug, &doc, NULL) != DALEEL_OK)
            continue;
        json_array_append_new(list, json_pack("{s:o,s:s,s:s,s:b,s:s}", "url",
            own_str(srv_article_path(r, mine[i].slug)), "title",
            jstr(doc, "title"), "lang", jstr(doc, "lang"), "internal",
            strcmp(jstr(doc, "audience"), "internal") == 0, "summary",
            jstr(doc, "summary")));
        json_decref(doc);
    }
    return list;
}

/* ---- Newest articles: the home page's list before any votes -------------- */

#define NEWEST_KEEP 10              /* candidates kept: some may be internal */
#define NEWEST_REFRESH_MS (60 * 1000)

typedef struct {
    unsigned docid;
    double updated;
} newest_item;

typedef struct {
    daleel_index *idx;
    newest_item v[NEWEST_KEEP];
    size_t n;
} newest_scan;

static int newest_add(void *ctx, unsigned docid)
{
    newest_scan *s = ctx;
    double u = daleel_index_get_number(s->idx, docid, DALEEL_SLOT_UPDATED);
    if (s->n == NEWEST_KEEP && u <= s->v[s->n - 1].updated)
        return 0;
    size_t i = s->n < NEWEST_KEEP ? s->n++ : s->n - 1;
    while (i > 0 && s->v[i - 1].updated < u) {
        s->v[i] = s->v[i - 1];
        i--;
    }
    s->v[i].docid = docid;
    s->v[i].updated = u;
    return 0;
}

/* Per language, the slugs of the newest articles: one pass over the
 * language's postings reading a value, redone at most once a minute so a
 * big help center's home page does not scan it on every view. */
static pthread_mutex_t newest_lock = PTHREAD_MUTEX_INITIALIZER;
static char newest_slug[2][NEWEST_KEEP][DALEEL_FEEDBACK_MAX_SLUG + 1];
static size_t n_newest[2];
static int64_t newest_ms[2];

json_t *srv_newest(srv_req *r)
{
    json_t *list = json_array();
    int li = r->lang == DALEEL_LANG_AR ? 1 : 0;
    char mine[NEWEST_KEEP][DALEEL_FEEDBACK_MAX_SLUG + 1];
    size_t n;
    pthread_mutex_lock(&newest_lock);
    int64_t now = srv_now_ms();
    daleel_index *idx = srv_index();
    if (idx && (!newest_ms[li] || now - newest_ms[li] > NEWEST_REFRESH_MS)) {
        newest_scan s = { idx, {{0, 0}}, 0 };
        char term[8];
        snprintf(term, sizeof term, "%s%s", DALEEL_PREFIX_LANG,
                 li ? "ar" : "en");
        if (daleel_index_postings(idx, term, newest_add, &s) == DALEEL_OK) {
            newest_ms[li] = now;
            n_newest[li] = 0;
            for (size_t i = 0; i < s.n; i++) {
                char *slug = NULL;
                size_t len;
                if (daleel_index_get_value(idx, s.v[i].docid, DALEEL_SLOT_SLUG,
                                           &slug, &len) == DALEEL_OK && slug &&
                    len < sizeof newest_slug[li][0])
                    memcpy(newest_slug[li][n_newest[li]++], slug, len + 1);
                free(slug);
            }
        }
    }
    n = n_newest[li];
    memcpy(mine, newest_slug[li], n * sizeof mine[0]);
    pthread_mutex_unlock(&newest_lock);

    for (size_t i = 0; i < n && json_array_size(list) < 5; i++) {
        json_t *doc = NULL;
        if (srv_load_article(r, mine[i], &doc, NULL) != DALEEL_OK)
            continue;
        json_t *o = json_pack("{s:o,s:s,s:s,s:b,s:s}", "url",
            own_str(srv_article_path(r, mine[i])), "title",
            jstr(doc, "title"), "lang", jstr(doc, "lang"), "internal",
            strcmp(jstr(doc, "audience"), "internal") == 0, "summary",
            jstr(doc, "summary"));
        json_int_t updated = json_integer_value(json_object_get(doc, "updated"));
        if (o && updated > 0) {
            char iso[16], when[48];
            srv_iso_date(updated, iso);
            srv_date_text(r->lang, updated, when);
            json_object_set_new(o, "updated_iso", json_string(iso));
            json_object_set_new(o, "updated_text", json_string(when));
        }
        json_array_append_new(list, o);
        json_decref(doc);
    }
    return list;
}
