/* workers.c: the per-thread handles.  Xapian handles and SQLite
 * connections are not shared between threads, so each libmicrohttpd pool
 * thread opens its own searcher, index handle and feedback connection on
 * first use, keyed by a pthread key whose destructor closes them when the
 * thread ends.  A searcher looks for a new index revision at most every
 * 500 ms (a cheap check of the revision file); if the new revision cannot
 * be opened it keeps serving the one it has and says so in the log.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "daleel/index.h"
#include "server.h"

#define REOPEN_EVERY_MS 500
#define LOG_EVERY_MS 60000
#define FEEDBACK_RETRY_MS 1000

typedef struct {
    daleel_searcher *s;
    daleel_index *idx;
    daleel_feedback *fb;
    int64_t checked_ms;
    int64_t logged_ms;
    int64_t fb_failed_ms;
    json_t *site;       /* the index's "site" metadata, parsed, or NULL */
    int site_fresh;     /* 'site' is from the searcher's revision */
} worker;

static pthread_key_t key;

static void worker_free(void *p)
{
    worker *w = p;
    if (!w)
        return;
    daleel_searcher_close(w->s);
    daleel_index_close(w->idx);
    daleel_feedback_close(w->fb);
    json_decref(w->site);
    free(w);
}

int srv_workers_init(void)
{
    return pthread_key_create(&key, worker_free) == 0 ? 0 : -1;
}

void srv_workers_thread_done(void)
{
    worker *w = pthread_getspecific(key);
    worker_free(w);
    pthread_setspecific(key, NULL);
}

static worker *get(void)
{
    worker *w = pthread_getspecific(key);
    if (!w && (w = calloc(1, sizeof *w)) != NULL &&
        pthread_setspecific(key, w) != 0) {
        free(w);
        w = NULL;
    }
    return w;
}

/* Say at most once a minute per thread that the index has a problem, so a
 * broken revision does not flood the log. */
static void log_limited(worker *w, const char *what, const char *msg)
{
    int64_t now = srv_now_ms();
    if (w->logged_ms && now - w->logged_ms < LOG_EVERY_MS)
        return;
    w->logged_ms = now;
    fprintf(stderr, "daleel-serve: index %s: %s\n", what, msg);
}

daleel_searcher *srv_searcher(void)
{
    worker *w = get();
    if (!w)
        return NULL;
    int64_t now = srv_now_ms();
    if (!w->s) {
        daleel_status st = daleel_searcher_open(srv.index_dir, &w->s);
        if (st != DALEEL_OK) {
            log_limited(w, "open", daleel_status_str(st));
            return NULL;
        }
        w->checked_ms = now;
        w->site_fresh = 0;
        return w->s;
    }
    if (now - w->checked_ms >= REOPEN_EVERY_MS) {
        w->checked_ms = now;
        int changed = 0;
        daleel_status st = daleel_searcher_reopen(w->s, &changed);
        if (st != DALEEL_OK)
            log_limited(w, "reopen failed, serving the previous revision",
                        daleel_searcher_errmsg(w->s));
        if (changed)
            w->site_fresh = 0;
        if (w->idx && daleel_index_reopen(w->idx, &changed) != DALEEL_OK)
            log_limited(w, "reopen failed, serving the previous revision",
                        daleel_index_errmsg(w->idx));
    }
    return w->s;
}

daleel_index *srv_index(void)
{
    worker *w = get();
    if (!w)
        return NULL;
    if (!w->idx) {
        daleel_status st = daleel_index_open(srv.index_dir, &w->idx);
        if (st != DALEEL_OK) {
            log_limited(w, "open", daleel_status_str(st));
            daleel_index_close(w->idx);
            w->idx = NULL;
        }
    }
    return w->idx;
}

json_t *srv_site(void)
{
    worker *w = get();
    if (!w || !srv_searcher())
        return NULL;
    if (w->site_fresh)
        return w->site;
    daleel_index *idx = srv_index();
    int changed = 0;
    char *v = NULL;
    /* The metadata of the revision the searcher now reads (or newer). */
    if (!idx || daleel_index_reopen(idx, &changed) != DALEEL_OK ||
        daleel_index_get_meta(idx, "site", &v) != DALEEL_OK)
        return w->site;
    json_decref(w->site);
    w->site = v ? json_loads(v, 0, NULL) : NULL;
    free(v);
    w->site_fresh = 1;
    return w->site;
}

daleel_feedback *srv_feedback(void)
{
    worker *w = get();
    if (!w)
        return NULL;
    if (w->fb)
        return w->fb;
    int64_t now = srv_now_ms();
    if (w->fb_failed_ms && now - w->fb_failed_ms < FEEDBACK_RETRY_MS)
        return NULL;
    daleel_status st = daleel_feedback_open(srv.feedback_db, &w->fb);
    if (st != DALEEL_OK) {
        fprintf(stderr, "daleel-serve: feedback database %s: %s\n",
                srv.feedback_db, daleel_feedback_errmsg(w->fb));
        daleel_feedback_close(w->fb);
        w->fb = NULL;
        w->fb_failed_ms = now;
        return NULL;
    }
    if (srv.feedback_max_bytes > 0)
        daleel_feedback_limit_size(w->fb, srv.feedback_max_bytes);
    return w->fb;
}
