/* searchlog.c: searches and clicks are recorded by one background thread,
 * so a search never waits for the disk.  Every record of lib/feedback
 * commits with synchronous=FULL (an fsync), which is right for a vote the
 * reader was told is stored, but would cap searches at the disk's fsync
 * rate; a search or a click lost in a crash costs nothing.
 *
 * The result links of a search must carry its id before the thread has
 * written it, so the server hands out its own ids (unique across restarts:
 * they start at the start time in microseconds) and the thread keeps a
 * ring of the last 65536 (server id -> database id) pairs to record clicks
 * and to link votes to the search that led to them.  The queue is bounded;
 * when it is full (the disk cannot keep up) searches are served but not
 * logged.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"

#define QCAP 8192
#define MAP_SIZE 65536
#define BATCH 256

typedef struct {
    int click;
    int64_t id;
    char *text;             /* the query, or the clicked slug */
    size_t len;
    char lang[4];
    unsigned n;             /* results, or the rank */
    int corrected;
    int64_t time;
} item;

static item queue[QCAP];
static size_t q_head, q_count;
static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_cond = PTHREAD_COND_INITIALIZER;
static int q_running;
static pthread_t thread;
static int thread_started;
static atomic_llong next_id;
static unsigned long dropped;

static struct {
    int64_t id, db;
} map[MAP_SIZE];
static pthread_mutex_t map_lock = PTHREAD_MUTEX_INITIALIZER;

static int push(item *it)
{
    int ok = 0;
    pthread_mutex_lock(&q_lock);
    if (q_running && q_count < QCAP) {
        queue[(q_head + q_count) % QCAP] = *it;
        q_count++;
        ok = 1;
        pthread_cond_signal(&q_cond);
    } else {
        dropped++;
    }
    pthread_mutex_unlock(&q_lock);
    return ok;
}

int64_t srv_log_search(srv_req *r, const char *q, size_t len, daleel_lang lang,
                       unsigned n_results, int corrected)
{
    if (!srv.search_log || !thread_started)
        return 0;
    /* One address cannot drown the report in its searches. */
    if (srv_rate_take(SRV_RL_SEARCH, r->ip) != 0)
        return 0;
    item it = {0};
    it.id = (int64_t)atomic_fetch_add(&next_id, 1);
    it.text = malloc(len + 1);
    if (!it.text)
        return 0;
    memcpy(it.text, q, len);
    it.text[len] = '\0';
    it.len = len;
    snprintf(it.lang, sizeof it.lang, "%s", daleel_lang_code(lang));
    it.n = n_results;
    it.corrected = corrected;
    it.time = (int64_t)time(NULL);
    if (!push(&it)) {
        free(it.text);
        return 0;
    }
    return it.id;
}

void srv_log_click(int64_t id, const char *slug, unsigned rank)
{
    if (!srv.search_log || !thread_started || id <= 0)
        return;
    item it = {0};
    it.click = 1;
    it.id = id;
    it.text = strdup(slug);
    if (!it.text)
        return;
    it.n = rank;
    it.time = (int64_t)time(NULL);
    if (!push(&it))
        free(it.text);
}

int64_t srv_log_db_id(int64_t id)
{
    if (id <= 0)
        return 0;
    pthread_mutex_lock(&map_lock);
    size_t k = (size_t)((uint64_t)id % MAP_SIZE);
    int64_t db = map[k].id == id ? map[k].db : 0;
    pthread_mutex_unlock(&map_lock);
    return db;
}

static void write_one(daleel_feedback *fb, item *it)
{
    daleel_status st;
    if (!it->click) {
        daleel_search_rec rec = {it->text, it->len, it->lang, it->n,
                                 it->corrected, it->time};
        int64_t db = 0;
        st = daleel_feedback_record_search(fb, &rec, &db);
        if (st == DALEEL_OK) {
            pthread_mutex_lock(&map_lock);
            size_t k = (size_t)((uint64_t)it->id % MAP_SIZE);
            map[k].id = it->id;
            map[k].db = db;
            pthread_mutex_unlock(&map_lock);
        }
    } else {
        int64_t db = srv_log_db_id(it->id);
        if (!db)
            return;     /* a search of an earlier run, or not logged */
        st = daleel_feedback_record_click(fb, db, it->text, it->n, it->time);
        if (st == DALEEL_ENOTFOUND)
            st = DALEEL_OK;     /* purged meanwhile */
    }
    if (st != DALEEL_OK) {
        static int64_t last;
        int64_t now = srv_now_ms();
        if (now - last > 60000) {
            last = now;
            fprintf(stderr, "daleel-serve: search log: %s\n",
                    daleel_feedback_errmsg(fb));
        }
    }
}

static void *run(void *arg)
{
    (void)arg;
    daleel_feedback *fb = NULL;
    item batch[BATCH];
    for (;;) {
        pthread_mutex_lock(&q_lock);
        while (q_count == 0 && q_running)
            pthread_cond_wait(&q_cond, &q_lock);
        if (q_count == 0 && !q_running) {
            pthread_mutex_unlock(&q_lock);
            break;
        }
        size_t n = 0;
        while (q_count && n < BATCH) {
            batch[n++] = queue[q_head];
            q_head = (q_head + 1) % QCAP;
            q_count--;
        }
        pthread_mutex_unlock(&q_lock);
        if (!fb && daleel_feedback_open(srv.feedback_db, &fb) != DALEEL_OK) {
            fprintf(stderr, "daleel-serve: search log: %s\n",
                    daleel_feedback_errmsg(fb));
            daleel_feedback_close(fb);
            fb = NULL;
        }
        if (fb && srv.feedback_max_bytes > 0)
            daleel_feedback_limit_size(fb, srv.feedback_max_bytes);
        /* One transaction per batch: a commit per search would cap the
         * log near the rate the server answers cached searches at. */
        int batched = fb && n > 1 && daleel_feedback_batch_begin(fb) == DALEEL_OK;
        for (size_t i = 0; i < n; i++) {
            if (fb)
                write_one(fb, &batch[i]);
            free(batch[i].text);
        }
        if (batched && daleel_feedback_batch_commit(fb) != DALEEL_OK)
            fprintf(stderr, "daleel-serve: search log: %zu searches lost: %s\n",
                    n, daleel_feedback_errmsg(fb));
    }
    daleel_feedback_close(fb);
    return NULL;
}

int srv_log_start(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    /* Microseconds since the epoch: later than every id of an earlier run
     * unless it served more than a million searches a second. */
    atomic_store(&next_id, (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
    q_running = 1;
    if (pthread_create(&thread, NULL, run, NULL) != 0) {
        q_running = 0;
        return -1;
    }
    thread_started = 1;
    return 0;
}

void srv_log_stop(void)
{
    if (!thread_started)
        return;
    pthread_mutex_lock(&q_lock);
    q_running = 0;
    pthread_cond_signal(&q_cond);
    pthread_mutex_unlock(&q_lock);
    pthread_join(thread, NULL);
    thread_started = 0;
    if (dropped)
        fprintf(stderr, "daleel-serve: search log: %lu searches not logged "
                "(queue full)\n", dropped);
}
