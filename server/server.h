/* server.h: what the files of daleel-serve share: the server's settings
 * and loaded resources (one 'srv_app', read-only once the daemon runs), the
 * request context every handler appends its response to (the lwan model:
 * handlers never talk to libmicrohttpd), and the prototypes of each file's
 * entry points.  Internal to server/; names start with srv_.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DALEEL_SERVER_H
#define DALEEL_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "daleel/buf.h"
#include "daleel/daleel.h"
#include "daleel/feedback.h"
#include "daleel/search.h"
#include "daleel/text.h"
#include "daleel/tmpl.h"

struct MHD_Connection;

/* Limits on what a client may send or make us produce. */
#define SRV_MAX_QUERY 1000          /* bytes of query string: above, 414 */
#define SRV_MAX_PATH 2048           /* bytes of raw path */
#define SRV_MAX_BODY (16u * 1024)   /* bytes of a POST body: above, 413 */
#define SRV_MAX_DISCARD (1024u * 1024) /* dropped body bytes before we hang up */
#define SRV_MAX_PARAMS 64           /* name=value pairs in a query or form */
#define SRV_MAX_PAGE (8u * 1024 * 1024)  /* bytes of a response body */
#define SRV_MAX_HEADERS 12          /* extra response headers per request */
#define SRV_MAX_COMMENT_CHARS 500   /* characters of a feedback comment */
#define SRV_PAGE_SIZE 10            /* results per page */
#define SRV_MAX_PAGES 100           /* deepest result page */
#define SRV_API_MAX_LIMIT 50

/* ---- Static files (static.c) ------------------------------------------- */

typedef struct {
    char *name;             /* path under the static folder: "app.js" */
    const char *ctype;
    unsigned char *data;
    size_t len;
    unsigned char *gz;      /* gzip of data, or NULL when not worth it */
    size_t gz_len;
    char etag[24];          /* quoted content hash */
} srv_static_file;

/* ---- The server ---------------------------------------------------------- */

typedef struct {
    /* Options. */
    char *index_dir;
    char *templates_dir;
    char *static_dir;
    char *base_url;         /* without trailing '/', or NULL: from Host */
    char *feedback_db;
    char *admin_token;
    char *agent_token;      /* or NULL */
    char *secret_file;      /* or NULL */
    char *listen_host;
    unsigned port;
    unsigned threads;
    unsigned max_conn_per_ip;
    unsigned retention_days;    /* 0: never purge */
    unsigned vote_limit;        /* votes per address per minute */
    unsigned search_log_limit;  /* logged searches per address per minute */
    int access_log;             /* one line per request on stdout */
    int search_log;             /* record searches and clicks */
    int search_cache;           /* keep recent results per thread (cache.c) */
    int64_t feedback_max_bytes; /* cap on the feedback database */
    int trust_proxy;            /* client address from X-Forwarded-For */

    /* Loaded at start. */
    daleel_tmpl_set *tmpl;
    json_t *i18n_en, *i18n_ar;  /* UI strings */
    unsigned char secret[32];   /* signs forms, links and cookies */
    srv_static_file *statics;
    size_t n_statics;
    int64_t start_time;
} srv_app;

extern srv_app srv;

/* ---- Requests ------------------------------------------------------------ */

typedef struct {
    char *name;
    char *value;            /* decoded, valid UTF-8, NUL-terminated */
    size_t value_len;
} srv_param;

typedef struct srv_req {
    struct MHD_Connection *conn;
    struct timespec t0;
    char *raw_uri;          /* as the client sent it */
    const char *method;     /* owned by libmicrohttpd */
    int is_get;             /* GET or HEAD */
    int is_head;
    int is_post;
    int started;
    int bad_uri;            /* 400: bad percent-encoding or UTF-8 */
    int long_query;         /* 414 */
    char *path;             /* decoded path, NUL-terminated */
    srv_param *query;
    size_t n_query;
    srv_param *form;        /* POST application/x-www-form-urlencoded */
    size_t n_form;
    int bad_form;
    daleel_buf body;        /* the POST body, capped at SRV_MAX_BODY */
    int body_too_big;
    unsigned long long discarded;   /* body bytes dropped past the cap */
    char ip[64];
    int wants_json;         /* an /api/ path, or Accept: application/json */
    int api;                /* under /api/: errors as JSON */

    /* The page's language and who is asking, set by the routes. */
    daleel_lang lang;
    int agent;              /* agent view allowed and asked for */
    int agent_ok;           /* holds an agent or admin token */

    /* The response, filled by the handler. */
    unsigned status;
    const char *ctype;
    daleel_buf out;
    const unsigned char *fixed;     /* a static file's bytes instead of 'out' */
    size_t fixed_len;
    const unsigned char *fixed_gz;
    size_t fixed_gz_len;
    const char *fixed_etag;
    const char *cache;      /* Cache-Control, or NULL for "no-store" */
    int etag;               /* answer with an ETag and honour If-None-Match */
    char *hdr_name[SRV_MAX_HEADERS];
    char *hdr_value[SRV_MAX_HEADERS];
    size_t n_hdrs;
    unsigned long long sent;    /* body bytes, for the log */
} srv_req;

/* ---- http.c: libmicrohttpd glue and response helpers --------------------- */

/* Start the daemon; NULL on failure (message printed). */
struct MHD_Daemon *srv_http_start(void);
/* Stop accepting, wait up to 'grace_ms' for requests in flight, stop. */
void srv_http_stop(struct MHD_Daemon *d, int grace_ms);

/* A request header, or NULL. */
const char *srv_header(srv_req *r, const char *name);
/* A cookie's value, or NULL. */
const char *srv_cookie(srv_req *r, const char *name);
/* Add a response header (copied); silently ignored past SRV_MAX_HEADERS. */
void srv_add_header(srv_req *r, const char *name, const char *value);
/* Start a response: status and content type; clears any body so far. */
void srv_respond(srv_req *r, unsigned status, const char *ctype);
/* 302/303 to 'location' (a path or an absolute URL). */
void srv_redirect(srv_req *r, unsigned status, const char *location);
/* The HTTP status for a library status (the only place that maps them). */
unsigned srv_http_status(daleel_status st);
/* Render template 'name' with 'ctx' (stolen) as the response body. */
void srv_render(srv_req *r, unsigned status, const char *name, json_t *ctx);
/* 'j' (stolen) as an application/json response. */
void srv_json(srv_req *r, unsigned status, json_t *j);
/* An error page (or JSON error for the API) for 'status'.  'extra' (stolen,
 * may be NULL) is merged into the page's "error" object (retry_url,
 * search_url, prefill, retry_after). */
void srv_error(srv_req *r, unsigned status, json_t *extra);
/* The absolute base URL of this server ("http://host:port"), from
 * --base-url or the Host header.  Static storage per thread. */
const char *srv_base_url(srv_req *r);
/* gzip (RFC 1952) of 'len' bytes; the caller frees it; NULL on failure. */
unsigned char *srv_gzip(const void *data, size_t len, size_t *out_len);
/* Milliseconds of a monotonic clock. */
int64_t srv_now_ms(void);

/* ---- url.c: decoding of what the client sent ----------------------------- */

/* 1 when the 'n' bytes at 's' are valid UTF-8 without NUL (no overlong
 * forms, surrogates or code points past U+10FFFF), else 0. */
int srv_utf8_valid(const char *s, size_t n);
/* 'uri' as an IRI for display (RFC 3987 3.2): escapes of whole UTF-8
 * characters decoded, ASCII escapes and bidi controls kept.  New string. */
char *srv_iri(const char *uri);
/* Number of code points of valid UTF-8 's'. */
size_t srv_utf8_chars(const char *s, size_t n);
/* Byte length of the first 'max_chars' code points of valid UTF-8 's'. */
size_t srv_utf8_prefix(const char *s, size_t n, size_t max_chars);
/* Percent-decode 'n' bytes (and '+' as space when 'plus'): '*out' is
 * NUL-terminated, the caller frees it.  -1 on a bad escape, a NUL or
 * invalid UTF-8 in the result; -2 on OOM; else 0. */
int srv_pct_decode(const char *s, size_t n, int plus, char **out,
                   size_t *out_len);
/* Parse "a=b&c=d" (RFC 3986 query, HTML form encoding) into '*out'.  -1 on
 * bad input or more than SRV_MAX_PARAMS pairs, -2 on OOM, else 0. */
int srv_parse_params(const char *s, size_t n, srv_param **out, size_t *n_out);
void srv_params_free(srv_param *p, size_t n);
/* The first value of 'name', or NULL. */
const char *srv_param_get(const srv_param *p, size_t n, const char *name);
/* The query parameter 'name' of the request, or NULL. */
const char *srv_q(srv_req *r, const char *name);
/* The form field 'name' of the request, or NULL. */
const char *srv_f(srv_req *r, const char *name);
/* Append 'slug' as a URL path: each segment percent-encoded, '/' kept. */
void srv_append_slug(daleel_buf *b, const char *slug);

/* ---- routes.c ------------------------------------------------------------ */

void srv_route(srv_req *r);

/* ---- views.c: page contexts shared by pages, feedback and gaps ----------- */

/* The UI strings of 'lang'. */
json_t *srv_i18n(daleel_lang lang);
/* A new page context for the request's language: lang, dir, t, agent. */
json_t *srv_page_ctx(srv_req *r);
/* The site's name in 'lang' from site.yaml, else the UI's default. */
const char *srv_site_name(daleel_lang lang);
/* A category folder's name in 'lang' from site.yaml, else the folder. */
const char *srv_category_name(daleel_lang lang, const char *folder);
/* The page language from ?lang, else the query's script, else
 * Accept-Language, else English. */
daleel_lang srv_pick_lang(srv_req *r, const char *q);
/* "/a/<slug>" (with "?audience=internal" in agent view) as a new string. */
char *srv_article_path(srv_req *r, const char *slug);
/* The same, absolute; never with the agent parameter. */
char *srv_article_url(srv_req *r, const char *slug);
/* A URL-safe search link: /search?q=..&lang=..&category=..&page=.. */
char *srv_search_url(srv_req *r, const char *q, const char *lang,
                     const char *category, unsigned page, int no_correct);
/* "2026-10-12T00:00:00Z" and "2026-10-12" of Unix time 't'. */
void srv_iso_time(int64_t t, char out[32]);
void srv_iso_date(int64_t t, char out[16]);
/* "12 October 2026" / "12 أكتوبر 2026" of Unix time 't' (UTC). */
void srv_date_text(daleel_lang lang, int64_t t, char out[48]);
/* The snippet of 'h' as HTML: escaped, with <mark> around its spans. */
json_t *srv_snippet_html(const daleel_hit *h);
/* "[title](url)" with Markdown's special characters of the title escaped. */
json_t *srv_markdown_link(const char *title, const char *url);
/* Lang-switch link target for a page: the other language. */
daleel_lang srv_other_lang(daleel_lang l);

/* ---- workers.c: one searcher and one feedback handle per thread --------- */

/* This thread's searcher, reopened on a new index revision (checked at most
 * every 500 ms); NULL when the index cannot be opened (the caller answers
 * 503). */
daleel_searcher *srv_searcher(void);
/* This thread's feedback handle; NULL when the database cannot be opened. */
daleel_feedback *srv_feedback(void);
/* This thread's read-only index handle (for browsing a category and the
 * translations report), kept at the searcher's revision. */
struct daleel_index *srv_index(void);
/* The site and category names of the index's site.yaml (docs/articles.md),
 * as stored in its "site" metadata, at the searcher's revision; NULL when
 * there are none.  Owned by this thread, valid until its next call. */
json_t *srv_site(void);
/* Close this thread's handles (also done when the thread exits). */
void srv_workers_thread_done(void);
int srv_workers_init(void);

/* ---- cache.c: recent searches' results, per worker thread ---------------- */

/* daleel_search() through this thread's cache: '*out' stays valid until
 * the next call of srv_search_cached() or srv_search_copy() on this
 * thread (the caller does not free it). */
daleel_status srv_search_cached(daleel_searcher *s, const daleel_search_opts *o,
                                const daleel_results **out);
/* The same, as a copy the caller frees with daleel_results_free(). */
daleel_status srv_search_copy(daleel_searcher *s, const daleel_search_opts *o,
                              daleel_results **out);
/* daleel_translations() through the cache: '*out' stays valid until the
 * next call on this thread. */
daleel_status srv_translations_cached(daleel_searcher *s, const char *key,
                                      const char *slug, const daleel_hit **out,
                                      size_t *n);

/* An answer kept by the cache: 'data' with a request's own search id to
 * be written at each of the 'n_ids' byte offsets 'ids' (increasing), and
 * what the search log needs of its search. */
typedef struct {
    const char *data;
    size_t len;
    const size_t *ids;
    size_t n_ids;
    daleel_lang query_lang;
    unsigned total;
    int corrected;
} srv_body;
/* The answer kept under the 'n' bytes of key 'k' for the searcher's
 * revision: 1 and '*out' (valid until the next cache call on this thread),
 * or 0. */
int srv_body_get(daleel_searcher *s, const char *k, size_t n, srv_body *out);
/* Keep a copy of 'b' under 'k'. */
void srv_body_put(daleel_searcher *s, const char *k, size_t n,
                  const srv_body *b);

/* ---- searchlog.c: asynchronous search and click logging ------------------ */

/* Queue a search; returns the id its result links carry (0 when it is not
 * logged: logging off, rate-limited or queue full). */
int64_t srv_log_search(srv_req *r, const char *q, size_t len, daleel_lang lang,
                       unsigned n_results, int corrected);
/* Queue a click on result 'rank' (1-based) of search 'id'. */
void srv_log_click(int64_t id, const char *slug, unsigned rank);
/* The database id of logged search 'id', or 0 when unknown. */
int64_t srv_log_db_id(int64_t id);
int srv_log_start(void);
/* Write what is queued and stop the thread. */
void srv_log_stop(void);

/* ---- ratelimit.c --------------------------------------------------------- */

typedef enum { SRV_RL_VOTE, SRV_RL_SEARCH, SRV_RL_LOGIN, SRV_RL_N } srv_rl_kind;
/* Take one token from the address's bucket of 'kind'.  Returns 0 when
 * allowed, else the seconds to wait (for Retry-After). */
unsigned srv_rate_take(srv_rl_kind kind, const char *ip);
void srv_rate_init(void);

/* ---- auth.c -------------------------------------------------------------- */

/* 1 when the request holds the admin token (Bearer or login cookie). */
int srv_is_admin(srv_req *r);
/* 1 when it holds the agent or admin token (Bearer, cookie or ?token=). */
int srv_is_agent(srv_req *r);
/* A signed session value for a cookie ("admin" or "agent"), caller frees. */
char *srv_session_make(const char *who, int64_t ttl_s);
/* Constant-time check of a raw token against the admin (and agent) token. */
int srv_token_is_admin(const char *t);
int srv_token_is_agent(const char *t);
/* Sign 'payload' valid until 'expires'; NULL on OOM. */
char *srv_sign(const char *payload, int64_t expires);
/* Verify: DALEEL_TOKEN_VALID etc., '*payload' as daleel_token_check(). */
int srv_verify(const char *token, char **payload);

/* ---- handlers ------------------------------------------------------------ */

void srv_page_home(srv_req *r);
void srv_page_search(srv_req *r);
void srv_page_article(srv_req *r, const char *slug);
void srv_page_not_found(srv_req *r);
/* The article 'slug' as stored (its document data, parsed, and its HTML
 * when 'html' is not NULL); DALEEL_ENOTFOUND also for an internal article
 * without the agent token, DALEEL_EBUSY without an index. */
daleel_status srv_load_article(srv_req *r, const char *slug, json_t **doc,
                               char **html);
/* Related articles of 'slug' as page links. */
json_t *srv_article_related(srv_req *r, daleel_searcher *s, const char *slug);
/* The home page's most helpful articles (cached for a few minutes). */
json_t *srv_popular(srv_req *r);
/* The newest (updated) public articles of the page's language, for the
 * home page before any votes: [{url,title,lang,internal,summary,
 * updated_iso,updated_text}], at most 5. */
json_t *srv_newest(srv_req *r);
void srv_page_opensearch(srv_req *r);
void srv_static(srv_req *r, const char *name);
int srv_static_load(const char *dir);
void srv_static_free(void);

void srv_api_search(srv_req *r);
void srv_api_article(srv_req *r, const char *slug);
void srv_api_suggest(srv_req *r);

void srv_feedback_post(srv_req *r);
void srv_feedback_link(srv_req *r, const char *token);
void srv_gap_post(srv_req *r);
/* The "didn't find it" form's token. */
char *srv_gap_token(void);
/* The feedback form's token for 'slug', valid today and tomorrow. */
char *srv_feedback_token(const char *slug);
/* The signed reply links of 'slug' (absolute URLs); caller frees. */
void srv_reply_links(srv_req *r, const char *slug, char **yes, char **no);

void srv_gaps_page(srv_req *r, const char *format);
void srv_gaps_login(srv_req *r);

#endif
