/* bench_feedback.c: how fast the feedback database records votes and
 * searches, each one committed with synchronous=FULL as the server does:
 * one thread; two threads with a handle each; two threads sharing one
 * handle behind a mutex.  The numbers decide the threading advice in
 * feedback.h.
 *
 * usage: bench_feedback [N [RUNS [DIR]]]   (N records per run, default 1000;
 *        RUNS runs per mode, default 3, the median is printed; DIR where the
 *        databases go, default $TMPDIR or /tmp)
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daleel/feedback.h"

static const char *dir;
static int seq;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void db_path(char *out, size_t cap)
{
    snprintf(out, cap, "%s/bench-feedback-%d-%d.db", dir, (int)getpid(), ++seq);
}

static void remove_db(const char *path)
{
    char p[600];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

typedef struct {
    daleel_feedback *fb;        /* own handle, or the shared one */
    pthread_mutex_t *lock;      /* non-NULL when shared */
    const char *path;
    int first, n;
    int searches;               /* record searches instead of votes */
    int failed;
} job;

static void *worker(void *arg)
{
    job *j = arg;
    if (!j->fb && daleel_feedback_open(j->path, &j->fb) != DALEEL_OK) {
        j->failed = j->n;
        return NULL;
    }
    for (int i = j->first; i < j->first + j->n; i++) {
        char ip[32], q[64];
        snprintf(ip, sizeof ip, "10.%d.%d.%d", i >> 16 & 255, i >> 8 & 255, i & 255);
        daleel_status st;
        if (j->lock)
            pthread_mutex_lock(j->lock);
        if (j->searches) {
            snprintf(q, sizeof q, "how do I reset password %d", i % 50);
            daleel_search_rec s = {.query = q, .query_len = strlen(q),
                                   .lang = "en", .n_results = (unsigned)(i % 3)};
            st = daleel_feedback_record_search(j->fb, &s, NULL);
        } else {
            daleel_vote_rec v = {.slug = "account/reset", .lang = "en",
                                 .helpful = i & 1, .ip = ip,
                                 .user_agent = "bench"};
            st = daleel_feedback_record_vote(j->fb, &v, NULL, NULL);
        }
        if (j->lock)
            pthread_mutex_unlock(j->lock);
        if (st != DALEEL_OK)
            j->failed++;
    }
    return NULL;
}

/* One run: 'threads' threads record 'n' records in all.  Returns records
 * per second. */
static double run(int n, int threads, int shared, int searches, int *failed)
{
    char path[512];
    db_path(path, sizeof path);
    daleel_feedback *fb = NULL;
    if (daleel_feedback_open(path, &fb) != DALEEL_OK) {
        fprintf(stderr, "open %s: %s\n", path, daleel_feedback_errmsg(fb));
        exit(1);
    }
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    job jobs[8];
    pthread_t tid[8];
    for (int t = 0; t < threads; t++) {
        jobs[t] = (job){.fb = shared || threads == 1 ? fb : NULL,
                        .lock = shared ? &lock : NULL, .path = path,
                        .first = t * (n / threads), .n = n / threads,
                        .searches = searches};
    }
    double t0 = now_s();
    for (int t = 0; t < threads; t++)
        pthread_create(&tid[t], NULL, worker, &jobs[t]);
    for (int t = 0; t < threads; t++)
        pthread_join(tid[t], NULL);
    double dt = now_s() - t0;
    *failed = 0;
    for (int t = 0; t < threads; t++) {
        *failed += jobs[t].failed;
        if (jobs[t].fb != fb)
            daleel_feedback_close(jobs[t].fb);
    }
    daleel_feedback_close(fb);
    remove_db(path);
    return n / dt;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 1000;
    int runs = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 3;
    dir = argc > 3 ? argv[3] : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    if (n < 2 || runs < 1 || runs > 99) {
        fprintf(stderr, "usage: bench_feedback [N [RUNS [DIR]]]\n");
        return 2;
    }
    static const struct {
        const char *name;
        int threads, shared, searches;
    } modes[] = {
        {"votes, 1 thread", 1, 0, 0},
        {"votes, 2 threads, a handle each", 2, 0, 0},
        {"votes, 2 threads, one shared handle + mutex", 2, 1, 0},
        {"searches, 1 thread", 1, 0, 1},
        {"searches, 2 threads, a handle each", 2, 0, 1},
    };
    printf("%d records per run, median of %d runs, databases in %s\n", n, runs,
           dir);
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        double r[99];
        int failed = 0, f;
        for (int i = 0; i < runs; i++) {
            r[i] = run(n, modes[m].threads, modes[m].shared, modes[m].searches, &f);
            failed += f;
        }
        qsort(r, (size_t)runs, sizeof r[0], cmp_double);
        printf("  %-46s %8.0f /s (min %.0f, max %.0f)%s\n", modes[m].name,
               r[runs / 2], r[0], r[runs - 1], failed ? " FAILURES" : "");
        if (failed)
            printf("    %d records failed (busy timeout?)\n", failed);
    }
    return 0;
}
