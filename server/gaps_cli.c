/* gaps_cli.c: daleel-gaps, the writers' gap report from the command line,
 * for writers without a browser and for scripts: the same report, built by
 * the same library functions, as the server's /gaps, /gaps.csv and
 * /gaps.json.  Optionally applies the retention purge first.
 *
 * Exit status: 0 success, 1 the database is busy (try again), 2 usage or
 * error.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "daleel/buf.h"
#include "daleel/daleel.h"
#include "daleel/feedback.h"

#define EXIT_BUSY 1
#define EXIT_ERROR 2
#define DAY 86400

static void usage(FILE *f)
{
    fputs("usage: daleel-gaps [--db FILE] [--index DIR] [--lang ar|en] [--days N]\n"
          "                   [--format text|csv|json] [--limit N] [--purge-days N]\n"
          "\n"
          "Print the writers' gap report from the feedback database: searches that\n"
          "found nothing, searches whose results nobody opened (both grouped by\n"
          "normalized form), articles by the lower bound of their helpfulness,\n"
          "readers' comments and \"didn't find it\" reports, and counts per day.\n"
          "CSV and JSON have the fields of the server's /gaps.csv and /gaps.json\n"
          "(docs/gaps.md).\n"
          "\n"
          "  --db FILE         the feedback database (default: feedback.db beside\n"
          "                    the index folder)\n"
          "  --index DIR       the index folder, to find the database (default: index)\n"
          "  --lang L          only language L (ar or en); by default all\n"
          "  --days N          the last N days, today included (default 30)\n"
          "  --format F        text (default), csv or json\n"
          "  --limit N         at most N items per list (default 100)\n"
          "  --purge-days N    first delete stored searches, votes and reports older\n"
          "                    than N days (the daily counts are kept)\n"
          "  --help, --version\n"
          "\n"
          "Exit status: 0 success, 1 database busy (retry), 2 usage or error.\n", f);
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v > max)
        return -1;
    *out = v;
    return 0;
}

/* "feedback.db" in the folder that holds the index folder: "index" gives
 * "feedback.db", "/srv/kb/index/" gives "/srv/kb/feedback.db".  The caller
 * frees the result. */
static char *default_db(const char *index)
{
    size_t n = strlen(index);
    while (n > 1 && index[n - 1] == '/')
        n--;
    size_t slash = n;
    while (slash > 0 && index[slash - 1] != '/')
        slash--;
    size_t need = slash + sizeof "feedback.db";
    char *p = malloc(need);
    if (p)
        snprintf(p, need, "%.*sfeedback.db", (int)slash, index);
    return p;
}

/* What the command line asks for. */
typedef struct {
    const char *db;            /* NULL: beside the index folder */
    const char *index;
    const char *lang;          /* NULL for all */
    const char *format;
    unsigned long days, limit;
    unsigned long purge_days;  /* 0: no purge */
} gaps_args;

/* Returns -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, gaps_args *a)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"index", required_argument, NULL, 'i'},
        {"lang", required_argument, NULL, 'l'},
        {"days", required_argument, NULL, 'n'},
        {"format", required_argument, NULL, 'f'},
        {"limit", required_argument, NULL, 'm'},
        {"purge-days", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    *a = (gaps_args){ .index = "index", .format = "text", .days = 30,
                      .limit = 100 };
    int c;

    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            a->db = optarg;
            break;
        case 'i':
            a->index = optarg;
            break;
        case 'l':
            if (strcmp(optarg, "ar") && strcmp(optarg, "en") && strcmp(optarg, "all")) {
                fprintf(stderr, "daleel-gaps: --lang must be ar, en or all\n");
                return EXIT_ERROR;
            }
            a->lang = strcmp(optarg, "all") ? optarg : NULL;
            break;
        case 'n':
            if (parse_uint(optarg, 3660, &a->days) < 0 || a->days == 0) {
                fprintf(stderr, "daleel-gaps: --days must be 1 to 3660\n");
                return EXIT_ERROR;
            }
            break;
        case 'f':
            if (strcmp(optarg, "text") && strcmp(optarg, "csv") &&
                strcmp(optarg, "json")) {
                fprintf(stderr, "daleel-gaps: --format must be text, csv or json\n");
                return EXIT_ERROR;
            }
            a->format = optarg;
            break;
        case 'm':
            if (parse_uint(optarg, 100000, &a->limit) < 0 || a->limit == 0) {
                fprintf(stderr, "daleel-gaps: --limit must be 1 to 100000\n");
                return EXIT_ERROR;
            }
            break;
        case 'p':
            if (parse_uint(optarg, 100000, &a->purge_days) < 0 ||
                a->purge_days == 0) {
                fprintf(stderr, "daleel-gaps: --purge-days must be 1 to 100000\n");
                return EXIT_ERROR;
            }
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("daleel-gaps %s\n", DALEEL_VERSION);
            return 0;
        default:
            usage(stderr);
            return EXIT_ERROR;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "daleel-gaps: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return EXIT_ERROR;
    }
    return -1;
}

/* Say why the database refused, and the exit status for it: a busy
 * database is worth trying again, anything else is not. */
static int db_failed(daleel_feedback *fb, daleel_status st)
{
    fprintf(stderr, "daleel-gaps: %s\n", daleel_feedback_errmsg(fb));
    return st == DALEEL_EBUSY ? EXIT_BUSY : EXIT_ERROR;
}

int main(int argc, char **argv)
{
    gaps_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;

    rc = EXIT_ERROR;
    const char *db = a.db;
    char *db_alloc = NULL;
    daleel_feedback *fb = NULL;
    daleel_gap_report *r = NULL;
    daleel_buf out;
    daleel_buf_init(&out, (size_t)1 << 30);

    if (!db) {
        db_alloc = default_db(a.index);
        if (!db_alloc) {
            fprintf(stderr, "daleel-gaps: out of memory\n");
            return EXIT_ERROR;
        }
        db = db_alloc;
    }
    /* Opening creates a missing database; a report on an empty new file
     * would hide a wrong path, so refuse it here. */
    struct stat sb;
    if (stat(db, &sb) != 0) {
        fprintf(stderr, "daleel-gaps: no feedback database at %s (%s); "
                "use --db FILE\n", db, strerror(errno));
        goto out;
    }
    daleel_status st = daleel_feedback_open(db, &fb);
    if (st != DALEEL_OK) {
        rc = db_failed(fb, st);
        goto out;
    }

    int64_t now = (int64_t)time(NULL);
    if (a.purge_days) {
        long n = 0;
        st = daleel_feedback_purge(fb, now - (int64_t)a.purge_days * DAY, &n);
        if (st != DALEEL_OK) {
            rc = db_failed(fb, st);
            goto out;
        }
        fprintf(stderr, "daleel-gaps: purged %ld rows older than %lu days\n",
                n, a.purge_days);
    }

    /* The last N whole UTC days, today included. */
    int64_t today = now / DAY;
    daleel_gaps_opts o = {
        .lang = a.lang,
        .since = (today - (int64_t)a.days + 1) * DAY,
        .until = (today + 1) * DAY,
        .limit = (unsigned)a.limit,
    };
    st = daleel_gaps_report(fb, &o, &r);
    if (st != DALEEL_OK) {
        rc = db_failed(fb, st);
        goto out;
    }
    if (strcmp(a.format, "json") == 0)
        st = daleel_gaps_json(r, &out);
    else if (strcmp(a.format, "csv") == 0)
        st = daleel_gaps_csv(r, &out);
    else
        st = daleel_gaps_text(r, &out);
    if (st != DALEEL_OK) {
        fprintf(stderr, "daleel-gaps: cannot format the report: %s\n",
                daleel_status_str(st));
        goto out;
    }
    if (out.len && fwrite(out.data, 1, out.len, stdout) != out.len) {
        fprintf(stderr, "daleel-gaps: write error: %s\n", strerror(errno));
        goto out;
    }
    if (fflush(stdout) != 0) {
        fprintf(stderr, "daleel-gaps: write error: %s\n", strerror(errno));
        goto out;
    }
    rc = 0;
out:
    daleel_buf_free(&out);
    daleel_gap_report_free(r);
    daleel_feedback_close(fb);
    free(db_alloc);
    return rc;
}
