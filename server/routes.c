/* routes.c: which handler answers a request, by method and path, after
 * the checks every request goes through (an over-long or badly encoded
 * URI, an unreadable form) and the agent view's token.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "server.h"

static void method_not_allowed(srv_req *r, const char *allow)
{
    srv_add_header(r, "Allow", allow);
    srv_error(r, 405, NULL);
}

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* GET with ?token=<agent token> in a browser: keep the token in a cookie
 * and send the browser to the same address without it, so the token never
 * stays in the address bar, the history or a pasted link. */
static int token_to_cookie(srv_req *r)
{
    const char *t = srv_q(r, "token");
    if (!t || r->api || !r->is_get || !srv_token_is_agent(t))
        return 0;
    char *session = srv_session_make("agent", 12 * 3600);
    if (session) {
        daleel_buf b;
        daleel_buf_init(&b, 4096);
        daleel_buf_printf(&b, "daleel_agent=%s; Path=/; Max-Age=43200; "
                          "HttpOnly; SameSite=Lax%s", session,
                          srv.base_url && strncmp(srv.base_url, "https:", 6) == 0
                              ? "; Secure" : "");
        if (b.err == DALEEL_OK)
            srv_add_header(r, "Set-Cookie", b.data);
        daleel_buf_free(&b);
        free(session);
    }
    daleel_buf u;
    daleel_buf_init(&u, 8192);
    daleel_buf_puts(&u, r->raw_uri);
    char *qm = u.data ? strchr(u.data, '?') : NULL;
    if (qm) {
        /* Rebuild the query without the token. */
        u.len = (size_t)(qm - u.data);
        u.data[u.len] = '\0';
        int first = 1;
        for (size_t i = 0; i < r->n_query; i++) {
            if (strcmp(r->query[i].name, "token") == 0)
                continue;
            daleel_buf_putc(&u, first ? '?' : '&');
            first = 0;
            daleel_buf_append_url(&u, r->query[i].name,
                                  strlen(r->query[i].name));
            daleel_buf_putc(&u, '=');
            daleel_buf_append_url(&u, r->query[i].value,
                                  r->query[i].value_len);
        }
    }
    srv_redirect(r, 303, u.err == DALEEL_OK && u.data ? u.data : "/");
    daleel_buf_free(&u);
    return 1;
}

void srv_route(srv_req *r)
{
    r->lang = DALEEL_LANG_EN;
    if (r->long_query) {
        r->lang = srv_pick_lang(r, NULL);
        srv_error(r, 414, NULL);
        return;
    }
    if (r->bad_uri || !r->path || r->path[0] != '/') {
        srv_error(r, 400, NULL);
        return;
    }
    r->lang = srv_pick_lang(r, NULL);
    r->agent_ok = srv_is_agent(r);
    const char *aud = srv_q(r, "audience");
    r->agent = r->agent_ok && aud && strcmp(aud, "internal") == 0;
    if (r->bad_form) {
        srv_error(r, 400, NULL);
        return;
    }
    const char *p = r->path;
    int get = r->is_get, post = r->is_post;

    if (token_to_cookie(r))
        return;

    if (strcmp(p, "/") == 0) {
        if (get)
            srv_page_home(r);
        else
            method_not_allowed(r, "GET, HEAD");
    } else if (strcmp(p, "/search") == 0) {
        if (get)
            srv_page_search(r);
        else
            method_not_allowed(r, "GET, HEAD");
    } else if (starts(p, "/a/") && p[3]) {
        if (get)
            srv_page_article(r, p + 3);
        else
            method_not_allowed(r, "GET, HEAD");
    } else if (starts(p, "/static/")) {
        if (get)
            srv_static(r, p + 8);
        else
            method_not_allowed(r, "GET, HEAD");
    } else if (strcmp(p, "/api/search") == 0) {
        if (get)
            srv_api_search(r);
        else
            method_not_allowed(r, "GET, HEAD");
    } else if (strcmp(p, "/api/suggest") == 0) {
        if (get)
            srv_api_suggest(r);
        else
            method_not_allowed(r, "GET, HEAD");
    } else if (starts(p, "/api/articles/") && p[14]) {
        if (get)
            srv_api_article(r, p + 14);
        else
            method_not_allowed(r, "GET, HEAD");
    } else if (strcmp(p, "/opensearch.xml") == 0) {
        if (get)
            srv_page_opensearch(r);
        else
            method_not_allowed(r, "GET, HEAD");
    } else if (strcmp(p, "/feedback") == 0) {
        if (post)
            srv_feedback_post(r);
        else
            method_not_allowed(r, "POST");
    } else if (starts(p, "/f/") && p[3]) {
        if (get || post)
            srv_feedback_link(r, p + 3);
        else
            method_not_allowed(r, "GET, HEAD, POST");
    } else if (strcmp(p, "/gap") == 0) {
        if (post)
            srv_gap_post(r);
        else
            method_not_allowed(r, "POST");
    } else if (strcmp(p, "/gaps") == 0 || strcmp(p, "/gaps.csv") == 0 ||
               strcmp(p, "/gaps.json") == 0) {
        if (get)
            srv_gaps_page(r, p[5] == '.' ? p + 6 : "html");
        else
            method_not_allowed(r, "GET, HEAD");
    } else if (strcmp(p, "/gaps/login") == 0) {
        if (get || post)
            srv_gaps_login(r);
        else
            method_not_allowed(r, "GET, HEAD, POST");
    } else if (strcmp(p, "/robots.txt") == 0 && get) {
        srv_respond(r, 200, "text/plain; charset=utf-8");
        daleel_buf_puts(&r->out, "User-agent: *\nDisallow: /search\n"
                        "Disallow: /api/\nDisallow: /f/\nDisallow: /gaps\n");
        r->cache = "public, max-age=86400";
    } else if (strcmp(p, "/healthz") == 0 && get) {
        srv_respond(r, 200, "text/plain; charset=utf-8");
        daleel_buf_puts(&r->out, srv_searcher() ? "ok\n" : "no index\n");
        if (!srv_searcher())
            r->status = 503;
    } else {
        srv_page_not_found(r);
    }
}
