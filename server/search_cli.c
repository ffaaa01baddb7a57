/* search_cli.c: daleel-search, searching an index from the command line:
 * for writers checking "does my article come up for X?", and for tests.
 * It prints rank, title, source path, section anchor and snippet (matches
 * in [brackets]), or with --json one JSON object for machines.
 *
 * Exit status: 0 something found, 1 nothing found, 2 usage or error.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "daleel/daleel.h"
#include "daleel/search.h"

#define EXIT_FOUND 0
#define EXIT_NONE 1
#define EXIT_ERROR 2

typedef struct {
    const char *index;
    daleel_search_opts so;
    int json, suggest, explain;
    const char *related;
    char *query;
    size_t query_len;
} options;

static void usage(FILE *f)
{
    fputs("usage: daleel-search [--index DIR] [--lang ar|en] [--category C] [--tag T]\n"
          "                     [--internal] [--limit N] [--offset N] [--json]\n"
          "                     [--no-prefix] [--explain] QUERY...\n"
          "       daleel-search [--index DIR] --suggest [--lang ar|en] [--limit N] [--json] PREFIX...\n"
          "       daleel-search [--index DIR] --related SLUG [--internal] [--limit N] [--json]\n"
          "\n"
          "Search the help center's index and print rank, title, source path, section\n"
          "anchor and snippet of each hit (matched words in [brackets]).\n"
          "\n"
          "  --index DIR     the index folder (default: index)\n"
          "  --lang L        only articles in language L (ar or en); by default all,\n"
          "                  the query's own language first\n"
          "  --category C    only articles of category C\n"
          "  --tag T         only articles with tag T\n"
          "  --internal      include internal (agents-only) articles\n"
          "  --limit N       at most N hits (default 10)\n"
          "  --offset N      skip the first N hits\n"
          "  --no-prefix     do not complete the last word as a prefix\n"
          "  --explain       also print the Xapian query that ran\n"
          "  --suggest       print title suggestions for a prefix being typed\n"
          "  --related SLUG  print articles related to SLUG\n"
          "  --json          print one JSON object on stdout\n"
          "  --help, --version\n"
          "\n"
          "Exit status: 0 something found, 1 nothing found, 2 usage or error.\n", f);
}

static int parse_uint(const char *s, unsigned max, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v > max)
        return -1;
    *out = (unsigned)v;
    return 0;
}

/* The value of option 'name' at argv[*i]: "--name=V" or "--name V".
 * NULL when argv[*i] is not that option. */
static const char *opt_value(int argc, char **argv, int *i, const char *name,
                             int *missing)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0)
        return NULL;
    if (a[n] == '=')
        return a + n + 1;
    if (a[n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = 1;
        return NULL;
    }
    return argv[++*i];
}

static int parse_args(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    o->index = "index";
    FILE *q = open_memstream(&o->query, &o->query_len);
    if (!q)
        return -1;
    int words = 0, only_words = 0, bad = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        int missing = 0;
        if (only_words || a[0] != '-' || strcmp(a, "-") == 0) {
            /* Words of the query, joined by single spaces.  A lone "-" is
             * a (useless) query word, not an option. */
            if (words++)
                fputc(' ', q);
            fputs(a, q);
        } else if (strcmp(a, "--") == 0) {
            only_words = 1;
        } else if ((v = opt_value(argc, argv, &i, "--index", &missing))) {
            o->index = v;
        } else if ((v = opt_value(argc, argv, &i, "--lang", &missing))) {
            o->so.lang = daleel_lang_from_code(v);
            if (o->so.lang == DALEEL_LANG_NONE) {
                fprintf(stderr, "daleel-search: --lang: '%s' is not ar or en\n", v);
                bad = 1;
            }
        } else if ((v = opt_value(argc, argv, &i, "--category", &missing))) {
            o->so.category = v;
        } else if ((v = opt_value(argc, argv, &i, "--tag", &missing))) {
            o->so.tag = v;
        } else if ((v = opt_value(argc, argv, &i, "--limit", &missing))) {
            if (parse_uint(v, 1000, &o->so.limit) != 0 || o->so.limit == 0) {
                fprintf(stderr, "daleel-search: --limit: '%s' is not a number "
                                "from 1 to 1000\n", v);
                bad = 1;
            }
        } else if ((v = opt_value(argc, argv, &i, "--offset", &missing))) {
            if (parse_uint(v, 1000000, &o->so.offset) != 0) {
                fprintf(stderr, "daleel-search: --offset: '%s' is not a number\n", v);
                bad = 1;
            }
        } else if ((v = opt_value(argc, argv, &i, "--related", &missing))) {
            o->related = v;
        } else if (strcmp(a, "--internal") == 0) {
            o->so.internal = 1;
        } else if (strcmp(a, "--json") == 0) {
            o->json = 1;
        } else if (strcmp(a, "--suggest") == 0) {
            o->suggest = 1;
        } else if (strcmp(a, "--no-prefix") == 0) {
            o->so.no_prefix = 1;
        } else if (strcmp(a, "--explain") == 0) {
            o->explain = 1;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fclose(q);
            usage(stdout);
            return 1;
        } else if (strcmp(a, "--version") == 0) {
            fclose(q);
            printf("daleel-search %s\n", DALEEL_VERSION);
            return 1;
        } else {
            if (missing)
                fprintf(stderr, "daleel-search: %s needs a value\n", a);
            else
                fprintf(stderr, "daleel-search: unknown option '%s'\n", a);
            bad = 1;
        }
    }
    if (fclose(q) != 0)
        return -1;
    if (!bad && !o->related && words == 0) {
        fputs("daleel-search: no query given\n", stderr);
        bad = 1;
    }
    if (bad) {
        fputs("Try 'daleel-search --help'.\n", stderr);
        return -1;
    }
    o->so.q = o->query;
    o->so.q_len = o->query_len;
    return 0;
}

/* ---- JSON ---------------------------------------------------------------- */

/* A JSON string of 'len' bytes that may not be valid UTF-8 (the query as
 * typed): invalid bytes become U+FFFD, so jansson accepts it. */
static json_t *jstring_lossy(const char *s, size_t len)
{
    json_t *j = json_stringn(s, len);
    if (j)
        return j;
    char *buf = malloc(3 * len + 1);
    if (!buf)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3
                                 : (c >> 3) == 30 ? 4 : 0;
        int ok = n > 0 && i + n <= len && c != 0;
        for (size_t k = 1; ok && k < n; k++)
            ok = ((unsigned char)s[i + k] & 0xC0) == 0x80;
        if (ok && n > 1) {
            json_t *t = json_stringn(s + i, n);  /* overlong, surrogates */
            ok = t != NULL;
            json_decref(t);
        }
        if (ok) {
            memcpy(buf + o, s + i, n);
            o += n;
            i += n;
        } else {
            memcpy(buf + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        }
    }
    j = json_stringn(buf, o);
    free(buf);
    return j;
}

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *hit_json(const daleel_hit *h, int full)
{
    json_t *o = json_object();
    json_object_set_new(o, "rank", json_integer(h->rank + 1));
    json_object_set_new(o, "slug", jstr(h->slug));
    json_object_set_new(o, "title", jstr(h->title));
    json_object_set_new(o, "lang", json_string(daleel_lang_code(h->lang)));
    json_object_set_new(o, "path", jstr(h->path));
    json_object_set_new(o, "summary", jstr(h->summary));
    if (!full)
        return o;
    json_object_set_new(o, "category", jstr(h->category));
    json_object_set_new(o, "internal", json_boolean(h->internal));
    json_object_set_new(o, "updated", json_integer(h->updated));
    json_object_set_new(o, "translation", jstr(h->translation));
    json_object_set_new(o, "section_id", jstr(h->section_id));
    json_object_set_new(o, "section_heading", jstr(h->section_heading));
    json_object_set_new(o, "snippet", jstr(h->snippet));
    json_t *marks = json_array();
    for (size_t k = 0; k < h->n_marks; k++)
        json_array_append_new(marks, json_pack("[II]",
                                               (json_int_t)h->marks[k].start,
                                               (json_int_t)h->marks[k].len));
    json_object_set_new(o, "marks", marks);
    json_object_set_new(o, "score", json_real(h->score));
    return o;
}

static int print_json(json_t *o)
{
    char *s = json_dumps(o, JSON_INDENT(2));
    json_decref(o);
    if (!s) {
        fputs("daleel-search: out of memory\n", stderr);
        return -1;
    }
    puts(s);
    free(s);
    return 0;
}

/* ---- Text ---------------------------------------------------------------- */

/* The snippet with its marks in [brackets]; control characters (there
 * should be none) as spaces, so a terminal shows only text. */
static void print_marked(const daleel_hit *h)
{
    const char *s = h->snippet;
    size_t len = strlen(s), k = 0;
    for (size_t i = 0; i <= len; i++) {
        if (k < h->n_marks && h->marks[k].start + h->marks[k].len == i) {
            fputc(']', stdout);
            k++;
        }
        if (i == len)
            break;
        if (k < h->n_marks && h->marks[k].start == i)
            fputc('[', stdout);
        unsigned char c = (unsigned char)s[i];
        fputc(c < 0x20 || c == 0x7f ? ' ' : c, stdout);
    }
    fputc('\n', stdout);
}

static void print_hit_text(const daleel_hit *h)
{
    printf("%u. %s\n", h->rank + 1, h->title);
    printf("   %s", h->path[0] ? h->path : h->slug);
    if (h->section_id && h->section_id[0])
        printf("#%s", h->section_id);
    if (h->internal)
        fputs("  (internal)", stdout);
    fputc('\n', stdout);
    if (h->snippet && h->snippet[0]) {
        fputs("   ", stdout);
        print_marked(h);
    }
}

/* ---- Modes --------------------------------------------------------------- */

static int do_search(daleel_searcher *s, const options *o)
{
    daleel_results *r;
    daleel_status st = daleel_search(s, &o->so, &r);
    if (st != DALEEL_OK) {
        fprintf(stderr, "daleel-search: %s\n", daleel_searcher_errmsg(s)[0]
                                                   ? daleel_searcher_errmsg(s)
                                                   : daleel_status_str(st));
        return EXIT_ERROR;
    }
    int code = r->n_hits ? EXIT_FOUND : EXIT_NONE;
    if (o->json) {
        json_t *j = json_object();
        json_object_set_new(j, "query", jstring_lossy(o->query, o->query_len));
        json_object_set_new(j, "query_lang",
                            json_string(daleel_lang_code(r->query_lang)));
        json_object_set_new(j, "total", json_integer(r->total));
        json_object_set_new(j, "did_you_mean",
                            r->did_you_mean ? jstring_lossy(r->did_you_mean,
                                                            strlen(r->did_you_mean))
                                            : json_null());
        json_object_set_new(j, "corrected", json_boolean(r->corrected));
        json_t *cats = json_array();
        for (size_t i = 0; i < r->n_categories; i++)
            json_array_append_new(cats, json_pack("{s:s,s:I}", "value",
                                                  r->categories[i].value, "count",
                                                  (json_int_t)r->categories[i].count));
        json_object_set_new(j, "categories", cats);
        json_t *hits = json_array();
        for (size_t i = 0; i < r->n_hits; i++)
            json_array_append_new(hits, hit_json(&r->hits[i], 1));
        json_object_set_new(j, "hits", hits);
        if (o->explain)
            json_object_set_new(j, "query_description",
                                jstring_lossy(r->query_description,
                                              strlen(r->query_description)));
        if (print_json(j) != 0)
            code = EXIT_ERROR;
    } else {
        if (r->corrected)
            printf("No results for the query as typed; showing results for: %s\n",
                   r->did_you_mean);
        else if (r->did_you_mean)
            printf("Did you mean: %s\n", r->did_you_mean);
        if (o->explain)
            printf("Query: %s\n", r->query_description);
        if (r->n_hits == 0)
            puts("No results.");
        else
            printf("%u result%s\n", r->total, r->total == 1 ? "" : "s");
        for (size_t i = 0; i < r->n_hits; i++)
            print_hit_text(&r->hits[i]);
    }
    daleel_results_free(r);
    return code;
}

static int do_suggest(daleel_searcher *s, const options *o)
{
    daleel_suggestion *v;
    size_t n;
    daleel_status st = daleel_suggest(s, o->query, o->query_len, o->so.lang,
                                      o->so.internal,
                                      o->so.limit ? o->so.limit : 8, &v, &n);
    if (st != DALEEL_OK) {
        fprintf(stderr, "daleel-search: %s\n", daleel_searcher_errmsg(s));
        return EXIT_ERROR;
    }
    int code = n ? EXIT_FOUND : EXIT_NONE;
    if (o->json) {
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:b}", "slug",
                                               v[i].slug, "title", v[i].title,
                                               "lang", daleel_lang_code(v[i].lang),
                                               "internal", v[i].internal));
        json_t *j = json_object();
        json_object_set_new(j, "query", jstring_lossy(o->query, o->query_len));
        json_object_set_new(j, "suggestions", a);
        if (print_json(j) != 0)
            code = EXIT_ERROR;
    } else {
        for (size_t i = 0; i < n; i++)
            printf("%s\t%s\n", v[i].title, v[i].slug);
    }
    daleel_suggestions_free(v, n);
    return code;
}

static int do_related(daleel_searcher *s, const options *o)
{
    daleel_hit *v;
    size_t n;
    daleel_status st = daleel_related(s, o->related, o->so.internal,
                                      o->so.limit ? o->so.limit : 5, &v, &n);
    if (st != DALEEL_OK) {
        fprintf(stderr, "daleel-search: %s\n", daleel_searcher_errmsg(s));
        return st == DALEEL_ENOTFOUND ? EXIT_NONE : EXIT_ERROR;
    }
    int code = n ? EXIT_FOUND : EXIT_NONE;
    if (o->json) {
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, hit_json(&v[i], 0));
        json_t *j = json_object();
        json_object_set_new(j, "slug", json_string(o->related));
        json_object_set_new(j, "related", a);
        if (print_json(j) != 0)
            code = EXIT_ERROR;
    } else {
        for (size_t i = 0; i < n; i++)
            printf("%zu. %s\n   %s\n", i + 1, v[i].title, v[i].path);
    }
    daleel_hits_free(v, n);
    return code;
}

int main(int argc, char **argv)
{
    options o;
    int r = parse_args(argc, argv, &o);
    if (r != 0) {
        free(o.query);
        return r > 0 ? EXIT_FOUND : EXIT_ERROR;
    }
    daleel_searcher *s;
    daleel_status st = daleel_searcher_open(o.index, &s);
    if (st != DALEEL_OK) {
        if (st == DALEEL_ENOTFOUND)
            fprintf(stderr, "daleel-search: no index at '%s' (run daleel-index "
                            "first)\n", o.index);
        else if (st == DALEEL_EVERSION)
            fprintf(stderr, "daleel-search: %s: built by another analyzer "
                            "version; run daleel-index --full\n", o.index);
        else
            fprintf(stderr, "daleel-search: %s: %s\n", o.index,
                    daleel_status_str(st));
        free(o.query);
        return EXIT_ERROR;
    }
    if (o.related)
        r = do_related(s, &o);
    else if (o.suggest)
        r = do_suggest(s, &o);
    else
        r = do_search(s, &o);
    daleel_searcher_close(s);
    free(o.query);
    return r;
}
