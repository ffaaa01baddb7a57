/* bench_search.c: in-process latency of daleel_search() (with snippets and
 * category facets) and daleel_suggest() over an index, for
 * bench/search.sh.
 *
 * The queries are made at run time from the index itself, so no corpus
 * text is kept in the repository: from documents picked with a fixed seed,
 * a third from titles (1-2 words) and the rest from summaries (1-4
 * words), half from Arabic and half from English articles (when the index
 * has both), every fifth with a typo in its last word (two letters swapped
 * or one dropped), one in six as a question ("how to ...", "كيف ...").
 * Suggestions are timed on prefixes of the same queries.
 *
 * Usage: bench_search INDEX [N_QUERIES] [ROUNDS]
 * Prints one line per measure: count, p50, p90, p99 and max in ms.
 * BENCH_CPU=1: thread CPU time; BENCH_SHOW=1: each query's time;
 * BENCH_QUERIES=FILE: the queries, one a line; BENCH_DUMP=FILE: what each
 * query found (hits, snippets, marks, counts), to check that a faster
 * version finds and shows the same.  Instruction counts, steadier than
 * time on a shared machine: valgrind --tool=callgrind
 * --toggle-collect=daleel_search bench_search INDEX 400 1.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "daleel/index.h"
#include "daleel/search.h"

static uint64_t rng = 0x9E3779B97F4A7C15u;

static unsigned rnd(unsigned n)
{
    /* xorshift64*: fixed seed, the same queries on every run. */
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (unsigned)((rng * 2685821657736338717u) >> 33) % (n ? n : 1);
}

/* Wall-clock time by default; with BENCH_CPU=1 the thread's CPU time,
 * which a loaded machine disturbs less (the index is in the page cache,
 * so a search hardly waits for anything but the CPU). */
static clockid_t clock_id = CLOCK_MONOTONIC;

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(clock_id, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void report(const char *what, double *v, size_t n)
{
    if (!n)
        return;
    qsort(v, n, sizeof *v, cmp_double);
    printf("%-10s n=%zu  p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms\n",
           what, n, v[n / 2], v[n * 9 / 10], v[n * 99 / 100], v[n - 1]);
}

static int is_letter(unsigned char c)
{
    return c >= 0x80 || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Split 'text' into words of letters (ASCII letters or any non-ASCII
 * byte), at least 3 bytes long. */
static size_t words_of(const char *text, char words[][64], size_t max)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)text;
    while (*p && n < max) {
        while (*p && !is_letter(*p))
            p++;
        const unsigned char *s = p;
        while (*p && is_letter(*p))
            p++;
        size_t len = (size_t)(p - s);
        if (len >= 3 && len < 64) {
            memcpy(words[n], s, len);
            words[n][len] = '\0';
            n++;
        }
    }
    return n;
}

/* A typo: swap two neighbouring letters (ASCII) or drop one letter. */
static void typo(char *w)
{
    size_t len = strlen(w);
    if (len < 4)
        return;
    if ((unsigned char)w[0] < 0x80) {
        size_t i = 1 + rnd((unsigned)len - 2);
        char c = w[i];
        w[i] = w[i + 1];
        w[i + 1] = c;
    } else {
        /* Arabic: drop one two-byte letter in the middle. */
        size_t i = 2 * (1 + rnd((unsigned)(len / 2 - 1)));
        if (i + 2 <= len && ((unsigned char)w[i] & 0xC0) != 0x80)
            memmove(w + i, w + i + 2, len - i - 1);
    }
}

/* Words of tldr's boilerplate ("More information: https://...", "See
 * also", "لمزيد من التفاصيل") that no reader types. */
static int boilerplate(const char *w)
{
    static const char *const words[] = {
        "https", "http", "www", "com", "org", "html", "More", "information",
        "See", "also", "لمزيد", "التفاصيل", "انظر", "أيضًا", NULL};
    for (size_t i = 0; words[i]; i++)
        if (strcmp(w, words[i]) == 0)
            return 1;
    return 0;
}

/* Make 'n' queries from the index's documents: a third from titles
 * (command names: "git commit", "tar"), the rest from the words of the
 * summaries (what a page is for: "extract files from an archive"),
 * skipping alias pages, whose summary says only that. */
static char **make_queries(daleel_index *idx, size_t n)
{
    char **q = calloc(n, sizeof *q);
    unsigned docs = daleel_index_doccount(idx);
    if (!q || !docs)
        return NULL;
    static char words[256][64], kept[256][64];
    unsigned tries = 0;
    for (size_t i = 0; i < n;) {
        int want_ar = i % 2;
        char *data = NULL;
        size_t len;
        unsigned docid = 1 + rnd(docs);
        if (daleel_index_get_data(idx, docid, &data, &len) != DALEEL_OK)
            continue;
        json_t *o = json_loadb(data, len, 0, NULL);
        free(data);
        const char *lang = json_string_value(json_object_get(o, "lang"));
        const char *sum = json_string_value(json_object_get(o, "summary"));
        const char *title = json_string_value(json_object_get(o, "title"));
        int from_title = rnd(3) == 0;
        const char *src = from_title ? title : sum;
        int is_ar = lang && strcmp(lang, "ar") == 0;
        size_t nw = 0;
        if (src && sum && !strstr(sum, "alias") && !strstr(sum, "مستعار")) {
            size_t all = words_of(src, words, 256);
            for (size_t j = 0; j < all; j++)
                if (!boilerplate(words[j]))
                    memcpy(kept[nw++], words[j], 64);
        }
        /* The other language may be rare or absent: after many tries,
         * take what there is. */
        if (nw == 0 || (is_ar != want_ar && ++tries < 200)) {
            json_decref(o);
            continue;
        }
        tries = 0;
        want_ar = is_ar;
        size_t k = 1 + rnd(from_title ? 2 : 4);
        if (k > nw)
            k = nw;
        size_t first = from_title ? 0 : rnd((unsigned)(nw - k + 1));
        char buf[512];
        size_t off = 0;
        if (rnd(6) == 0)
            off += (size_t)snprintf(buf, sizeof buf, "%s ",
                                    want_ar ? "كيف" : "how to");
        for (size_t j = 0; j < k; j++) {
            if (j == k - 1 && rnd(5) == 0)
                typo(kept[first + j]);
            off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%s",
                                    j ? " " : "", kept[first + j]);
            if (off >= sizeof buf)
                off = sizeof buf - 1;
        }
        json_decref(o);
        q[i++] = strdup(buf);
    }
    return q;
}

/* One query's results, a line per hit: rank, slug, section, snippet and
 * marks; then the categories. */
static void dump_results(FILE *f, const char *q, const daleel_results *r)
{
    fprintf(f, "Q %s\t%u%s%s\n", q, r->total, r->corrected ? " corrected " : "",
            r->did_you_mean ? r->did_you_mean : "");
    for (size_t i = 0; i < r->n_hits; i++) {
        const daleel_hit *h = &r->hits[i];
        fprintf(f, "  %u %s #%s %s [", h->rank, h->slug, h->section_id,
                h->snippet);
        for (size_t k = 0; k < h->n_marks; k++)
            fprintf(f, "%s%zu+%zu", k ? " " : "", h->marks[k].start,
                    h->marks[k].len);
        fputs("]\n", f);
    }
    for (size_t i = 0; i < r->n_categories; i++)
        fprintf(f, "  C %s %u\n", r->categories[i].value, r->categories[i].count);
}

/* Queries from a file, one a line (BENCH_QUERIES=FILE), instead. */
static char **read_queries(const char *path, size_t *n)
{
    FILE *f = fopen(path, "r");
    char **q = NULL, line[1024];
    size_t cap = 0;
    *n = 0;
    if (!f)
        return NULL;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (!line[0])
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            q = realloc(q, cap * sizeof *q);
            if (!q)
                break;
        }
        q[(*n)++] = strdup(line);
    }
    fclose(f);
    return q;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: bench_search INDEX [N_QUERIES] [ROUNDS]\n", stderr);
        return 2;
    }
    if (getenv("BENCH_CPU") && strcmp(getenv("BENCH_CPU"), "1") == 0)
        clock_id = CLOCK_THREAD_CPUTIME_ID;
    size_t n = argc > 2 ? strtoul(argv[2], NULL, 10) : 400;
    size_t rounds = argc > 3 ? strtoul(argv[3], NULL, 10) : 3;
    if (n == 0 || rounds == 0)
        return 2;
    daleel_index *idx = NULL;
    daleel_searcher *s = NULL;
    if (daleel_index_open(argv[1], &idx) != DALEEL_OK ||
        daleel_searcher_open(argv[1], &s) != DALEEL_OK) {
        fprintf(stderr, "bench_search: cannot open %s\n", argv[1]);
        return 2;
    }
    char **q = getenv("BENCH_QUERIES") ? read_queries(getenv("BENCH_QUERIES"), &n)
                                       : make_queries(idx, n);
    if (!q)
        return 2;

    /* BENCH_DUMP=FILE: what each query found (to check that a faster
     * version finds and shows the same). */
    FILE *dump = getenv("BENCH_DUMP") ? fopen(getenv("BENCH_DUMP"), "w") : NULL;
    double *t_search = calloc(n * rounds, sizeof *t_search);
    double *t_suggest = calloc(n * rounds, sizeof *t_suggest);
    size_t hits = 0, empty = 0, corrected = 0;
    /* One untimed pass warms the caches, as a running server has them. */
    for (size_t r = 0; r <= rounds; r++) {
        for (size_t i = 0; i < n; i++) {
            daleel_search_opts o = {0};
            o.q = q[i];
            o.q_len = strlen(q[i]);
            o.limit = 10;
            daleel_results *res = NULL;
            double t0 = now_ms();
            if (daleel_search(s, &o, &res) != DALEEL_OK) {
                fprintf(stderr, "bench_search: %s\n", daleel_searcher_errmsg(s));
                return 1;
            }
            double t1 = now_ms();
            if (r) {
                t_search[(r - 1) * n + i] = t1 - t0;
            } else {
                if (dump)
                    dump_results(dump, q[i], res);
                if (getenv("BENCH_SHOW"))
                    printf("%8.3f ms  %u matches  %s\n", t1 - t0, res->total,
                           q[i]);
                hits += res->n_hits;
                empty += res->n_hits == 0;
                corrected += res->corrected;
            }
            daleel_results_free(res);

            /* A prefix of the query, as typed so far. */
            size_t len = strlen(q[i]);
            size_t cut = 2 + (len > 2 ? (size_t)(i * 7919) % (len - 1) : 0);
            if (cut > len)
                cut = len;
            while (cut < len && ((unsigned char)q[i][cut] & 0xC0) == 0x80)
                cut++;
            daleel_suggestion *sv = NULL;
            size_t ns = 0;
            t0 = now_ms();
            daleel_suggest(s, q[i], cut, DALEEL_LANG_NONE, 0, 8, &sv, &ns);
            t1 = now_ms();
            if (r)
                t_suggest[(r - 1) * n + i] = t1 - t0;
            daleel_suggestions_free(sv, ns);
        }
    }
    printf("index: %u documents; %zu queries x %zu rounds; %.1f hits/query, "
           "%zu with no hits, %zu corrected; %s time\n",
           daleel_index_doccount(idx), n, rounds, (double)hits / (double)n,
           empty, corrected,
           clock_id == CLOCK_MONOTONIC ? "wall-clock" : "CPU");
    report("search", t_search, n * rounds);
    report("suggest", t_suggest, n * rounds);
    if (dump)
        fclose(dump);
    for (size_t i = 0; i < n; i++)
        free(q[i]);
    free(q);
    free(t_search);
    free(t_suggest);
    daleel_searcher_close(s);
    daleel_index_close(idx);
    return 0;
}
