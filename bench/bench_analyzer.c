/* bench_analyzer.c: analyzer throughput.  Reads every .md file under the
 * folders given on the command line into memory, then analyzes each file
 * (index mode, as the indexer does) several times and prints the median
 * MB/s and tokens/s of the passes, by CPU time of this thread (the figure
 * that matters on a loaded machine) and by wall-clock time.
 *   bench_analyzer [--passes N] [--query] DIR...
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "daleel/text.h"

typedef struct {
    char *text;
    size_t len;
} doc;

typedef struct {
    doc *d;
    size_t n, cap;
    size_t bytes;
} corpus;

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

static int add_file(corpus *c, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size < 0) {
        fclose(f);
        return -1;
    }
    size_t len = (size_t)st.st_size;
    char *t = malloc(len ? len : 1);
    if (!t || fread(t, 1, len, f) != len) {
        free(t);
        fclose(f);
        return -1;
    }
    fclose(f);
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 256;
        doc *nd = realloc(c->d, nc * sizeof *nd);
        if (!nd) {
            free(t);
            return -1;
        }
        c->d = nd;
        c->cap = nc;
    }
    c->d[c->n].text = t;
    c->d[c->n].len = len;
    c->n++;
    c->bytes += len;
    return 0;
}

static int walk(corpus *c, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "bench_analyzer: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        size_t pl = strlen(dir) + strlen(e->d_name) + 2;
        char *p = malloc(pl);
        if (!p)
            break;
        snprintf(p, pl, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(p, &st) == 0) {
            if (S_ISDIR(st.st_mode))
                walk(c, p);
            else if (S_ISREG(st.st_mode) && ends_with(p, ".md"))
                add_file(c, p);
        }
        free(p);
    }
    closedir(d);
    return 0;
}

static double now(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int passes = 5, first = 1;
    daleel_analyze_mode mode = DALEEL_ANALYZE_INDEX;
    while (first < argc && argv[first][0] == '-') {
        if (strcmp(argv[first], "--passes") == 0 && first + 1 < argc) {
            char *end;
            long v = strtol(argv[first + 1], &end, 10);
            if (*end || v < 1 || v > 100) {
                fputs("bench_analyzer: --passes takes 1..100\n", stderr);
                return 2;
            }
            passes = (int)v;
            first += 2;
        } else if (strcmp(argv[first], "--query") == 0) {
            mode = DALEEL_ANALYZE_QUERY;
            first++;
        } else {
            break;
        }
    }
    if (first >= argc) {
        fputs("usage: bench_analyzer [--passes N] [--query] DIR...\n", stderr);
        return 2;
    }
    corpus c = {0};
    for (int i = first; i < argc; i++)
        walk(&c, argv[i]);
    if (c.n == 0) {
        fputs("bench_analyzer: no .md files\n", stderr);
        return 2;
    }
    daleel_analyzer *an = daleel_analyzer_new();
    if (!an) {
        fputs("bench_analyzer: out of memory\n", stderr);
        return 2;
    }
    double *cpu = malloc((size_t)passes * sizeof *cpu);
    double *wall = malloc((size_t)passes * sizeof *wall);
    if (!cpu || !wall)
        return 2;
    size_t tokens = 0, terms = 0;
    for (int p = 0; p < passes; p++) {
        tokens = terms = 0;
        double c0 = now(CLOCK_THREAD_CPUTIME_ID), w0 = now(CLOCK_MONOTONIC);
        for (size_t k = 0; k < c.n; k++) {
            const daleel_analysis *a;
            if (daleel_analyze(an, c.d[k].text, c.d[k].len, mode, 1, &a) !=
                    DALEEL_OK) {
                fputs("bench_analyzer: analysis failed\n", stderr);
                return 1;
            }
            tokens += a->n_tokens;
            terms += a->n_terms;
        }
        cpu[p] = now(CLOCK_THREAD_CPUTIME_ID) - c0;
        wall[p] = now(CLOCK_MONOTONIC) - w0;
    }
    qsort(cpu, (size_t)passes, sizeof *cpu, cmp_double);
    qsort(wall, (size_t)passes, sizeof *wall, cmp_double);
    double mc = cpu[passes / 2], mw = wall[passes / 2];
    double mb = (double)c.bytes / 1e6;
    printf("%zu files, %.1f MB, %zu tokens, %zu terms, %d passes (%s mode)\n",
           c.n, mb, tokens, terms, passes,
           mode == DALEEL_ANALYZE_QUERY ? "query" : "index");
    printf("median cpu:  %.3f s  %.1f MB/s  %.2f M tokens/s\n", mc, mb / mc,
           (double)tokens / mc / 1e6);
    printf("median wall: %.3f s  %.1f MB/s  %.2f M tokens/s\n", mw, mb / mw,
           (double)tokens / mw / 1e6);
    daleel_analyzer_free(an);
    for (size_t k = 0; k < c.n; k++)
        free(c.d[k].text);
    free(c.d);
    free(cpu);
    free(wall);
    return 0;
}
