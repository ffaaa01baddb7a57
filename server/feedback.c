/* feedback.c: the reader's side of "Did this help?" (issue 6): POST
 * /feedback from the article's form, the signed reply links /f/<token>
 * that agents paste under an answer (GET shows a confirmation and records
 * nothing; the POST of that page records the vote), and POST /gap, the
 * "didn't find it" report of a results page.
 *
 * Every form carries a token signed by the server: bound to the article
 * (or to the gap form) and to a time window, so a vote cannot be forged
 * for another article or replayed forever.  A filled honeypot field is
 * thanked and dropped; each address has a token bucket; a vote answers
 * success only once lib/feedback has committed it, and 503 when the
 * database was locked or full.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daleel/crypto.h"
#include "server.h"

#define DAY 86400
#define LINK_DAYS 30

static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* Form tokens are the same for a whole UTC day (so the page stays
 * cacheable) and valid until the end of the next day: at least 24 hours
 * to answer, at most 48. */
static int64_t form_expiry(void)
{
    int64_t day = (int64_t)time(NULL) / DAY;
    return (day + 2) * DAY - 1;
}

char *srv_feedback_token(const char *slug)
{
    daleel_buf b;
    daleel_buf_init(&b, DALEEL_FEEDBACK_MAX_SLUG + 16);
    daleel_buf_printf(&b, "fb:%s", slug);
    char *t = b.err == DALEEL_OK ? srv_sign(b.data, form_expiry()) : NULL;
    daleel_buf_free(&b);
    return t;
}

char *srv_gap_token(void)
{
    return srv_sign("gap", form_expiry());
}

static char *link_token(const char *slug, int helpful)
{
    daleel_buf b;
    daleel_buf_init(&b, DALEEL_FEEDBACK_MAX_SLUG + 16);
    daleel_buf_printf(&b, "r:%d:%s", helpful ? 1 : 0, slug);
    int64_t day = (int64_t)time(NULL) / DAY;
    char *t = b.err == DALEEL_OK
                  ? srv_sign(b.data, (day + LINK_DAYS + 1) * DAY - 1) : NULL;
    daleel_buf_free(&b);
    return t;
}

void srv_reply_links(srv_req *r, const char *slug, char **yes, char **no)
{
    for (int k = 0; k < 2; k++) {
        char **out = k ? no : yes;
        char *t = link_token(slug, !k);
        daleel_buf b;
        daleel_buf_init(&b, 8192);
        daleel_buf_printf(&b, "%s/f/%s", srv_base_url(r), t ? t : "");
        free(t);
        *out = daleel_buf_steal(&b, NULL);
    }
}

/* ---- Shared steps -------------------------------------------------------- */

static int rate_limited(srv_req *r)
{
    unsigned wait = srv_rate_take(SRV_RL_VOTE, r->ip);
    if (!wait)
        return 0;
    char s[16];
    snprintf(s, sizeof s, "%u", wait);
    srv_add_header(r, "Retry-After", s);
    srv_error(r, 429, json_pack("{s:i}", "retry_after", (int)wait));
    return 1;
}

static int honeypot(srv_req *r)
{
    const char *h = srv_f(r, "website");
    return h && *h;
}

/* Trim 'text' to SRV_MAX_COMMENT_CHARS characters; '*trimmed' says so. */
static size_t comment_len(const char *text, int *trimmed)
{
    size_t n = text ? strlen(text) : 0;
    size_t keep = srv_utf8_prefix(text ? text : "", n, SRV_MAX_COMMENT_CHARS);
    *trimmed = keep < n;
    return keep;
}

/* Answer a stored (or silently dropped) vote or report. */
static void thanks(srv_req *r, json_t *article, int vote, int helpful,
                   int replaced, int trimmed, int stored)
{
    const char *q = srv_f(r, "q");
    if (r->wants_json) {
        json_decref(article);
        srv_json(r, 200, json_pack("{s:b,s:b,s:b,s:b,s:b}", "ok", 1,
            "stored", stored, "helpful", helpful, "replaced", replaced,
            "trimmed", trimmed));
        return;
    }
    json_t *ctx = srv_page_ctx(r);
    if (vote)
        json_object_set_new(ctx, "vote", json_pack("{s:b,s:b,s:b}",
            "helpful", helpful, "replaced", replaced, "trimmed", trimmed));
    else
        json_object_set_new(ctx, "gap", json_pack("{s:b,s:s,s:b}", "is", 1,
                                                   "q", q ? q : "",
                                                   "trimmed", trimmed));
    if (article)
        json_object_set_new(ctx, "article", article);
    json_object_set_new(ctx, "prefill", json_string(""));
    json_object_set_new(ctx, "noindex", json_true());
    /* The "search again" form below, unless the article helped: then the
     * header's form is the only one. */
    json_object_set_new(ctx, "big_search", json_boolean(!(vote && helpful)));
    json_object_set_new(ctx, "page_title",
                        json_string(jstr(srv_i18n(r->lang), "thanks_title")));
    srv_render(r, 200, "thanks", ctx);
}

static json_t *article_ctx(srv_req *r, const char *slug, json_t *doc)
{
    daleel_searcher *s = srv_searcher();
    char *path = srv_article_path(r, slug);
    json_t *a = json_pack("{s:s,s:s}", "url", path ? path : "", "title",
                          jstr(doc, "title"));
    free(path);
    if (s)
        json_object_set_new(a, "related", srv_article_related(r, s, slug));
    return a;
}

/* 403 for a missing, forged or expired token, with a way back to the
 * article, whose page carries a fresh form. */
static void refused(srv_req *r, int verdict, const char *slug)
{
    json_t *extra = json_object();
    if (slug) {
        char *p = srv_article_path(r, slug);
        if (p)
            json_object_set_new(extra, "retry_url", json_string(p));
        free(p);
    }
    json_object_set_new(extra, "reason", json_string(
        verdict == DALEEL_TOKEN_EXPIRED ? "expired" : "invalid"));
    srv_error(r, 403, extra);
}

/* Map the form's reason codes (and the library's own) to a reason. */
static int reason_of(const char *code)
{
    static const struct {
        const char *form;
        daleel_reason reason;
    } map[] = {
        {"outdated", DALEEL_REASON_OUTDATED},
        {"not_answered", DALEEL_REASON_UNANSWERED},
        {"hard_to_follow", DALEEL_REASON_UNCLEAR},
        {"other", DALEEL_REASON_OTHER},
    };
    if (!code || !*code)
        return DALEEL_REASON_NONE;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(code, map[i].form) == 0)
            return (int)map[i].reason;
    return daleel_reason_from_code(code);
}

static void store_status_error(srv_req *r, daleel_status st, daleel_feedback *fb)
{
    if (st == DALEEL_EBUSY || !fb) {
        /* Never a success for a vote we did not store. */
        srv_add_header(r, "Retry-After", "5");
        srv_error(r, 503, json_pack("{s:i}", "retry_after", 5));
        return;
    }
    fprintf(stderr, "daleel-serve: feedback: %s\n", daleel_feedback_errmsg(fb));
    srv_error(r, st == DALEEL_ETOOBIG ? 413 : 500, NULL);
}

/* Record a vote for 'slug' (already checked) and answer. */
static void record_vote(srv_req *r, const char *slug, json_t *doc, int helpful,
                        int reason, const char *comment, int64_t search_id)
{
    int trimmed;
    size_t clen = comment_len(comment, &trimmed);
    daleel_feedback *fb = srv_feedback();
    if (!fb) {
        store_status_error(r, DALEEL_EBUSY, NULL);
        return;
    }
    const char *ua = srv_header(r, "User-Agent");
    daleel_vote_rec v = {0};
    v.slug = slug;
    v.lang = jstr(doc, "lang");
    v.helpful = helpful;
    v.reason = helpful ? DALEEL_REASON_NONE : (daleel_reason)reason;
    v.comment = comment;
    v.comment_len = comment ? clen : 0;
    v.search_id = search_id;
    v.ip = r->ip;
    v.user_agent = ua ? ua : "";
    int replaced = 0;
    daleel_status st = daleel_feedback_record_vote(fb, &v, NULL, &replaced);
    if (st != DALEEL_OK) {
        store_status_error(r, st, fb);
        return;
    }
    thanks(r, article_ctx(r, slug, doc), 1, helpful, replaced, trimmed, 1);
}

static int64_t search_of(const char *s)
{
    if (!s || !*s)
        return 0;
    char *end;
    errno = 0;
    long long id = strtoll(s, &end, 10);
    if (errno || *end || id <= 0)
        return 0;
    return srv_log_db_id(id);
}

/* ---- POST /feedback ---------------------------------------------------------- */

void srv_feedback_post(srv_req *r)
{
    const char *slug = srv_f(r, "slug");
    if (slug && strncmp(slug, "ar/", 3) == 0)
        r->lang = DALEEL_LANG_AR;
    if (rate_limited(r))
        return;
    const char *vote = srv_f(r, "vote");
    int helpful = vote && strcmp(vote, "yes") == 0;
    if (honeypot(r)) {
        thanks(r, NULL, 1, helpful, 0, 0, 0);
        return;
    }
    if (!slug || !*slug || strlen(slug) > DALEEL_FEEDBACK_MAX_SLUG) {
        srv_error(r, 400, NULL);
        return;
    }
    json_t *doc = NULL;
    daleel_status st = srv_load_article(r, slug, &doc, NULL);
    if (st != DALEEL_OK) {
        srv_error(r, srv_http_status(st), NULL);
        return;
    }
    r->lang = daleel_lang_from_code(jstr(doc, "lang"));
    char *payload = NULL;
    int verdict = srv_verify(srv_f(r, "token"), &payload);
    int bound = payload && strncmp(payload, "fb:", 3) == 0 &&
                strcmp(payload + 3, slug) == 0;
    free(payload);
    if (verdict != DALEEL_TOKEN_VALID || !bound) {
        refused(r, bound ? verdict : DALEEL_TOKEN_FORGED, slug);
        json_decref(doc);
        return;
    }
    if (!vote || (strcmp(vote, "yes") != 0 && strcmp(vote, "no") != 0)) {
        json_decref(doc);
        srv_error(r, 400, NULL);
        return;
    }
    int reason = reason_of(srv_f(r, "reason"));
    if (reason < 0) {
        json_decref(doc);
        srv_error(r, 400, NULL);
        return;
    }
    record_vote(r, slug, doc, helpful, reason, srv_f(r, "comment"),
                search_of(srv_f(r, "s")));
    json_decref(doc);
}

/* ---- /f/<token> -------------------------------------------------------------- */

void srv_feedback_link(srv_req *r, const char *token)
{
    char *payload = NULL;
    int verdict = srv_verify(token, &payload);
    const char *slug = NULL;
    int helpful = 0;
    if (payload && strncmp(payload, "r:", 2) == 0 &&
        (payload[2] == '0' || payload[2] == '1') && payload[3] == ':' &&
        payload[4]) {
        helpful = payload[2] == '1';
        slug = payload + 4;
    }
    if (slug && strncmp(slug, "ar/", 3) == 0)
        r->lang = DALEEL_LANG_AR;
    if (r->is_post && rate_limited(r)) {
        free(payload);
        return;
    }
    if (verdict != DALEEL_TOKEN_VALID || !slug) {
        refused(r, slug ? verdict : DALEEL_TOKEN_FORGED, slug);
        free(payload);
        return;
    }
    if (r->is_post && honeypot(r)) {
        thanks(r, NULL, 1, helpful, 0, 0, 0);
        free(payload);
        return;
    }
    json_t *doc = NULL;
    /* A reply link works for the customer, who has no agent token, even
     * for an internal article: the link itself is the permission. */
    int agent_ok = r->agent_ok;
    r->agent_ok = 1;
    daleel_status st = srv_load_article(r, slug, &doc, NULL);
    r->agent_ok = agent_ok;
    if (st != DALEEL_OK) {
        srv_error(r, srv_http_status(st), NULL);
        free(payload);
        return;
    }
    r->lang = daleel_lang_from_code(jstr(doc, "lang"));
    if (r->is_post) {
        record_vote(r, slug, doc, helpful, DALEEL_REASON_NONE,
                    srv_f(r, "comment"), 0);
    } else {
        /* GET records nothing: link previewers and mail scanners fetch
         * every link, and must never vote. */
        char *other = link_token(slug, !helpful);
        char *path = strcmp(jstr(doc, "audience"), "internal") == 0
                         ? NULL : srv_article_path(r, slug);
        daleel_buf act, oth;
        daleel_buf_init(&act, 8192);
        daleel_buf_init(&oth, 8192);
        daleel_buf_printf(&act, "/f/%s", token);
        daleel_buf_printf(&oth, "/f/%s", other ? other : "");
        json_t *ctx = srv_page_ctx(r);
        json_object_set_new(ctx, "confirm", json_pack(
            "{s:s,s:s,s:b,s:s,s:s,s:s}", "article_url", path ? path : "",
            "article_title", jstr(doc, "title"), "helpful", helpful,
            "action", act.data ? act.data : "", "token", token,
            "other_url", oth.data ? oth.data : ""));
        json_object_set_new(ctx, "noindex", json_true());
        json_object_set_new(ctx, "page_title", json_string(
            jstr(srv_i18n(r->lang), "confirm_title")));
        srv_render(r, 200, "confirm", ctx);
        daleel_buf_free(&act);
        daleel_buf_free(&oth);
        free(other);
        free(path);
    }
    json_decref(doc);
    free(payload);
}

/* ---- POST /gap --------------------------------------------------------------- */

void srv_gap_post(srv_req *r)
{
    const char *q = srv_f(r, "q");
    const char *lang = srv_f(r, "lang");
    daleel_lang l = daleel_lang_from_code(lang);
    if (l != DALEEL_LANG_NONE)
        r->lang = l;
    if (rate_limited(r))
        return;
    if (honeypot(r)) {
        thanks(r, NULL, 0, 0, 0, 0, 0);
        return;
    }
    char *payload = NULL;
    int verdict = srv_verify(srv_f(r, "token"), &payload);
    int bound = payload && strcmp(payload, "gap") == 0;
    free(payload);
    if (verdict != DALEEL_TOKEN_VALID || !bound) {
        json_t *extra = json_object();
        if (q && *q) {
            char *u = srv_search_url(r, q, NULL, NULL, 1, 0);
            if (u)
                json_object_set_new(extra, "retry_url", json_string(u));
            free(u);
        }
        srv_error(r, 403, extra);
        return;
    }
    const char *text = srv_f(r, "text");
    int trimmed;
    size_t tlen = comment_len(text, &trimmed);
    daleel_feedback *fb = srv_feedback();
    if (!fb) {
        store_status_error(r, DALEEL_EBUSY, NULL);
        return;
    }
    daleel_gap_rec g = {0};
    g.query = q ? q : "";
    g.query_len = q ? strlen(q) : 0;
    g.lang = daleel_lang_code(l);
    g.comment = text;
    g.comment_len = text ? tlen : 0;
    daleel_status st = daleel_feedback_record_gap(fb, &g, NULL);
    if (st != DALEEL_OK) {
        store_status_error(r, st, fb);
        return;
    }
    thanks(r, NULL, 0, 0, 0, trimmed, 1);
}
