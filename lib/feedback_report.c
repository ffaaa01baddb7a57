/* feedback_report.c: the writers' gap report (daleel_gaps_report()) and
 * its JSON, CSV and text renderings, shared by the server's /gaps pages and
 * `daleel-gaps`.  Counts come from the daily counter tables, which survive
 * the retention purge; examples and comments from the raw rows.  The
 * fields are documented in docs/gaps.md.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "feedback_int.h"

#define MAX_DAYS 3660
/* Above this many groups the subset merge (quadratic) is skipped. */
#define MAX_MERGE 20000

double daleel_wilson_lower(long yes, long no)
{
    /* Wilson score interval (Wilson 1927), lower bound:
     *   (p + z²/2n - z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)
     * It is small for few votes whatever their ratio, so an article with
     * one "yes" does not outrank one with 90 of 100. */
    const double z = 1.96;
    double n = (double)yes + (double)no;
    if (n <= 0)
        return 0;
    double p = (double)yes / n;
    double lb = (p + z * z / (2 * n) -
                 z * sqrt(p * (1 - p) / n + z * z / (4 * n * n))) /
                (1 + z * z / n);
    return lb < 0 ? 0 : lb;
}

/* ---- Memory ------------------------------------------------------------ */

static void free_group(daleel_gap_group *g)
{
    free(g->lang);
    free(g->normal);
    for (size_t i = 0; i < g->n_examples; i++)
        free(g->examples[i]);
}

void daleel_gap_articles_free(daleel_gap_article *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(a[i].slug);
        free(a[i].lang);
        for (size_t j = 0; j < a[i].n_comments; j++) {
            free(a[i].comments[j].query);
            free(a[i].comments[j].comment);
        }
        free(a[i].comments);
    }
    free(a);
}

void daleel_gap_report_free(daleel_gap_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_no_result; i++)
        free_group(&r->no_result[i]);
    for (size_t i = 0; i < r->n_unclicked; i++)
        free_group(&r->unclicked[i]);
    free(r->no_result);
    free(r->unclicked);
    daleel_gap_articles_free(r->articles, r->n_articles);
    for (size_t i = 0; i < r->n_reports; i++) {
        free(r->reports[i].lang);
        free(r->reports[i].query);
        free(r->reports[i].comment);
    }
    free(r->reports);
    free(r->days);
    free(r);
}

/* A copy of column 'i' as a string, NULL for SQL NULL.  '*oom' is set when
 * a non-NULL value could not be copied. */
static char *col_dup(sqlite3_stmt *st, int i, int *oom)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    if (!t) {
        if (sqlite3_column_type(st, i) != SQLITE_NULL)
            *oom = 1;
        return NULL;
    }
    char *s = strdup((const char *)t);
    if (!s)
        *oom = 1;
    return s;
}

/* ---- Query context ------------------------------------------------------ */

typedef struct {
    daleel_feedback *fb;
    const char *lang;       /* NULL for all */
    int64_t since, until;   /* seconds, day-aligned */
    int64_t d0, d1;         /* days [d0, d1) */
    unsigned limit;
    int best_first;         /* articles: most helpful first, no comments */
} ctx;

static daleel_status prep(ctx *c, const char *sql, sqlite3_stmt **st)
{
    int rc = sqlite3_prepare_v2(c->fb->db, sql, -1, st, NULL);
    return rc == SQLITE_OK ? DALEEL_OK : dli_fb_fail(c->fb, rc, "gap report");
}

static daleel_status no_memory(ctx *c)
{
    return dli_fb_set_err(c->fb, DALEEL_ENOMEM, "gap report: out of memory");
}

/* The status of a loop over sqlite3_step() that ended on 'rc': out of
 * memory when 'oom' was set; else fine when it read every row
 * (SQLITE_DONE) or stopped early on purpose (SQLITE_ROW: a limit was
 * reached), and an SQLite error otherwise. */
static daleel_status rows_end(ctx *c, int oom, int rc)
{
    if (oom)
        return no_memory(c);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return dli_fb_fail(c->fb, rc, "gap report");
    return DALEEL_OK;
}

/* Bind the usual parameters: ?1 ?2 the day range, ?3 the language (NULL
 * for all), ?4 ?5 the time range. */
static void bind_period(ctx *c, sqlite3_stmt *st)
{
    sqlite3_bind_int64(st, 1, c->d0);
    sqlite3_bind_int64(st, 2, c->d1);
    if (c->lang)
        sqlite3_bind_text(st, 3, c->lang, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 3);
    sqlite3_bind_int64(st, 4, c->since);
    sqlite3_bind_int64(st, 5, c->until);
}

/* ---- Grouped searches --------------------------------------------------- */

typedef struct {
    char *lang, *normal;
    long count;
    int64_t last;
    char **stems;           /* sorted, pointing into 'buf' */
    size_t n_stems;
    char *buf;
    long target;            /* index of the group it merges into, or -1 */
    long total;             /* own count plus merged ones (roots only) */
} tgroup;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Split the normal form into its sorted set of stems. */
static int split_stems(tgroup *g)
{
    g->buf = strdup(g->normal);
    if (!g->buf)
        return -1;
    size_t n = 0;
    for (char *p = g->buf; *p; p++)
        if (*p == ' ')
            n++;
    g->stems = malloc((n + 1) * sizeof *g->stems);
    if (!g->stems)
        return -1;
    n = 0;
    for (char *save = NULL, *t = strtok_r(g->buf, " ", &save); t;
         t = strtok_r(NULL, " ", &save))
        g->stems[n++] = t;
    g->n_stems = n;
    qsort(g->stems, n, sizeof *g->stems, cmp_str);
    return 0;
}

/* Is a's stem set a proper subset of b's?  Both are sorted. */
static int proper_subset(const tgroup *a, const tgroup *b)
{
    if (a->n_stems == 0 || a->n_stems >= b->n_stems ||
        strcmp(a->lang, b->lang) != 0)
        return 0;
    size_t i = 0, j = 0;
    while (i < a->n_stems && j < b->n_stems) {
        int d = strcmp(a->stems[i], b->stems[j]);
        if (d == 0) {
            i++;
            j++;
        } else if (d > 0) {
            j++;
        } else {
            return 0;
        }
    }
    return i == a->n_stems;
}

/* The merge rule of feedback.h: a group joins the one maximal group whose
 * stem set strictly contains its own; with two or more maximal supersets it
 * is ambiguous and stays a group of its own.  A maximal superset has no
 * superset itself, so every target is a root and one pass suffices. */
static int merge_subsets(tgroup *g, size_t n)
{
    size_t *cand = malloc((n ? n : 1) * sizeof *cand);
    if (!cand)
        return -1;
    for (size_t i = 0; i < n; i++) {
        size_t nc = 0;
        for (size_t j = 0; j < n; j++)
            if (j != i && proper_subset(&g[i], &g[j]))
                cand[nc++] = j;
        long target = -1;
        int n_max = 0;
        for (size_t a = 0; a < nc && n_max < 2; a++) {
            int maximal = 1;
            for (size_t b = 0; b < nc && maximal; b++)
                if (b != a && proper_subset(&g[cand[a]], &g[cand[b]]))
                    maximal = 0;
            if (maximal) {
                n_max++;
                target = (long)cand[a];
            }
        }
        g[i].target = n_max == 1 ? target : -1;
    }
    free(cand);
    return 0;
}

static int cmp_roots(const void *pa, const void *pb)
{
    const tgroup *a = *(tgroup *const *)pa, *b = *(tgroup *const *)pb;
    if (a->total != b->total)
        return a->total > b->total ? -1 : 1;
    if (a->last != b->last)
        return a->last > b->last ? -1 : 1;
    int d = strcmp(a->lang, b->lang);
    return d ? d : strcmp(a->normal, b->normal);
}

typedef struct {
    char *query;
    int64_t time;
} example;

static int cmp_examples(const void *pa, const void *pb)
{
    const example *a = pa, *b = pb;
    if (a->time != b->time)
        return a->time > b->time ? -1 : 1;
    return strcmp(a->query, b->query);
}

/* Fill 'out' (lang, normal, count, last_seen, examples) from root 'r' and
 * the groups merged into it. */
static daleel_status fill_group(ctx *c, tgroup *all, size_t n,
                                size_t r, sqlite3_stmt *ex,
                                daleel_gap_group *out)
{
    daleel_status st = DALEEL_OK;
    example *exs = NULL;
    size_t n_ex = 0, cap = 0;
    int oom = 0;
    int64_t last = all[r].last;

    /* The group is shown under its most searched form (the widest one on
     * a tie), which reads better than a rare long form that happens to
     * contain the others. */
    size_t shown = r;
    for (size_t i = 0; i < n; i++)
        if (all[i].target == (long)r && all[i].count > all[shown].count)
            shown = i;
    out->lang = strdup(all[r].lang);
    out->normal = strdup(all[shown].normal);
    out->count = all[r].total;
    if (!out->lang || !out->normal)
        return no_memory(c);

    for (size_t i = 0; i < n; i++) {
        if (i != r && all[i].target != (long)r)
            continue;
        if (all[i].last > last)
            last = all[i].last;
        bind_period(c, ex);
        sqlite3_bind_text(ex, 6, all[i].normal, -1, SQLITE_STATIC);
        sqlite3_bind_text(ex, 7, all[i].lang, -1, SQLITE_STATIC);
        int rc;
        while ((rc = sqlite3_step(ex)) == SQLITE_ROW) {
            if (n_ex == cap) {
                size_t nc = cap ? 2 * cap : 8;
                example *p = realloc(exs, nc * sizeof *p);
                if (!p) {
                    oom = 1;
                    break;
                }
                exs = p;
                cap = nc;
            }
            exs[n_ex].time = sqlite3_column_int64(ex, 1);
            exs[n_ex].query = col_dup(ex, 0, &oom);
            if (!exs[n_ex].query)
                break;
            if (exs[n_ex].time > last)
                last = exs[n_ex].time;
            n_ex++;
        }
        sqlite3_reset(ex);
        if ((st = rows_end(c, oom, rc)) != DALEEL_OK)
            goto out;
    }
    if (n_ex)
        qsort(exs, n_ex, sizeof *exs, cmp_examples);
    for (size_t i = 0; i < n_ex && out->n_examples < DALEEL_GAP_EXAMPLES; i++) {
        int dup = 0;
        for (size_t j = 0; j < out->n_examples; j++)
            if (strcmp(out->examples[j], exs[i].query) == 0)
                dup = 1;
        if (dup)
            continue;
        out->examples[out->n_examples++] = exs[i].query;
        exs[i].query = NULL;
    }
    out->last_seen = last;
out:
    for (size_t i = 0; i < n_ex; i++)
        free(exs[i].query);
    free(exs);
    return st;
}

static daleel_status load_groups(ctx *c, int unclicked,
                                 daleel_gap_group **out, size_t *n_out)
{
    /* Per form: the count, and its latest time as far as the counters
     * know it (exact for no-result searches, a day for unclicked ones). */
    static const char *const agg_sql[2] = {
        "SELECT lang, normal, sum(no_result), max(last_no_result)"
        " FROM daily_normal WHERE day >= ?1 AND day < ?2"
        " AND (?3 IS NULL OR lang = ?3) GROUP BY lang, normal"
        " HAVING sum(no_result) > 0",
        "SELECT lang, normal, sum(searches - no_result - clicked),"
        " max(CASE WHEN searches - no_result - clicked > 0 THEN day END) * 86400"
        " FROM daily_normal WHERE day >= ?1 AND day < ?2"
        " AND (?3 IS NULL OR lang = ?3) GROUP BY lang, normal"
        " HAVING sum(searches - no_result - clicked) > 0",
    };
    static const char *const ex_sql[2] = {
        "SELECT query, max(time) FROM searches WHERE lang = ?7 AND normal = ?6"
        " AND time >= ?4 AND time < ?5 AND n_results = 0"
        " GROUP BY query ORDER BY 2 DESC LIMIT 3",
        "SELECT query, max(time) FROM searches WHERE lang = ?7 AND normal = ?6"
        " AND time >= ?4 AND time < ?5 AND n_results > 0 AND clicked = 0"
        " GROUP BY query ORDER BY 2 DESC LIMIT 3",
    };
    daleel_status st;
    sqlite3_stmt *agg = NULL, *ex = NULL;
    tgroup *g = NULL;
    tgroup **roots = NULL;
    size_t n = 0, cap = 0, n_roots = 0;
    int oom = 0, rc;

    *out = NULL;
    *n_out = 0;
    if ((st = prep(c, agg_sql[unclicked], &agg)) != DALEEL_OK ||
        (st = prep(c, ex_sql[unclicked], &ex)) != DALEEL_OK)
        goto out;
    bind_period(c, agg);
    while ((rc = sqlite3_step(agg)) == SQLITE_ROW) {
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 64;
            tgroup *p = realloc(g, nc * sizeof *p);
            if (!p) {
                oom = 1;
                break;
            }
            g = p;
            cap = nc;
        }
        tgroup *t = &g[n++];
        memset(t, 0, sizeof *t);
        t->lang = col_dup(agg, 0, &oom);
        t->normal = col_dup(agg, 1, &oom);
        t->count = (long)sqlite3_column_int64(agg, 2);
        t->last = sqlite3_column_int64(agg, 3);
        t->target = -1;
        if (oom || !t->lang || !t->normal || split_stems(t) < 0) {
            oom = 1;
            break;
        }
    }
    if ((st = rows_end(c, oom, rc)) != DALEEL_OK)
        goto out;

    if (n <= MAX_MERGE && merge_subsets(g, n) < 0) {
        st = no_memory(c);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        g[i].total = g[i].target < 0 ? g[i].count : 0;
    for (size_t i = 0; i < n; i++)
        if (g[i].target >= 0) {
            g[g[i].target].total += g[i].count;
            if (g[i].last > g[g[i].target].last)
                g[g[i].target].last = g[i].last;
        }
    roots = malloc((n ? n : 1) * sizeof *roots);
    if (!roots) {
        st = no_memory(c);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if (g[i].target < 0)
            roots[n_roots++] = &g[i];
    /* Sort by the counters' last time first; the examples refine it. */
    if (n_roots)
        qsort(roots, n_roots, sizeof *roots, cmp_roots);
    if (n_roots > c->limit)
        n_roots = c->limit;

    *out = calloc(n_roots ? n_roots : 1, sizeof **out);
    if (!*out) {
        st = no_memory(c);
        goto out;
    }
    for (size_t i = 0; i < n_roots; i++) {
        *n_out = i + 1;
        if ((st = fill_group(c, g, n, (size_t)(roots[i] - g), ex,
                             &(*out)[i])) != DALEEL_OK)
            goto out;
    }
out:
    for (size_t i = 0; i < n; i++) {
        free(g[i].lang);
        free(g[i].normal);
        free(g[i].stems);
        free(g[i].buf);
    }
    free(g);
    free(roots);
    sqlite3_finalize(agg);
    sqlite3_finalize(ex);
    return st;
}

/* ---- Articles ------------------------------------------------------------ */

static int cmp_articles(const void *pa, const void *pb);

/* Most helpful first: the highest lower bound, then the most "yes". */
static int cmp_best(const void *pa, const void *pb)
{
    const daleel_gap_article *a = pa, *b = pb;
    if (a->wilson_lower != b->wilson_lower)
        return a->wilson_lower > b->wilson_lower ? -1 : 1;
    if (a->yes != b->yes)
        return a->yes > b->yes ? -1 : 1;
    int d = strcmp(a->slug, b->slug);
    return d ? d : strcmp(a->lang, b->lang);
}

static int cmp_articles(const void *pa, const void *pb)
{
    const daleel_gap_article *a = pa, *b = pb;
    if (a->wilson_lower != b->wilson_lower)
        return a->wilson_lower < b->wilson_lower ? -1 : 1;
    if (a->no != b->no)
        return a->no > b->no ? -1 : 1;
    int d = strcmp(a->slug, b->slug);
    return d ? d : strcmp(a->lang, b->lang);
}

static daleel_status load_comments(ctx *c, sqlite3_stmt *st,
                                   daleel_gap_article *a)
{
    int oom = 0, rc = SQLITE_DONE;
    a->comments = calloc(DALEEL_GAP_COMMENTS, sizeof *a->comments);
    if (!a->comments)
        return no_memory(c);
    bind_period(c, st);
    sqlite3_bind_text(st, 6, a->lang, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, a->slug, -1, SQLITE_STATIC);
    while (a->n_comments < DALEEL_GAP_COMMENTS &&
           (rc = sqlite3_step(st)) == SQLITE_ROW) {
        daleel_gap_comment *k = &a->comments[a->n_comments++];
        k->time = sqlite3_column_int64(st, 0);
        k->helpful = sqlite3_column_int(st, 1);
        int r = daleel_reason_from_code((const char *)sqlite3_column_text(st, 2));
        k->reason = r < 0 ? DALEEL_REASON_OTHER : (daleel_reason)r;
        k->query = col_dup(st, 3, &oom);
        k->comment = col_dup(st, 4, &oom);
        if (oom)
            break;
    }
    sqlite3_reset(st);
    return rows_end(c, oom, rc);
}

static daleel_status load_articles(ctx *c, daleel_gap_report *r)
{
    static const char agg_sql[] =
        "SELECT lang, slug, sum(yes), sum(no), sum(r_none), sum(r_outdated),"
        " sum(r_unanswered), sum(r_unclear), sum(r_other)"
        " FROM daily_article WHERE day >= ?1 AND day < ?2"
        " AND (?3 IS NULL OR lang = ?3)"
        " GROUP BY lang, slug HAVING sum(yes) + sum(no) > 0";
    /* What the readers said and what they had searched for: comments, and
     * the queries behind "no" votes. */
    static const char com_sql[] =
        "SELECT v.time, v.helpful, v.reason, s.query, v.comment"
        " FROM votes v LEFT JOIN searches s ON s.id = v.search_id"
        " WHERE v.lang = ?6 AND v.slug = ?7 AND v.time >= ?4 AND v.time < ?5"
        " AND (v.comment IS NOT NULL OR (v.helpful = 0 AND s.query IS NOT NULL))"
        " ORDER BY v.time DESC, v.id DESC";
    daleel_status st;
    sqlite3_stmt *agg = NULL, *com = NULL;
    size_t cap = 0;
    int oom = 0, rc;

    if ((st = prep(c, agg_sql, &agg)) != DALEEL_OK ||
        (st = prep(c, com_sql, &com)) != DALEEL_OK)
        goto out;
    bind_period(c, agg);
    while ((rc = sqlite3_step(agg)) == SQLITE_ROW) {
        if (r->n_articles == cap) {
            size_t nc = cap ? 2 * cap : 32;
            daleel_gap_article *p = realloc(r->articles, nc * sizeof *p);
            if (!p) {
                oom = 1;
                break;
            }
            r->articles = p;
            cap = nc;
        }
        daleel_gap_article *a = &r->articles[r->n_articles++];
        memset(a, 0, sizeof *a);
        a->lang = col_dup(agg, 0, &oom);
        a->slug = col_dup(agg, 1, &oom);
        a->yes = (long)sqlite3_column_int64(agg, 2);
        a->no = (long)sqlite3_column_int64(agg, 3);
        for (int k = 0; k < DALEEL_N_REASONS; k++)
            a->reasons[k] = (long)sqlite3_column_int64(agg, 4 + k);
        a->wilson_lower = daleel_wilson_lower(a->yes, a->no);
        if (oom || !a->lang || !a->slug) {
            oom = 1;
            break;
        }
    }
    if ((st = rows_end(c, oom, rc)) != DALEEL_OK)
        goto out;
    if (r->n_articles)
        qsort(r->articles, r->n_articles, sizeof *r->articles,
              c->best_first ? cmp_best : cmp_articles);
    while (r->n_articles > c->limit) {
        daleel_gap_article *a = &r->articles[--r->n_articles];
        free(a->lang);
        free(a->slug);
    }
    for (size_t i = 0; i < r->n_articles && !c->best_first; i++)
        if ((st = load_comments(c, com, &r->articles[i])) != DALEEL_OK)
            goto out;
out:
    sqlite3_finalize(agg);
    sqlite3_finalize(com);
    return st;
}

/* ---- Reports and days ---------------------------------------------------- */

static daleel_status load_reports(ctx *c, daleel_gap_report *r)
{
    static const char sql[] =
        "SELECT time, lang, query, comment FROM gaps"
        " WHERE time >= ?4 AND time < ?5 AND (?3 IS NULL OR lang = ?3)"
        " ORDER BY time DESC, id DESC LIMIT ?6";
    daleel_status st;
    sqlite3_stmt *s = NULL;
    int oom = 0, rc;

    if ((st = prep(c, sql, &s)) != DALEEL_OK)
        return st;
    r->reports = calloc(c->limit, sizeof *r->reports);
    if (!r->reports) {
        sqlite3_finalize(s);
        return no_memory(c);
    }
    bind_period(c, s);
    sqlite3_bind_int64(s, 6, c->limit);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && r->n_reports < c->limit) {
        daleel_gap_report_item *it = &r->reports[r->n_reports++];
        it->time = sqlite3_column_int64(s, 0);
        it->lang = col_dup(s, 1, &oom);
        it->query = col_dup(s, 2, &oom);
        it->comment = col_dup(s, 3, &oom);
        if (oom)
            break;
    }
    st = rows_end(c, oom, rc);
    sqlite3_finalize(s);
    return st;
}

static daleel_status load_days(ctx *c, daleel_gap_report *r)
{
    static const char sql[] =
        "SELECT day, sum(searches), sum(no_result), sum(votes_yes),"
        " sum(votes_no), sum(gaps) FROM daily"
        " WHERE day >= ?1 AND day < ?2 AND (?3 IS NULL OR lang = ?3)"
        " GROUP BY day ORDER BY day";
    daleel_status st;
    sqlite3_stmt *s = NULL;
    int rc;

    r->n_days = (size_t)(c->d1 - c->d0);
    r->days = calloc(r->n_days, sizeof *r->days);
    if (!r->days)
        return no_memory(c);
    for (size_t i = 0; i < r->n_days; i++)
        r->days[i].day = c->d0 + (int64_t)i;
    if ((st = prep(c, sql, &s)) != DALEEL_OK)
        return st;
    bind_period(c, s);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t d = sqlite3_column_int64(s, 0);
        if (d < c->d0 || d >= c->d1)
            continue;
        daleel_gap_day *day = &r->days[d - c->d0];
        day->searches = (long)sqlite3_column_int64(s, 1);
        day->no_result = (long)sqlite3_column_int64(s, 2);
        day->votes_yes = (long)sqlite3_column_int64(s, 3);
        day->votes_no = (long)sqlite3_column_int64(s, 4);
        day->gaps = (long)sqlite3_column_int64(s, 5);
    }
    st = rows_end(c, 0, rc);
    sqlite3_finalize(s);
    return st;
}

/* Check 'opts' and fill in the context's period, language and limit. */
static daleel_status setup(ctx *c, const daleel_gaps_opts *opts)
{
    daleel_feedback *fb = c->fb;
    if (!fb->db)
        return dli_fb_set_err(fb, DALEEL_EINVAL, "the feedback database is not open");
    if (!opts || opts->since < 0 || opts->until <= opts->since)
        return dli_fb_set_err(fb, DALEEL_EINVAL, "gap report: empty period");
    c->d0 = opts->since / DLI_DAY;
    c->d1 = (opts->until + DLI_DAY - 1) / DLI_DAY;
    if (c->d1 - c->d0 > MAX_DAYS)
        return dli_fb_set_err(fb, DALEEL_EINVAL, "gap report: period over 3660 days");
    c->since = c->d0 * DLI_DAY;
    c->until = c->d1 * DLI_DAY;
    c->lang = opts->lang && *opts->lang ? opts->lang : NULL;
    if (c->lang && strlen(c->lang) > 7)
        return dli_fb_set_err(fb, DALEEL_EINVAL, "gap report: bad language");
    c->limit = opts->limit ? opts->limit : 100;
    return DALEEL_OK;
}

daleel_status daleel_feedback_helpful(daleel_feedback *fb,
                                      const daleel_gaps_opts *opts,
                                      daleel_gap_article **out, size_t *n)
{
    daleel_status st;
    daleel_gap_report r = {0};
    ctx c = {.fb = fb, .best_first = 1};

    *out = NULL;
    *n = 0;
    if ((st = setup(&c, opts)) != DALEEL_OK)
        return st;
    st = load_articles(&c, &r);
    if (st != DALEEL_OK) {
        daleel_gap_articles_free(r.articles, r.n_articles);
        return st;
    }
    fb->errmsg[0] = '\0';
    *out = r.articles;
    *n = r.n_articles;
    return DALEEL_OK;
}

daleel_status daleel_gaps_report(daleel_feedback *fb,
                                 const daleel_gaps_opts *opts,
                                 daleel_gap_report **out)
{
    daleel_status st;
    daleel_gap_report *r = NULL;
    ctx c = {.fb = fb};

    *out = NULL;
    if ((st = setup(&c, opts)) != DALEEL_OK)
        return st;

    r = calloc(1, sizeof *r);
    if (!r)
        return no_memory(&c);
    snprintf(r->lang, sizeof r->lang, "%s", c.lang ? c.lang : "");
    r->since = c.since;
    r->until = c.until;

    /* One read transaction: every list sees the same snapshot, and in WAL
     * mode it never blocks the writers. */
    int rc = sqlite3_exec(fb->db, "BEGIN", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        st = dli_fb_fail(fb, rc, "gap report");
        goto fail;
    }
    if ((st = load_groups(&c, 0, &r->no_result, &r->n_no_result)) != DALEEL_OK ||
        (st = load_groups(&c, 1, &r->unclicked, &r->n_unclicked)) != DALEEL_OK ||
        (st = load_articles(&c, r)) != DALEEL_OK ||
        (st = load_reports(&c, r)) != DALEEL_OK ||
        (st = load_days(&c, r)) != DALEEL_OK) {
        sqlite3_exec(fb->db, "ROLLBACK", NULL, NULL, NULL);
        goto fail;
    }
    sqlite3_exec(fb->db, "COMMIT", NULL, NULL, NULL);
    fb->errmsg[0] = '\0';
    *out = r;
    return DALEEL_OK;
fail:
    daleel_gap_report_free(r);
    return st;
}

/* ---- Renderings ------------------------------------------------------------ */

/* ISO 8601 UTC: "2024-05-01T12:34:56Z", or the day alone "2024-05-01". */
static void iso_time(int64_t t, int day_only, char out[32])
{
    struct tm tm;
    time_t tt = (time_t)t;
    if (!gmtime_r(&tt, &tm)) {
        snprintf(out, 32, "%s", "");
        return;
    }
    strftime(out, 32, day_only ? "%Y-%m-%d" : "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The Wilson bound as shown: four decimals, in JSON and CSV alike. */
static double wilson_shown(double w)
{
    return round(w * 10000) / 10000;
}

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *group_json(const daleel_gap_group *g)
{
    char t[32];
    iso_time(g->last_seen, 0, t);
    json_t *ex = json_array();
    for (size_t i = 0; i < g->n_examples; i++)
        json_array_append_new(ex, json_string(g->examples[i]));
    return json_pack("{s:s, s:s, s:I, s:s, s:o}", "lang", g->lang, "normal",
                     g->normal, "count", (json_int_t)g->count, "last_seen", t,
                     "examples", ex);
}

static const char *reason_key(int r)
{
    return r == DALEEL_REASON_NONE ? "none" : daleel_reason_code(r);
}

daleel_status daleel_gaps_json(const daleel_gap_report *r, daleel_buf *out)
{
    char a[32], b[32];
    json_t *root = json_object();
    if (!root)
        return out->err = DALEEL_ENOMEM;
    iso_time(r->since, 1, a);
    iso_time(r->until - DLI_DAY, 1, b);
    json_object_set_new(root, "lang", json_string(r->lang[0] ? r->lang : "all"));
    json_object_set_new(root, "first_day", json_string(a));
    json_object_set_new(root, "last_day", json_string(b));

    json_t *l = json_array();
    for (size_t i = 0; i < r->n_no_result; i++)
        json_array_append_new(l, group_json(&r->no_result[i]));
    json_object_set_new(root, "no_result", l);
    l = json_array();
    for (size_t i = 0; i < r->n_unclicked; i++)
        json_array_append_new(l, group_json(&r->unclicked[i]));
    json_object_set_new(root, "unclicked", l);

    l = json_array();
    for (size_t i = 0; i < r->n_articles; i++) {
        const daleel_gap_article *ar = &r->articles[i];
        json_t *reasons = json_object();
        for (int k = 1; k < DALEEL_N_REASONS; k++)
            json_object_set_new(reasons, reason_key(k), json_integer(ar->reasons[k]));
        json_object_set_new(reasons, "none", json_integer(ar->reasons[0]));
        json_t *cs = json_array();
        for (size_t j = 0; j < ar->n_comments; j++) {
            const daleel_gap_comment *k = &ar->comments[j];
            iso_time(k->time, 0, a);
            json_array_append_new(cs, json_pack("{s:s, s:b, s:s, s:o, s:o}",
                "time", a, "helpful", k->helpful, "reason",
                daleel_reason_code(k->reason), "query", jstr(k->query),
                "comment", jstr(k->comment)));
        }
        json_array_append_new(l, json_pack("{s:s, s:s, s:I, s:I, s:f, s:o, s:o}",
            "lang", ar->lang, "slug", ar->slug, "yes", (json_int_t)ar->yes,
            "no", (json_int_t)ar->no, "wilson_lower",
            wilson_shown(ar->wilson_lower), "reasons", reasons, "comments", cs));
    }
    json_object_set_new(root, "articles", l);

    l = json_array();
    for (size_t i = 0; i < r->n_reports; i++) {
        const daleel_gap_report_item *it = &r->reports[i];
        iso_time(it->time, 0, a);
        json_array_append_new(l, json_pack("{s:s, s:s, s:s, s:o}", "time", a,
            "lang", it->lang ? it->lang : "", "query", it->query ? it->query : "",
            "comment", jstr(it->comment)));
    }
    json_object_set_new(root, "reports", l);

    l = json_array();
    for (size_t i = 0; i < r->n_days; i++) {
        const daleel_gap_day *d = &r->days[i];
        iso_time(d->day * DLI_DAY, 1, a);
        json_array_append_new(l, json_pack("{s:s, s:I, s:I, s:I, s:I, s:I}",
            "day", a, "searches", (json_int_t)d->searches, "no_result",
            (json_int_t)d->no_result, "yes", (json_int_t)d->votes_yes, "no",
            (json_int_t)d->votes_no, "gaps", (json_int_t)d->gaps));
    }
    json_object_set_new(root, "days", l);

    /* Ten significant digits print a four-decimal number exactly
     * (0.2065, not 0.20649999999999999). */
    char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                                   JSON_REAL_PRECISION(10));
    json_decref(root);
    if (!s)
        return out->err = DALEEL_ENOMEM;
    daleel_buf_puts(out, s);
    daleel_buf_putc(out, '\n');
    free(s);
    return out->err;
}

/* ---- CSV ------------------------------------------------------------------- */

enum {
    C_LIST, C_LANG, C_KEY, C_TIME, C_COUNT, C_SEARCHES, C_NO_RESULT, C_YES,
    C_NO, C_GAPS, C_WILSON, C_NONE, C_OUTDATED, C_UNANSWERED, C_UNCLEAR,
    C_OTHER, C_HELPFUL, C_REASON, C_QUERY, C_TEXT, N_COLS
};

static const char *const csv_header[N_COLS] = {
    "list", "lang", "key", "time", "count", "searches", "no_result", "yes",
    "no", "gaps", "wilson_lower", "none", "outdated", "unanswered", "unclear",
    "other", "helpful", "reason", "query", "text",
};

/* The columns that hold readers' text, guarded against formula injection. */
static int is_text_col(int col)
{
    return col == C_KEY || col == C_QUERY || col == C_TEXT;
}

/* One field, RFC 4180: quoted when it holds a comma, quote, CR or LF, with
 * quotes doubled.  A text field starting with = + - @ TAB or CR gets a
 * leading apostrophe (OWASP "CSV injection"): spreadsheets would run it as
 * a formula, and the text comes from anonymous readers. */
static void csv_field(daleel_buf *out, int col, const char *s)
{
    if (!s)
        s = "";
    int guard = is_text_col(col) && strchr("=+-@\t\r", s[0]) && s[0];
    int quote = guard || strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        daleel_buf_putc(out, '"');
    if (guard)
        daleel_buf_putc(out, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            daleel_buf_putc(out, '"');
        daleel_buf_putc(out, *p);
    }
    if (quote)
        daleel_buf_putc(out, '"');
}

typedef struct {
    char num[N_COLS][32];
    const char *f[N_COLS];
} csv_row;

static void row_init(csv_row *row, const char *list)
{
    for (int i = 0; i < N_COLS; i++)
        row->f[i] = "";
    row->f[C_LIST] = list;
}

static void row_num(csv_row *row, int col, long v)
{
    snprintf(row->num[col], sizeof row->num[col], "%ld", v);
    row->f[col] = row->num[col];
}

static void row_time(csv_row *row, int col, int64_t t, int day_only)
{
    iso_time(t, day_only, row->num[col]);
    row->f[col] = row->num[col];
}

static void row_put(daleel_buf *out, const csv_row *row)
{
    for (int i = 0; i < N_COLS; i++) {
        if (i)
            daleel_buf_putc(out, ',');
        csv_field(out, i, row->f[i]);
    }
    daleel_buf_puts(out, "\r\n");
}

static void csv_groups(daleel_buf *out, const char *list,
                       const daleel_gap_group *g, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        csv_row row;
        daleel_buf ex;
        row_init(&row, list);
        row.f[C_LANG] = g[i].lang;
        row.f[C_KEY] = g[i].normal;
        row_time(&row, C_TIME, g[i].last_seen, 0);
        row_num(&row, C_COUNT, g[i].count);
        /* The examples in one cell, one per line (newest first). */
        daleel_buf_init(&ex, 1 << 20);
        daleel_buf_append(&ex, "", 0);
        for (size_t j = 0; j < g[i].n_examples; j++) {
            if (j)
                daleel_buf_putc(&ex, '\n');
            daleel_buf_puts(&ex, g[i].examples[j]);
        }
        row.f[C_TEXT] = ex.data ? ex.data : "";
        row_put(out, &row);
        daleel_buf_free(&ex);
    }
}

daleel_status daleel_gaps_csv(const daleel_gap_report *r, daleel_buf *out)
{
    csv_row row;
    for (int i = 0; i < N_COLS; i++) {
        if (i)
            daleel_buf_putc(out, ',');
        daleel_buf_puts(out, csv_header[i]);
    }
    daleel_buf_puts(out, "\r\n");
    csv_groups(out, "no_result", r->no_result, r->n_no_result);
    csv_groups(out, "unclicked", r->unclicked, r->n_unclicked);
    for (size_t i = 0; i < r->n_articles; i++) {
        const daleel_gap_article *a = &r->articles[i];
        row_init(&row, "article");
        row.f[C_LANG] = a->lang;
        row.f[C_KEY] = a->slug;
        row_num(&row, C_COUNT, a->yes + a->no);
        row_num(&row, C_YES, a->yes);
        row_num(&row, C_NO, a->no);
        snprintf(row.num[C_WILSON], sizeof row.num[C_WILSON], "%.4f",
                 wilson_shown(a->wilson_lower));
        row.f[C_WILSON] = row.num[C_WILSON];
        for (int k = 0; k < DALEEL_N_REASONS; k++)
            row_num(&row, C_NONE + k, a->reasons[k]);
        row_put(out, &row);
        for (size_t j = 0; j < a->n_comments; j++) {
            const daleel_gap_comment *k = &a->comments[j];
            row_init(&row, "comment");
            row.f[C_LANG] = a->lang;
            row.f[C_KEY] = a->slug;
            row_time(&row, C_TIME, k->time, 0);
            row_num(&row, C_HELPFUL, k->helpful);
            row.f[C_REASON] = daleel_reason_code(k->reason);
            row.f[C_QUERY] = k->query;
            row.f[C_TEXT] = k->comment;
            row_put(out, &row);
        }
    }
    for (size_t i = 0; i < r->n_reports; i++) {
        const daleel_gap_report_item *it = &r->reports[i];
        row_init(&row, "report");
        row.f[C_LANG] = it->lang;
        row_time(&row, C_TIME, it->time, 0);
        row.f[C_QUERY] = it->query;
        row.f[C_TEXT] = it->comment;
        row_put(out, &row);
    }
    for (size_t i = 0; i < r->n_days; i++) {
        const daleel_gap_day *d = &r->days[i];
        row_init(&row, "day");
        row.f[C_LANG] = r->lang;
        row_time(&row, C_KEY, d->day * DLI_DAY, 1);
        row_num(&row, C_SEARCHES, d->searches);
        row_num(&row, C_NO_RESULT, d->no_result);
        row_num(&row, C_YES, d->votes_yes);
        row_num(&row, C_NO, d->votes_no);
        row_num(&row, C_GAPS, d->gaps);
        row_put(out, &row);
    }
    return out->err;
}

/* ---- Text ------------------------------------------------------------------ */

static void text_groups(daleel_buf *out, const char *title,
                        const daleel_gap_group *g, size_t n)
{
    char t[32];
    daleel_buf_printf(out, "\n%s (%zu)\n", title, n);
    for (size_t i = 0; i < n; i++) {
        iso_time(g[i].last_seen, 0, t);
        daleel_buf_printf(out, "  %6ld  [%s] %s   (last %s)\n", g[i].count,
                          g[i].lang, g[i].normal, t);
        for (size_t j = 0; j < g[i].n_examples; j++)
            daleel_buf_printf(out, "            \"%s\"\n", g[i].examples[j]);
    }
}

daleel_status daleel_gaps_text(const daleel_gap_report *r, daleel_buf *out)
{
    char a[32], b[32];
    iso_time(r->since, 1, a);
    iso_time(r->until - DLI_DAY, 1, b);
    daleel_buf_printf(out, "Gap report, %s to %s, language: %s\n", a, b,
                      r->lang[0] ? r->lang : "all");
    text_groups(out, "Searches with no results", r->no_result, r->n_no_result);
    text_groups(out, "Searches with results nobody opened", r->unclicked,
                r->n_unclicked);
    daleel_buf_printf(out, "\nArticles by helpfulness, worst first (%zu)\n",
                      r->n_articles);
    for (size_t i = 0; i < r->n_articles; i++) {
        const daleel_gap_article *ar = &r->articles[i];
        daleel_buf_printf(out, "  %.4f  [%s] %s  yes %ld, no %ld", 
                          wilson_shown(ar->wilson_lower), ar->lang, ar->slug,
                          ar->yes, ar->no);
        for (int k = 1; k < DALEEL_N_REASONS; k++)
            if (ar->reasons[k])
                daleel_buf_printf(out, ", %s %ld", daleel_reason_code(k),
                                  ar->reasons[k]);
        daleel_buf_putc(out, '\n');
        for (size_t j = 0; j < ar->n_comments; j++) {
            const daleel_gap_comment *k = &ar->comments[j];
            iso_time(k->time, 0, a);
            daleel_buf_printf(out, "          %s %s%s%s", a,
                              k->helpful ? "yes" : "no",
                              k->reason ? " " : "", daleel_reason_code(k->reason));
            if (k->query)
                daleel_buf_printf(out, "  searched \"%s\"", k->query);
            if (k->comment)
                daleel_buf_printf(out, "  said \"%s\"", k->comment);
            daleel_buf_putc(out, '\n');
        }
    }
    daleel_buf_printf(out, "\n\"Didn't find it\" reports (%zu)\n", r->n_reports);
    for (size_t i = 0; i < r->n_reports; i++) {
        const daleel_gap_report_item *it = &r->reports[i];
        iso_time(it->time, 0, a);
        daleel_buf_printf(out, "  %s [%s] \"%s\"", a, it->lang, it->query);
        if (it->comment)
            daleel_buf_printf(out, "  said \"%s\"", it->comment);
        daleel_buf_putc(out, '\n');
    }
    daleel_buf_puts(out, "\nPer day: searches, no results, yes, no, reports\n");
    for (size_t i = 0; i < r->n_days; i++) {
        const daleel_gap_day *d = &r->days[i];
        if (!d->searches && !d->votes_yes && !d->votes_no && !d->gaps)
            continue;
        iso_time(d->day * DLI_DAY, 1, a);
        daleel_buf_printf(out, "  %s %6ld %6ld %6ld %6ld %6ld\n", a,
                          d->searches, d->no_result, d->votes_yes, d->votes_no,
                          d->gaps);
    }
    return out->err;
}
