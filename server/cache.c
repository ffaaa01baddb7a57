/* cache.c: the results of recent searches, per worker thread.  A help
 * center answers the same few questions all day ("refund", "reset
 * password"), and a search (with its snippets and category counts) costs
 * far more than the HTTP around it: each pool thread keeps the last
 * searches' results, and the translations of their hits, keyed by
 * everything that decides them (the search options) and valid for the
 * index revision they were made from, so a new revision empties the cache
 * (checked on every lookup: the searcher reopens on its own schedule,
 * workers.c).  Bounded by entries and by bytes.  What is logged about a
 * search (searchlog.c) does not depend on the cache: every search counts.
 * The API also keeps its answers (srv_body_put()), written once with the
 * places where a request's own search id goes.  --no-search-cache turns it
 * all off.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

#define CACHE_ENTRIES 256         /* per thread, a power of two's worth */
#define CACHE_BYTES (4u << 20)    /* per thread */
#define BUCKETS 512

typedef struct entry {
    struct entry *next;           /* in its bucket */
    struct entry *older, *newer;  /* LRU list */
    uint64_t hash;
    char *key;
    size_t key_len;
    size_t bytes;
    daleel_results *res;          /* a search */
    daleel_hit *hits;             /* translations */
    size_t n_hits;
    srv_body body;                /* an answer (srv_body_put()) */
} entry;

typedef struct {
    entry *buckets[BUCKETS];
    entry *oldest, *newest;
    size_t n, bytes;
    unsigned long rev;
    daleel_buf key;
    /* The entry whose results the caller is reading (never evicted while
     * the translations of its hits are cached), and what was not cached
     * (kept until the next call, as a cached answer would be). */
    entry *pinned;
    daleel_results *uncached;
    daleel_hit *uncached_hits;
    size_t n_uncached_hits;
} cache;

static pthread_key_t key;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void entry_free(entry *e)
{
    if (!e)
        return;
    free(e->key);
    daleel_results_free(e->res);
    daleel_hits_free(e->hits, e->n_hits);
    free((char *)e->body.data);
    free((size_t *)e->body.ids);
    free(e);
}

static void cache_clear(cache *c)
{
    c->pinned = NULL;
    for (entry *e = c->oldest, *next; e; e = next) {
        next = e->newer;
        entry_free(e);
    }
    memset(c->buckets, 0, sizeof c->buckets);
    c->oldest = c->newest = NULL;
    c->n = c->bytes = 0;
}

static void cache_free(void *p)
{
    cache *c = p;
    if (!c)
        return;
    cache_clear(c);
    daleel_buf_free(&c->key);
    daleel_results_free(c->uncached);
    daleel_hits_free(c->uncached_hits, c->n_uncached_hits);
    free(c);
}

static void make_key(void)
{
    pthread_key_create(&key, cache_free);
}

/* This thread's cache (NULL when out of memory), emptied when 's' reads
 * another revision. */
static cache *get(daleel_searcher *s)
{
    pthread_once(&once, make_key);
    cache *c = pthread_getspecific(key);
    if (!c) {
        c = calloc(1, sizeof *c);
        if (!c)
            return NULL;
        daleel_buf_init(&c->key, 8192);
        if (pthread_setspecific(key, c) != 0) {
            free(c);
            return NULL;
        }
    }
    unsigned long rev = daleel_searcher_revision(s);
    if (rev != c->rev || rev == 0) {
        /* rev 0: the revision is unknown, so nothing can be trusted. */
        cache_clear(c);
        c->rev = rev;
    }
    return c;
}

/* Whether answers may come from and go to the cache. */
static int use(const cache *c)
{
    return srv.search_cache && c && c->rev != 0;
}

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037u;  /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211u;
    }
    return h;
}

static void unlink_lru(cache *c, entry *e)
{
    if (e->older)
        e->older->newer = e->newer;
    else
        c->oldest = e->newer;
    if (e->newer)
        e->newer->older = e->older;
    else
        c->newest = e->older;
    e->older = e->newer = NULL;
}

static void push_newest(cache *c, entry *e)
{
    e->older = c->newest;
    e->newer = NULL;
    if (c->newest)
        c->newest->newer = e;
    else
        c->oldest = e;
    c->newest = e;
}

static entry *find(cache *c, const char *k, size_t n, uint64_t h)
{
    for (entry *e = c->buckets[h % BUCKETS]; e; e = e->next)
        if (e->hash == h && e->key_len == n && memcmp(e->key, k, n) == 0) {
            unlink_lru(c, e);
            push_newest(c, e);
            return e;
        }
    return NULL;
}

/* Evict the least recently used entry but the pinned one; 0 when there
 * is none. */
static int evict_oldest(cache *c)
{
    entry *e = c->oldest;
    if (e && e == c->pinned)
        e = e->newer;
    if (!e)
        return 0;
    unlink_lru(c, e);
    entry **pp = &c->buckets[e->hash % BUCKETS];
    while (*pp && *pp != e)
        pp = &(*pp)->next;
    if (*pp)
        *pp = e->next;
    c->n--;
    c->bytes -= e->bytes;
    entry_free(e);
    return 1;
}

/* Add 'e' (with key, hash and bytes set); the cache owns it. */
static void insert(cache *c, entry *e)
{
    while ((c->n >= CACHE_ENTRIES || c->bytes + e->bytes > CACHE_BYTES) &&
           evict_oldest(c))
        ;
    e->next = c->buckets[e->hash % BUCKETS];
    c->buckets[e->hash % BUCKETS] = e;
    push_newest(c, e);
    c->n++;
    c->bytes += e->bytes;
}

static size_t slen(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

static char *sdup(const char *s, int *oom)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        *oom = 1;
    return d;
}

/* A deep copy of hit 'h' into 'd'; the bytes it holds. */
static size_t hit_copy(daleel_hit *d, const daleel_hit *h, int *oom)
{
    *d = *h;
    d->slug = sdup(h->slug, oom);
    d->title = sdup(h->title, oom);
    d->category = sdup(h->category, oom);
    d->path = sdup(h->path, oom);
    d->summary = sdup(h->summary, oom);
    d->translation = sdup(h->translation, oom);
    d->section_id = sdup(h->section_id, oom);
    d->section_heading = sdup(h->section_heading, oom);
    d->snippet = sdup(h->snippet, oom);
    d->marks = NULL;
    if (h->n_marks) {
        d->marks = malloc(h->n_marks * sizeof *d->marks);
        if (d->marks)
            memcpy(d->marks, h->marks, h->n_marks * sizeof *d->marks);
        else
            *oom = 1;
    }
    return sizeof *d + slen(h->slug) + slen(h->title) + slen(h->category) +
           slen(h->path) + slen(h->summary) + slen(h->translation) +
           slen(h->section_id) + slen(h->section_heading) +
           slen(h->snippet) + h->n_marks * sizeof *h->marks;
}

static daleel_hit *hits_copy(const daleel_hit *v, size_t n, size_t *bytes)
{
    if (!n)
        return NULL;
    daleel_hit *d = calloc(n, sizeof *d);
    if (!d)
        return NULL;
    int oom = 0;
    for (size_t i = 0; i < n; i++)
        *bytes += hit_copy(&d[i], &v[i], &oom);
    if (oom) {
        daleel_hits_free(d, n);
        return NULL;
    }
    return d;
}

/* A deep copy of 'r'; NULL on OOM.  '*bytes' gets about what it holds. */
static daleel_results *results_copy(const daleel_results *r, size_t *bytes)
{
    daleel_results *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    int oom = 0;
    *d = *r;
    d->hits = NULL;
    d->n_hits = 0;
    d->categories = NULL;
    d->n_categories = 0;
    d->did_you_mean = sdup(r->did_you_mean, &oom);
    d->query_description = sdup(r->query_description, &oom);
    *bytes = sizeof *d + slen(r->did_you_mean) + slen(r->query_description);
    if (r->n_hits) {
        d->hits = hits_copy(r->hits, r->n_hits, bytes);
        oom |= !d->hits;
        d->n_hits = d->hits ? r->n_hits : 0;
    }
    if (r->n_categories) {
        d->categories = calloc(r->n_categories, sizeof *d->categories);
        oom |= !d->categories;
        for (size_t i = 0; d->categories && i < r->n_categories; i++) {
            d->categories[i].value = sdup(r->categories[i].value, &oom);
            d->categories[i].count = r->categories[i].count;
            d->n_categories++;
            *bytes += sizeof *d->categories + slen(r->categories[i].value);
        }
    }
    if (oom) {
        daleel_results_free(d);
        return NULL;
    }
    return d;
}

/* The key of a search: every option that decides its results. */
static int search_key(daleel_buf *k, const daleel_search_opts *o)
{
    daleel_buf_reset(k);
    daleel_buf_printf(k, "S%d|%d|%u|%u|%d|%d|%zu|", (int)o->lang,
                      o->internal, o->offset, o->limit, o->no_prefix,
                      o->no_correct, o->q_len);
    daleel_buf_append(k, o->q ? o->q : "", o->q_len);
    daleel_buf_putc(k, '\0');
    daleel_buf_puts(k, o->category ? o->category : "");
    daleel_buf_putc(k, '\0');
    daleel_buf_puts(k, o->tag ? o->tag : "");
    return k->err == DALEEL_OK;
}

daleel_status srv_search_cached(daleel_searcher *s, const daleel_search_opts *o,
                                const daleel_results **out)
{
    *out = NULL;
    cache *c = get(s);
    if (c) {
        daleel_results_free(c->uncached);
        c->uncached = NULL;
        c->pinned = NULL;
    }
    if (!use(c) || !search_key(&c->key, o)) {
        daleel_results *res = NULL;
        daleel_status st = daleel_search(s, o, &res);
        if (c)
            c->uncached = res;
        else if (st == DALEEL_OK)
            daleel_results_free(res);   /* out of memory: nothing to keep it */
        *out = c ? res : NULL;
        return st == DALEEL_OK && !c ? DALEEL_ENOMEM : st;
    }
    uint64_t h = hash(c->key.data, c->key.len);
    entry *e = find(c, c->key.data, c->key.len, h);
    if (e) {
        c->pinned = e;
        *out = e->res;
        return DALEEL_OK;
    }
    daleel_results *res = NULL;
    daleel_status st = daleel_search(s, o, &res);
    if (st != DALEEL_OK)
        return st;
    e = calloc(1, sizeof *e);
    if (!e || !(e->key = malloc(c->key.len))) {
        free(e);
        c->uncached = res;
        *out = res;
        return DALEEL_OK;
    }
    memcpy(e->key, c->key.data, c->key.len);
    e->key_len = c->key.len;
    e->hash = h;
    e->res = res;
    e->bytes = sizeof *e + e->key_len;
    /* About what the results hold: the hits' text. */
    for (size_t i = 0; i < res->n_hits; i++) {
        const daleel_hit *x = &res->hits[i];
        e->bytes += sizeof *x + slen(x->slug) + slen(x->title) +
                    slen(x->category) + slen(x->path) + slen(x->summary) +
                    slen(x->translation) + slen(x->section_id) +
                    slen(x->section_heading) + slen(x->snippet) +
                    x->n_marks * sizeof *x->marks;
    }
    e->bytes += slen(res->query_description) + slen(res->did_you_mean);
    insert(c, e);
    c->pinned = e;
    *out = res;
    return DALEEL_OK;
}

daleel_status srv_search_copy(daleel_searcher *s, const daleel_search_opts *o,
                              daleel_results **out)
{
    const daleel_results *r;
    *out = NULL;
    daleel_status st = srv_search_cached(s, o, &r);
    if (st != DALEEL_OK)
        return st;
    size_t bytes;
    *out = results_copy(r, &bytes);
    return *out ? DALEEL_OK : DALEEL_ENOMEM;
}

daleel_status srv_translations_cached(daleel_searcher *s, const char *tkey,
                                      const char *slug, const daleel_hit **out,
                                      size_t *n)
{
    *out = NULL;
    *n = 0;
    cache *c = get(s);
    if (!c)
        return DALEEL_ENOMEM;
    daleel_hits_free(c->uncached_hits, c->n_uncached_hits);
    c->uncached_hits = NULL;
    c->n_uncached_hits = 0;
    daleel_buf *k = &c->key;
    daleel_buf_reset(k);
    daleel_buf_putc(k, 'T');
    daleel_buf_puts(k, tkey);
    daleel_buf_putc(k, '\0');
    daleel_buf_puts(k, slug ? slug : "");
    if (!use(c) || k->err != DALEEL_OK) {
        daleel_status st = daleel_translations(s, tkey, slug, &c->uncached_hits,
                                               &c->n_uncached_hits);
        *out = c->uncached_hits;
        *n = c->n_uncached_hits;
        return st;
    }
    uint64_t h = hash(k->data, k->len);
    entry *e = find(c, k->data, k->len, h);
    if (e) {
        *out = e->hits;
        *n = e->n_hits;
        return DALEEL_OK;
    }
    daleel_hit *v = NULL;
    size_t nv = 0;
    daleel_status st = daleel_translations(s, tkey, slug, &v, &nv);
    if (st != DALEEL_OK)
        return st;
    e = calloc(1, sizeof *e);
    if (!e || !(e->key = malloc(k->len))) {
        free(e);
        c->uncached_hits = v;
        c->n_uncached_hits = nv;
        *out = v;
        *n = nv;
        return DALEEL_OK;
    }
    memcpy(e->key, k->data, k->len);
    e->key_len = k->len;
    e->hash = h;
    e->hits = v;
    e->n_hits = nv;
    e->bytes = sizeof *e + e->key_len;
    for (size_t i = 0; i < nv; i++)
        e->bytes += sizeof *v + slen(v[i].slug) + slen(v[i].title);
    insert(c, e);
    *out = v;
    *n = nv;
    return DALEEL_OK;
}

int srv_body_get(daleel_searcher *s, const char *k, size_t n, srv_body *out)
{
    cache *c = get(s);
    if (!use(c))
        return 0;
    entry *e = find(c, k, n, hash(k, n));
    if (!e || !e->body.data)
        return 0;
    *out = e->body;
    return 1;
}

void srv_body_put(daleel_searcher *s, const char *k, size_t n,
                  const srv_body *b)
{
    cache *c = get(s);
    if (!use(c))
        return;
    uint64_t h = hash(k, n);
    if (find(c, k, n, h))
        return;
    entry *e = calloc(1, sizeof *e);
    char *data = malloc(b->len ? b->len : 1);
    size_t *ids = b->n_ids ? malloc(b->n_ids * sizeof *ids) : NULL;
    if (!e || !(e->key = malloc(n ? n : 1)) || !data ||
        (b->n_ids && !ids)) {
        if (e)
            free(e->key);
        free(e);
        free(data);
        free(ids);
        return;
    }
    memcpy(e->key, k, n);
    e->key_len = n;
    e->hash = h;
    memcpy(data, b->data, b->len);
    if (b->n_ids)
        memcpy(ids, b->ids, b->n_ids * sizeof *ids);
    e->body = *b;
    e->body.data = data;
    e->body.ids = ids;
    e->bytes = sizeof *e + n + b->len + b->n_ids * sizeof *ids;
    insert(c, e);
}
