/* http.c: the glue between libmicrohttpd and the handlers.  A request
 * context is made when the request line arrives (the URI log callback, so
 * we see the URI exactly as sent, before libmicrohttpd unescapes it), the
 * body of a POST is collected under a cap, the route's handler appends its
 * answer to the context, and this file turns that into a response: status,
 * content type, security headers, ETag and 304, gzip, HEAD, and one log
 * line per request in Common Log Format with the latency.  The context is
 * freed in one place, the completion callback.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>
#include <zlib.h>

#include "daleel/crypto.h"
#include "server.h"

srv_app srv;

static atomic_int in_flight;
static atomic_int stopping;

/* Headers sent with every response we make.  The CSP allows no inline
 * script or style: the templates link /static files only. */
static const char csp[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'";

int64_t srv_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

unsigned srv_http_status(daleel_status st)
{
    switch (st) {
    case DALEEL_OK:
        return 200;
    case DALEEL_ENOTFOUND:
        return 404;
    case DALEEL_EPARSE:
        return 400;
    case DALEEL_ETOOBIG:
        return 413;
    case DALEEL_EBUSY:
    case DALEEL_ELOCKED:
        return 503;
    default:
        return 500;
    }
}

/* ---- Request headers ----------------------------------------------------- */

const char *srv_header(srv_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *srv_cookie(srv_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

/* ---- Building the response ------------------------------------------------ */

void srv_add_header(srv_req *r, const char *name, const char *value)
{
    if (r->n_hdrs == SRV_MAX_HEADERS)
        return;
    char *n = strdup(name), *v = strdup(value);
    if (!n || !v) {
        free(n);
        free(v);
        return;
    }
    r->hdr_name[r->n_hdrs] = n;
    r->hdr_value[r->n_hdrs] = v;
    r->n_hdrs++;
}

void srv_respond(srv_req *r, unsigned status, const char *ctype)
{
    r->status = status;
    r->ctype = ctype;
    r->fixed = NULL;
    r->fixed_len = 0;
    r->fixed_gz = NULL;
    r->fixed_etag = NULL;
    daleel_buf_reset(&r->out);
}

void srv_redirect(srv_req *r, unsigned status, const char *location)
{
    srv_respond(r, status, "text/plain; charset=utf-8");
    srv_add_header(r, "Location", location);
    daleel_buf_puts(&r->out, location);
    daleel_buf_putc(&r->out, '\n');
}

void srv_render(srv_req *r, unsigned status, const char *name, json_t *ctx)
{
    char msg[256];
    srv_respond(r, status, "text/html; charset=utf-8");
    daleel_status st = daleel_tmpl_render_msg(srv.tmpl, name, ctx, &r->out,
                                              msg, sizeof msg);
    json_decref(ctx);
    if (st != DALEEL_OK) {
        /* A template that fails to render is our bug, or the page grew
         * past its cap: say so in the log, and answer with a plain page
         * rather than a half-rendered one. */
        fprintf(stderr, "daleel-serve: template %s: %s\n", name,
                msg[0] ? msg : daleel_status_str(st));
        srv_respond(r, 500, "text/plain; charset=utf-8");
        daleel_buf_puts(&r->out, "500 Internal Server Error\n");
    }
}

static int dump_cb(const char *s, size_t n, void *data)
{
    return daleel_buf_append(data, s, n) == DALEEL_OK ? 0 : -1;
}

void srv_json(srv_req *r, unsigned status, json_t *j)
{
    srv_respond(r, status, "application/json; charset=utf-8");
    if (!j || json_dump_callback(j, dump_cb, &r->out, JSON_COMPACT) != 0) {
        srv_respond(r, 500, "application/json; charset=utf-8");
        daleel_buf_puts(&r->out, "{\"error\":{\"status\":500}}");
    }
    json_decref(j);
    daleel_buf_putc(&r->out, '\n');
}

void srv_error(srv_req *r, unsigned status, json_t *extra)
{
    json_t *t = srv_i18n(r->lang);
    char code[8];
    snprintf(code, sizeof code, "%u", status);
    json_t *e = json_object_get(json_object_get(t, "errors"), code);
    if (!e)
        e = json_object_get(json_object_get(t, "errors"), "500");
    const char *title = json_string_value(json_object_get(e, "title"));
    const char *text = json_string_value(json_object_get(e, "text"));
    if (r->api || r->wants_json) {
        json_t *err = json_pack("{s:i,s:s,s:s}", "status", (int)status,
                                "title", title ? title : "",
                                "message", text ? text : "");
        if (err && extra)
            json_object_update(err, extra);
        json_decref(extra);
        srv_json(r, status, json_pack("{s:o}", "error",
                                      err ? err : json_object()));
        return;
    }
    json_t *ctx = srv_page_ctx(r);
    json_t *err = json_pack("{s:i,s:s,s:s}", "status", (int)status,
                            "title", title ? title : "",
                            "text", text ? text : "");
    if (err && extra)
        json_object_update(err, extra);
    json_decref(extra);
    if (err && !json_object_get(err, "prefill")) {
        const char *q = srv_q(r, "q");
        if (q)
            json_object_set_new(err, "prefill", json_string(q));
    }
    json_object_set_new(ctx, "error", err ? err : json_object());
    json_object_set_new(ctx, "page_title", json_string(title ? title : ""));
    json_object_set_new(ctx, "noindex", json_true());
    /* The page's own search form is the way on: no second one above it. */
    json_object_set_new(ctx, "big_search", json_true());
    srv_render(r, status, "error", ctx);
    /* srv_render() reset the status to what we asked; keep it. */
}

/* ---- Base URL ------------------------------------------------------------ */

/* A Host header we are willing to echo into absolute URLs: a name or
 * address with an optional port, nothing that could end the URL or the
 * HTML attribute it goes into. */
static int host_ok(const char *h)
{
    size_t n = strlen(h);
    if (n == 0 || n > 255)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)h[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':' ||
              c == '[' || c == ']'))
            return 0;
    }
    return 1;
}

const char *srv_base_url(srv_req *r)
{
    static _Thread_local char buf[300];
    if (srv.base_url)
        return srv.base_url;
    const char *h = r ? srv_header(r, "Host") : NULL;
    if (h && host_ok(h))
        snprintf(buf, sizeof buf, "http://%s", h);
    else if (strchr(srv.listen_host, ':'))
        snprintf(buf, sizeof buf, "http://[%s]:%u", srv.listen_host, srv.port);
    else
        snprintf(buf, sizeof buf, "http://%s:%u", srv.listen_host, srv.port);
    return buf;
}

/* ---- Parsing the request --------------------------------------------------- */

static void client_ip(srv_req *r)
{
    if (srv.trust_proxy) {
        /* Behind our reverse proxy: the last address it appended is the
         * one that connected to it; earlier ones are the client's claims. */
        const char *x = srv_header(r, "X-Forwarded-For");
        if (x) {
            const char *last = strrchr(x, ',');
            last = last ? last + 1 : x;
            while (*last == ' ')
                last++;
            size_t n = strspn(last, "0123456789abcdefABCDEF:.");
            if (n > 0 && n < sizeof r->ip) {
                memcpy(r->ip, last, n);
                r->ip[n] = '\0';
                return;
            }
        }
    }
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    r->ip[0] = '\0';
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, r->ip,
                  sizeof r->ip);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
                  r->ip, sizeof r->ip);
}

static void parse_uri(srv_req *r)
{
    const char *u = r->raw_uri ? r->raw_uri : "/";
    const char *qm = strchr(u, '?');
    size_t plen = qm ? (size_t)(qm - u) : strlen(u);
    if (plen > SRV_MAX_PATH || (qm && strlen(qm + 1) > SRV_MAX_QUERY)) {
        r->long_query = 1;
        return;
    }
    size_t dlen;
    if (srv_pct_decode(u, plen, 0, &r->path, &dlen) != 0) {
        r->bad_uri = 1;
        return;
    }
    if (qm && srv_parse_params(qm + 1, strlen(qm + 1), &r->query,
                               &r->n_query) != 0)
        r->bad_uri = 1;
}

static void parse_form(srv_req *r)
{
    const char *ct = srv_header(r, "Content-Type");
    if (r->body.len == 0) {
        r->form = NULL;
        r->n_form = 0;
        return;
    }
    /* HTML forms and the enhancing script both send the URL encoding;
     * multipart bodies are refused rather than half-understood. */
    if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0 ||
        (ct[33] && ct[33] != ';' && ct[33] != ' ')) {
        r->bad_form = 1;
        return;
    }
    if (srv_parse_params(r->body.data, r->body.len, &r->form, &r->n_form) != 0)
        r->bad_form = 1;
}

static int accepts_json(srv_req *r)
{
    const char *a = srv_header(r, "Accept");
    return a && strstr(a, "application/json") != NULL;
}

/* ---- gzip ---------------------------------------------------------------- */

/* RFC 9110 12.5.3: gzip is acceptable unless absent or given q=0. */
static int accepts_gzip(srv_req *r)
{
    const char *a = srv_header(r, "Accept-Encoding");
    if (!a)
        return 0;
    const char *p = a;
    while ((p = strcasestr(p, "gzip")) != NULL) {
        int start_ok = p == a || p[-1] == ' ' || p[-1] == ',';
        const char *e = p + 4;
        while (*e == ' ')
            e++;
        if (start_ok && (*e == '\0' || *e == ',' || *e == ';')) {
            if (*e == ';') {
                const char *q = strstr(e, "q=");
                if (q && q - e < 8) {
                    double v = strtod(q + 2, NULL);
                    if (v <= 0)
                        return 0;
                }
            }
            return 1;
        }
        p += 4;
    }
    return 0;
}

static int compressible(const char *ctype)
{
    return ctype && (strncmp(ctype, "text/", 5) == 0 ||
                     strncmp(ctype, "application/json", 16) == 0 ||
                     strncmp(ctype, "application/javascript", 22) == 0 ||
                     strstr(ctype, "xml") != NULL ||
                     strncmp(ctype, "image/svg", 9) == 0);
}

/* gzip (RFC 1952) of 'len' bytes; NULL on failure (then we send it plain). */
static unsigned char *gzip_bytes(const void *data, size_t len, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    /* windowBits 15 + 16: a gzip header and trailer instead of zlib's.
     * Level 4 compresses HTML and JSON to about a quarter at a small
     * fraction of the cost of the search itself. */
    if (deflateInit2(&z, 4, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    size_t cap = deflateBound(&z, len);
    unsigned char *out = malloc(cap);
    if (!out) {
        deflateEnd(&z);
        return NULL;
    }
    z.next_in = (unsigned char *)data;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    *out_len = cap - z.avail_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(out);
        return NULL;
    }
    return out;
}

unsigned char *srv_gzip(const void *data, size_t len, size_t *out_len)
{
    return gzip_bytes(data, len, out_len);
}

/* ---- ETag ---------------------------------------------------------------- */

/* RFC 9110 13.1.2: If-None-Match matches when one of its entity tags is
 * ours under the weak comparison ("W/" ignored), or it is "*". */
static int etag_matches(const char *inm, const char *etag)
{
    if (!inm)
        return 0;
    size_t el = strlen(etag);
    const char *p = inm;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (*p == '*')
            return 1;
        if (p[0] == 'W' && p[1] == '/')
            p += 2;
        const char *e = p;
        if (*e == '"') {
            e = strchr(p + 1, '"');
            if (!e)
                return 0;
            e++;
        } else {
            while (*e && *e != ',')
                e++;
        }
        if ((size_t)(e - p) == el && memcmp(p, etag, el) == 0)
            return 1;
        /* Our gzip variant's tag names the same content. */
        if ((size_t)(e - p) == el + 3 && memcmp(p, etag, el - 1) == 0 &&
            memcmp(p + el - 1, "-gz\"", 4) == 0)
            return 1;
        p = e;
        while (*p && *p != ',')
            p++;
    }
    return 0;
}

static void content_etag(const void *data, size_t len, char out[24])
{
    unsigned char h[DALEEL_SHA256_LEN];
    char hex[2 * 10 + 1];
    daleel_sha256(data, len, h);
    daleel_hex(h, 10, hex);
    snprintf(out, 24, "\"%s\"", hex);
}

/* ---- Sending --------------------------------------------------------------- */

static enum MHD_Result queue_plain(struct MHD_Connection *c, unsigned status,
                                   const char *text)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", "text/plain; charset=utf-8");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    enum MHD_Result rc = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static enum MHD_Result send_response(srv_req *r)
{
    if (r->status == 0)
        srv_error(r, 500, NULL);
    if (!r->fixed && r->out.err != DALEEL_OK) {
        fprintf(stderr, "daleel-serve: response for %s: %s\n",
                r->path ? r->path : "?", daleel_status_str(r->out.err));
        daleel_buf_free(&r->out);
        daleel_buf_init(&r->out, SRV_MAX_PAGE);
        srv_error(r, 500, NULL);
    }
    const unsigned char *body = r->fixed ? r->fixed
                                         : (const unsigned char *)r->out.data;
    size_t len = r->fixed ? r->fixed_len : r->out.len;
    char etag[24] = "";
    if (r->fixed_etag)
        snprintf(etag, sizeof etag, "%s", r->fixed_etag);
    else if (r->etag && r->status == 200)
        content_etag(body ? (const void *)body : "", len, etag);

    unsigned status = r->status;
    int not_modified = etag[0] && (r->is_get) && status == 200 &&
                       etag_matches(srv_header(r, "If-None-Match"), etag);
    int comp = compressible(r->ctype);
    unsigned char *gz = NULL;
    const unsigned char *send = body;
    size_t send_len = len;
    enum MHD_ResponseMemoryMode mode = MHD_RESPMEM_PERSISTENT;
    int gzipped = 0;

    if (not_modified) {
        status = 304;
        send = NULL;
        send_len = 0;
    } else if (comp && len >= 512 && accepts_gzip(r)) {
        if (r->fixed_gz) {
            send = r->fixed_gz;
            send_len = r->fixed_gz_len;
            gzipped = 1;
        } else if (!r->fixed && (gz = gzip_bytes(body, len, &send_len))) {
            send = gz;
            mode = MHD_RESPMEM_MUST_FREE;
            gzipped = 1;
        }
    }
    if (!gzipped && !not_modified && !r->fixed && r->out.data) {
        /* Hand the page over to libmicrohttpd instead of copying it. */
        size_t n;
        char *data = daleel_buf_steal(&r->out, &n);
        send = (const unsigned char *)data;
        send_len = n;
        mode = MHD_RESPMEM_MUST_FREE;
    }
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        send_len, (void *)send, send ? mode : MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        if (mode == MHD_RESPMEM_MUST_FREE)
            free((void *)send);
        return MHD_NO;
    }
    r->sent = r->is_head || not_modified ? 0 : send_len;
    if (!not_modified)
        MHD_add_response_header(resp, "Content-Type", r->ctype);
    MHD_add_response_header(resp, "Content-Security-Policy", csp);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy",
                            "strict-origin-when-cross-origin");
    MHD_add_response_header(resp, "Cache-Control",
                            r->cache ? r->cache : "no-store");
    if (etag[0]) {
        char tag[28];
        if (gzipped) {
            /* A gzip body is another representation: another strong tag. */
            snprintf(tag, sizeof tag, "%.*s-gz\"", (int)strlen(etag) - 1, etag);
            MHD_add_response_header(resp, "ETag", tag);
        } else {
            MHD_add_response_header(resp, "ETag", etag);
        }
    }
    if (comp)
        MHD_add_response_header(resp, "Vary", "Accept-Encoding");
    if (gzipped)
        MHD_add_response_header(resp, "Content-Encoding", "gzip");
    for (size_t i = 0; i < r->n_hdrs; i++)
        MHD_add_response_header(resp, r->hdr_name[i], r->hdr_value[i]);
    if (atomic_load(&stopping))
        MHD_add_response_header(resp, "Connection", "close");
    r->status = status;
    enum MHD_Result rc = MHD_queue_response(r->conn, status, resp);
    MHD_destroy_response(resp);
    return rc;
}

/* ---- The callbacks ----------------------------------------------------------- */

static void *uri_log_cb(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls;
    srv_req *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    clock_gettime(CLOCK_MONOTONIC, &r->t0);
    r->raw_uri = strdup(uri ? uri : "/");
    r->conn = c;
    daleel_buf_init(&r->out, SRV_MAX_PAGE);
    daleel_buf_init(&r->body, SRV_MAX_BODY);
    atomic_fetch_add(&in_flight, 1);
    return r;
}

static enum MHD_Result ahc(void *cls, struct MHD_Connection *c,
                           const char *url, const char *method,
                           const char *version, const char *upload,
                           size_t *upload_size, void **con_cls)
{
    (void)cls;
    (void)url;
    (void)version;
    srv_req *r = *con_cls;
    if (!r || !r->raw_uri)
        return queue_plain(c, 500, "500 Internal Server Error\n");
    if (!r->started) {
        r->started = 1;
        r->method = method;
        r->is_head = strcmp(method, "HEAD") == 0;
        r->is_get = r->is_head || strcmp(method, "GET") == 0;
        r->is_post = strcmp(method, "POST") == 0;
        client_ip(r);
        parse_uri(r);
        r->api = r->path && strncmp(r->path, "/api/", 5) == 0;
        r->wants_json = r->api || accepts_json(r);
        {
            const char *cl = srv_header(r, "Content-Length");
            if (cl) {
                char *end;
                errno = 0;
                unsigned long long n = strtoull(cl, &end, 10);
                if (errno || *end || n > SRV_MAX_BODY) {
                    /* Answer before reading: libmicrohttpd then closes the
                     * connection instead of reading a body we refuse. */
                    r->body_too_big = 1;
                    srv_error(r, 413, NULL);
                    return send_response(r);
                }
            }
        }
        /* Answer on the next call, when the request (and its body, if
         * any) has been read: libmicrohttpd 0.9.7x closes the connection
         * after a response queued in the first call. */
        return MHD_YES;
    }
    if (*upload_size) {
        if (!r->body_too_big &&
            daleel_buf_append(&r->body, upload, *upload_size) != DALEEL_OK)
            r->body_too_big = 1;
        if (r->body_too_big) {
            /* libmicrohttpd 0.9.7x cannot answer before the body ends (a
             * chunked body has no length to refuse up front): read and
             * drop the rest, up to a point, and answer 413 at the end; a
             * client that keeps sending loses the connection. */
            r->discarded += *upload_size;
            if (r->discarded > SRV_MAX_DISCARD)
                return MHD_NO;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (r->status)          /* answered already (413 mid-body) */
        return MHD_YES;
    if (r->body_too_big) {
        srv_error(r, 413, NULL);
        return send_response(r);
    }
    if (!r->is_get)
        parse_form(r);
    srv_route(r);
    return send_response(r);
}

/* One line per request in Common Log Format, then the latency.  The query
 * string is logged by parameter names only ("/search?q&lang"): what
 * readers search for is personal and is kept, scrubbed, only in the
 * feedback database. */
static void log_request(srv_req *r)
{
    char line[1024];
    size_t n = 0;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double ms = (double)(now.tv_sec - r->t0.tv_sec) * 1e3 +
                (double)(now.tv_nsec - r->t0.tv_nsec) / 1e6;
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    char when[40];
    strftime(when, sizeof when, "%d/%b/%Y:%H:%M:%S +0000", &tm);
    n += (size_t)snprintf(line + n, sizeof line - n, "%s - - [%s] \"%s ",
                          r->ip[0] ? r->ip : "-", when,
                          r->method ? r->method : "-");
    const char *u = r->raw_uri ? r->raw_uri : "-";
    int in_query = 0, in_value = 0;
    for (const char *p = u; *p && n < sizeof line - 120; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '?' && !in_query) {
            in_query = 1;
        } else if (in_query && c == '=') {
            in_value = 1;
            continue;
        } else if (in_query && c == '&') {
            in_value = 0;
        } else if (in_value) {
            continue;
        }
        if (c < 0x21 || c >= 0x7F || c == '"' || c == '\\')
            n += (size_t)snprintf(line + n, sizeof line - n, "\\x%02x", c);
        else
            line[n++] = (char)c;
    }
    char status[16] = "-";
    if (r->status)
        snprintf(status, sizeof status, "%u", r->status);
    n += (size_t)snprintf(line + n, sizeof line - n,
                          " HTTP/1.1\" %s %llu %.2fms\n", status, r->sent, ms);
    if (n > sizeof line)
        n = sizeof line;
    /* One write per line: lines of concurrent requests never interleave. */
    ssize_t w = write(STDOUT_FILENO, line, n);
    (void)w;
}

static void completed_cb(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    srv_req *r = *con_cls;
    if (!r)
        return;
    *con_cls = NULL;
    if (srv.access_log)
        log_request(r);
    free(r->raw_uri);
    free(r->path);
    srv_params_free(r->query, r->n_query);
    srv_params_free(r->form, r->n_form);
    daleel_buf_free(&r->body);
    daleel_buf_free(&r->out);
    for (size_t i = 0; i < r->n_hdrs; i++) {
        free(r->hdr_name[i]);
        free(r->hdr_value[i]);
    }
    free(r);
    atomic_fetch_sub(&in_flight, 1);
}

/* libmicrohttpd's own messages (a refused connection, a header too big). */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && msg[n - 1] == '\n')
        msg[--n] = '\0';
    fprintf(stderr, "daleel-serve: http: %s\n", msg);
}

struct MHD_Daemon *srv_http_start(void)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                     MHD_USE_ITC | MHD_USE_TURBO | MHD_USE_ERROR_LOG;
    if (inet_pton(AF_INET, srv.listen_host,
                  &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)srv.port);
    } else if (inet_pton(AF_INET6, srv.listen_host,
                         &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)srv.port);
        flags |= MHD_USE_IPv6;
    } else {
        fprintf(stderr, "daleel-serve: --listen: \"%s\" is not an IP address\n",
                srv.listen_host);
        return NULL;
    }
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)srv.port, NULL, NULL, &ahc, NULL,
        MHD_OPTION_EXTERNAL_LOGGER, &mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)srv.threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)srv.max_conn_per_ip,
        /* Slow clients (slowloris) lose their connection after 10 s idle. */
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
        /* The request line and headers must fit in 32 KiB: beyond it
         * libmicrohttpd answers 414 or 431 itself. */
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
        MHD_OPTION_URI_LOG_CALLBACK, &uri_log_cb, NULL,
        MHD_OPTION_NOTIFY_COMPLETED, &completed_cb, NULL,
        MHD_OPTION_END);
    if (!d)
        fprintf(stderr, "daleel-serve: cannot listen on %s:%u: %s\n",
                srv.listen_host, srv.port, strerror(errno));
    return d;
}

void srv_http_stop(struct MHD_Daemon *d, int grace_ms)
{
    if (!d)
        return;
    atomic_store(&stopping, 1);
    /* Stop accepting; connections already open finish their requests. */
    MHD_socket ls = MHD_quiesce_daemon(d);
    int64_t end = srv_now_ms() + grace_ms;
    while (atomic_load(&in_flight) > 0 && srv_now_ms() < end) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    MHD_stop_daemon(d);
    if (ls != MHD_INVALID_SOCKET)
        close(ls);
}
