/* views.c: pieces of page contexts that several pages share (see
 * templates/README.md for each page's context): the language and
 * direction of a page, the UI strings, links to articles and searches,
 * highlighted snippets and Markdown links for agents.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "daleel/buf.h"
#include "server.h"

json_t *srv_i18n(daleel_lang lang)
{
    return lang == DALEEL_LANG_AR ? srv.i18n_ar : srv.i18n_en;
}

daleel_lang srv_other_lang(daleel_lang l)
{
    return l == DALEEL_LANG_AR ? DALEEL_LANG_EN : DALEEL_LANG_AR;
}

const char *srv_site_name(daleel_lang lang)
{
    daleel_lang l = lang == DALEEL_LANG_AR ? DALEEL_LANG_AR : DALEEL_LANG_EN;
    json_t *name = json_object_get(srv_site(), "name");
    const char *v = json_string_value(json_object_get(name,
                                                      daleel_lang_code(l)));
    if (v && *v)
        return v;
    v = json_string_value(json_object_get(srv_i18n(l), "site_name"));
    return v ? v : "";
}

const char *srv_category_name(daleel_lang lang, const char *folder)
{
    daleel_lang l = lang == DALEEL_LANG_AR ? DALEEL_LANG_AR : DALEEL_LANG_EN;
    json_t *c = json_object_get(json_object_get(srv_site(), "categories"),
                                folder ? folder : "");
    const char *v = json_string_value(json_object_get(c, daleel_lang_code(l)));
    return v && *v ? v : folder ? folder : "";
}

json_t *srv_page_ctx(srv_req *r)
{
    daleel_lang l = r->lang == DALEEL_LANG_AR ? DALEEL_LANG_AR : DALEEL_LANG_EN;
    json_t *ctx = json_object();
    if (!ctx)
        return NULL;
    json_object_set_new(ctx, "lang", json_string(daleel_lang_code(l)));
    json_object_set_new(ctx, "dir", json_string(l == DALEEL_LANG_AR ? "rtl"
                                                                    : "ltr"));
    json_object_set(ctx, "t", srv_i18n(l));
    json_object_set_new(ctx, "agent", json_boolean(r->agent));
    json_object_set_new(ctx, "site_name", json_string(srv_site_name(l)));
    json_object_set_new(ctx, "base_url", json_string(srv_base_url(r)));
    return ctx;
}

/* RFC 9110 12.5.4: the language the reader's browser prefers most, among
 * the two we have. */
static daleel_lang accept_language(srv_req *r)
{
    const char *a = srv_header(r, "Accept-Language");
    if (!a)
        return DALEEL_LANG_NONE;
    daleel_lang best = DALEEL_LANG_NONE;
    double best_q = 0;
    const char *p = a;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *tag = p;
        while (*p && *p != ',' && *p != ';' && *p != ' ')
            p++;
        size_t n = (size_t)(p - tag);
        double q = 1.0;
        while (*p == ' ')
            p++;
        if (*p == ';') {
            const char *qs = strstr(p, "q=");
            const char *comma = strchr(p, ',');
            if (qs && (!comma || qs < comma))
                q = strtod(qs + 2, NULL);
        }
        while (*p && *p != ',')
            p++;
        daleel_lang l = DALEEL_LANG_NONE;
        if (n >= 2 && (n == 2 || tag[2] == '-')) {
            if (strncasecmp(tag, "ar", 2) == 0)
                l = DALEEL_LANG_AR;
            else if (strncasecmp(tag, "en", 2) == 0)
                l = DALEEL_LANG_EN;
        }
        if (l != DALEEL_LANG_NONE && q > best_q) {
            best = l;
            best_q = q;
        }
    }
    return best;
}

daleel_lang srv_pick_lang(srv_req *r, const char *q)
{
    daleel_lang l = daleel_lang_from_code(srv_q(r, "lang"));
    if (l != DALEEL_LANG_NONE)
        return l;
    if (q && *q && (l = daleel_guess_lang(q, strlen(q))) != DALEEL_LANG_NONE)
        return l;
    if ((l = accept_language(r)) != DALEEL_LANG_NONE)
        return l;
    return DALEEL_LANG_EN;
}

char *srv_article_path(srv_req *r, const char *slug)
{
    daleel_buf b;
    daleel_buf_init(&b, 4096);
    daleel_buf_puts(&b, "/a/");
    srv_append_slug(&b, slug);
    if (r && r->agent)
        daleel_buf_puts(&b, "?audience=internal");
    return daleel_buf_steal(&b, NULL);
}

char *srv_article_url(srv_req *r, const char *slug)
{
    daleel_buf b;
    daleel_buf_init(&b, 4096);
    daleel_buf_puts(&b, srv_base_url(r));
    daleel_buf_puts(&b, "/a/");
    srv_append_slug(&b, slug);
    return daleel_buf_steal(&b, NULL);
}

static void add_param(daleel_buf *b, int *first, const char *name,
                      const char *v)
{
    if (!v || !*v)
        return;
    daleel_buf_putc(b, *first ? '?' : '&');
    *first = 0;
    daleel_buf_puts(b, name);
    daleel_buf_putc(b, '=');
    daleel_buf_append_url(b, v, strlen(v));
}

char *srv_search_url(srv_req *r, const char *q, const char *lang,
                     const char *category, unsigned page, int no_correct)
{
    daleel_buf b;
    daleel_buf_init(&b, 8192);
    daleel_buf_puts(&b, "/search");
    int first = 1;
    add_param(&b, &first, "q", q);
    add_param(&b, &first, "lang", lang);
    add_param(&b, &first, "category", category);
    if (page > 1) {
        char n[16];
        snprintf(n, sizeof n, "%u", page);
        add_param(&b, &first, "page", n);
    }
    if (no_correct)
        add_param(&b, &first, "nc", "1");
    if (r && r->agent)
        add_param(&b, &first, "audience", "internal");
    if (first)
        daleel_buf_putc(&b, '?');   /* "/search?" rather than "/search" */
    return daleel_buf_steal(&b, NULL);
}

void srv_iso_time(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void srv_iso_date(int64_t t, char out[16])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 16, "%Y-%m-%d", &tm);
}

void srv_date_text(daleel_lang lang, int64_t t, char out[48])
{
    /* Written out, not by locale: the server runs in the C locale.  Arabic
     * uses the month names of the Gulf and Egypt with Western digits, as
     * the region's shops and the articles themselves write dates. */
    static const char *const en[12] = {
        "January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December"};
    static const char *const ar[12] = {
        "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو",
        "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"};
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    snprintf(out, 48, "%d %s %d", tm.tm_mday,
             (lang == DALEEL_LANG_AR ? ar : en)[tm.tm_mon % 12],
             tm.tm_year + 1900);
}

json_t *srv_snippet_html(const daleel_hit *h)
{
    daleel_buf b;
    daleel_buf_init(&b, 64 * 1024);
    const char *s = h->snippet ? h->snippet : "";
    size_t n = strlen(s), at = 0;
    /* Escape first, then mark: the spans are byte offsets into the plain
     * snippet, so each piece is escaped on its own and the marks are the
     * only markup we add. */
    for (size_t i = 0; i < h->n_marks; i++) {
        size_t st = h->marks[i].start, len = h->marks[i].len;
        if (st < at || st > n || len > n - st)
            continue;       /* out of order or out of range: skip it */
        daleel_buf_append_html(&b, s + at, st - at);
        daleel_buf_puts(&b, "<mark>");
        daleel_buf_append_html(&b, s + st, len);
        daleel_buf_puts(&b, "</mark>");
        at = st + len;
    }
    daleel_buf_append_html(&b, s + at, n - at);
    if (b.err != DALEEL_OK) {
        daleel_buf_free(&b);
        return json_string("");
    }
    json_t *j = json_stringn(b.data ? b.data : "", b.len);
    daleel_buf_free(&b);
    return j;
}

json_t *srv_markdown_link(const char *title, const char *url)
{
    daleel_buf b;
    daleel_buf_init(&b, 16384);
    daleel_buf_putc(&b, '[');
    for (const char *p = title ? title : ""; *p; p++) {
        if (strchr("\\[]*_`<>", *p))
            daleel_buf_putc(&b, '\\');
        daleel_buf_putc(&b, *p);
    }
    daleel_buf_puts(&b, "](");
    daleel_buf_puts(&b, url);
    daleel_buf_putc(&b, ')');
    json_t *j = b.err == DALEEL_OK && b.data ? json_stringn(b.data, b.len)
                                              : json_string("");
    daleel_buf_free(&b);
    return j;
}
