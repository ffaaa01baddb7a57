/* ratelimit.c: token buckets per client address, for votes, "didn't find
 * it" reports, admin logins and search logging.  Memory is bounded: each
 * kind has a fixed table of 4096 buckets in 4-way sets; a new address takes
 * an empty slot or the least recently used one of its set, starting with a
 * full bucket.  So a flood from many addresses can at worst forget some
 * buckets early, never grow the server.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "server.h"

#define SLOTS 4096
#define WAYS 4
#define STRIPES 16

typedef struct {
    uint64_t key;
    double tokens;
    int64_t last_ms;
} bucket;

static bucket table[SRV_RL_N][SLOTS];
static pthread_mutex_t locks[SRV_RL_N][STRIPES];
static uint64_t salt;

void srv_rate_init(void)
{
    for (int k = 0; k < SRV_RL_N; k++)
        for (int i = 0; i < STRIPES; i++)
            pthread_mutex_init(&locks[k][i], NULL);
    memset(table, 0, sizeof table);
    salt = (uint64_t)srv_now_ms() * 0x9E3779B97F4A7C15ull;
}

/* FNV-1a, salted per start so nobody can aim addresses at one set. */
static uint64_t hash_ip(const char *ip)
{
    uint64_t h = 1469598103934665603ull ^ salt;
    for (const unsigned char *p = (const unsigned char *)ip; *p; p++) {
        h ^= *p;
        h *= 1099511628211ull;
    }
    return h ? h : 1;
}

static void limits(srv_rl_kind kind, double *cap, double *per_s)
{
    unsigned n;
    switch (kind) {
    case SRV_RL_VOTE:
        n = srv.vote_limit;
        break;
    case SRV_RL_SEARCH:
        n = srv.search_log_limit;
        break;
    default:
        n = 10;
        break;
    }
    *cap = n ? n : 1;
    *per_s = *cap / 60.0;
}

unsigned srv_rate_take(srv_rl_kind kind, const char *ip)
{
    double cap, per_s;
    limits(kind, &cap, &per_s);
    uint64_t key = hash_ip(ip ? ip : "");
    size_t set = (size_t)(key % (SLOTS / WAYS)) * WAYS;
    /* A set is always guarded by the same stripe. */
    pthread_mutex_t *lock = &locks[kind][(set / WAYS) % STRIPES];
    int64_t now = srv_now_ms();
    unsigned wait = 0;

    pthread_mutex_lock(lock);
    bucket *b = NULL, *lru = &table[kind][set];
    for (size_t i = 0; i < WAYS; i++) {
        bucket *c = &table[kind][set + i];
        if (c->key == key) {
            b = c;
            break;
        }
        if (c->last_ms < lru->last_ms)
            lru = c;
    }
    if (!b) {
        b = lru;
        b->key = key;
        b->tokens = cap;
        b->last_ms = now;
    }
    b->tokens += (double)(now - b->last_ms) / 1000.0 * per_s;
    if (b->tokens > cap)
        b->tokens = cap;
    b->last_ms = now;
    if (b->tokens >= 1.0)
        b->tokens -= 1.0;
    else
        wait = (unsigned)ceil((1.0 - b->tokens) / per_s);
    pthread_mutex_unlock(lock);
    return wait;
}
