/* util.c: the small containers of daleel-index: the error report every step
 * of a run writes into, and a string -> index hash map (path and slug
 * lookups over thousands of articles must not be linear scans, or the
 * incremental run of a big folder stops being instant).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ix.h"

void ix_error_add(ix_errors *e, const char *path, int line, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);

    if (e->clear_line)
        e->clear_line(e->clear_ctx);
    if (line > 0)
        fprintf(stderr, "%s:%d: %s\n", path, line, msg);
    else
        fprintf(stderr, "%s: %s\n", path, msg);

    /* Out of memory while recording an error: the message was printed,
     * which is what matters most; --json then lists fewer errors. */
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 16;
        ix_error *v = realloc(e->v, cap * sizeof *v);
        if (!v)
            return;
        e->v = v;
        e->cap = cap;
    }
    char *p = strdup(path);
    char *m = strdup(msg);
    if (!p || !m) {
        free(p);
        free(m);
        return;
    }
    e->v[e->n++] = (ix_error){ p, line, m };
}

void ix_errors_free(ix_errors *e)
{
    for (size_t i = 0; i < e->n; i++) {
        free(e->v[i].path);
        free(e->v[i].msg);
    }
    free(e->v);
    e->v = NULL;
    e->n = e->cap = 0;
}

/* FNV-1a, 64 bits: keys are short paths and slugs. */
static uint64_t str_hash(const char *s)
{
    uint64_t h = 14695981039346656037ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

static daleel_status grow(ix_strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    const char **keys = calloc(cap, sizeof *keys);
    size_t *vals = calloc(cap, sizeof *vals);
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return DALEEL_ENOMEM;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = str_hash(m->keys[i]) & (cap - 1);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        vals[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
    return DALEEL_OK;
}

daleel_status ix_strmap_put(ix_strmap *m, const char *key, size_t val)
{
    /* Keep the load under one half so probes stay short. */
    if ((m->n + 1) * 2 > m->cap && grow(m) != DALEEL_OK)
        return DALEEL_ENOMEM;
    size_t j = str_hash(key) & (m->cap - 1);
    while (m->keys[j]) {
        if (strcmp(m->keys[j], key) == 0) {
            m->vals[j] = val;
            return DALEEL_OK;
        }
        j = (j + 1) & (m->cap - 1);
    }
    m->keys[j] = key;
    m->vals[j] = val;
    m->n++;
    return DALEEL_OK;
}

int ix_strmap_get(const ix_strmap *m, const char *key, size_t *val)
{
    if (!m->cap)
        return 0;
    size_t j = str_hash(key) & (m->cap - 1);
    while (m->keys[j]) {
        if (strcmp(m->keys[j], key) == 0) {
            *val = m->vals[j];
            return 1;
        }
        j = (j + 1) & (m->cap - 1);
    }
    return 0;
}

void ix_strmap_free(ix_strmap *m)
{
    free(m->keys);
    free(m->vals);
    m->keys = NULL;
    m->vals = NULL;
    m->n = m->cap = 0;
}
