/* test_feedback.c: the feedback database as the server and daleel-gaps
 * use it: schema and migration, scrubbing, recording and reading back
 * exactly what is stored, vote deduplication, the gap report (grouping
 * across Arabic word forms, Wilson ordering, CSV equal to JSON), retention,
 * and the faults: a locked database, a full one, a bad path, a newer
 * schema, and a SIGKILL in the middle of voting.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daleel/feedback.h"
#include "harness.h"

#define DAY 86400

static char db_path[512];
static int db_seq;

/* A fresh database path in the test's temporary directory. */
static const char *new_db(void)
{
    snprintf(db_path, sizeof db_path, "%s/fb%d.db", harness_tmpdir(), ++db_seq);
    return db_path;
}

static daleel_feedback *open_new(void)
{
    daleel_feedback *fb = NULL;
    daleel_status st = daleel_feedback_open(new_db(), &fb);
    CHECK_INT(st, DALEEL_OK, "open %s: %s", db_path, daleel_feedback_errmsg(fb));
    return fb;
}

/* A raw SQLite connection on the same file, to look at what is stored. */
static sqlite3 *raw(const char *path)
{
    sqlite3 *db = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        CHECK(0, "raw open %s", path);
    sqlite3_busy_timeout(db, 2000);
    return db;
}

/* The first column of the first row of 'sql' as text ("" when none; the
 * result is static storage). */
static const char *q1(sqlite3 *db, const char *sql)
{
    static char out[4096];
    sqlite3_stmt *st = NULL;
    out[0] = '\0';
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(out, sizeof out, "SQL error: %s", sqlite3_errmsg(db));
        return out;
    }
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(out, sizeof out, "%s", sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

static long q1i(sqlite3 *db, const char *sql)
{
    return strtol(q1(db, sql), NULL, 10);
}

/* ---- Schema ------------------------------------------------------------ */

static void test_schema(void)
{
    daleel_feedback *fb = open_new();
    char path[512];
    snprintf(path, sizeof path, "%s", db_path);
    int v = -1;
    CHECK_INT(daleel_feedback_schema_version(fb, &v), DALEEL_OK, "read version");
    CHECK_INT(v, DALEEL_FEEDBACK_SCHEMA, "a new database has the current schema");
    daleel_feedback_close(fb);

    sqlite3 *db = raw(path);
    CHECK_STR(q1(db, "PRAGMA journal_mode"), "wal", "the file is in WAL mode");
    CHECK_INT(q1i(db, "PRAGMA user_version"), DALEEL_FEEDBACK_SCHEMA,
              "user_version holds the schema version");
    CHECK_INT(q1i(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"),
              9, "all nine tables exist");
    CHECK(q1i(db, "SELECT value FROM meta WHERE key = 'created'") > 1600000000,
          "the creation time is in meta");
    const char *objects = "SELECT group_concat(name, ' ') FROM (SELECT name "
                          "FROM sqlite_master ORDER BY name)";
    char before[4096];
    snprintf(before, sizeof before, "%s", q1(db, objects));

    /* Reopening migrates nothing and changes nothing. */
    CHECK_INT(daleel_feedback_open(path, &fb), DALEEL_OK, "reopen");
    CHECK_INT(daleel_feedback_schema_version(fb, &v), DALEEL_OK, "read version");
    CHECK_INT(v, DALEEL_FEEDBACK_SCHEMA, "the version is unchanged on reopen");
    daleel_feedback_close(fb);
    CHECK_STR(q1(db, objects), before, "reopening leaves the schema as it was");

    /* A database from a newer Daleel is refused, not damaged. */
    sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL);
    CHECK_INT(daleel_feedback_open(path, &fb), DALEEL_EVERSION,
              "a newer schema is refused");
    CHECK_STR(daleel_feedback_errmsg(fb),
              "schema version 99 is newer than this program's 1",
              "with a message saying why");
    int dummy;
    CHECK_INT(daleel_feedback_schema_version(fb, &dummy), DALEEL_EINVAL,
              "a handle that failed to open refuses further calls");
    daleel_feedback_close(fb);
    CHECK_INT(q1i(db, "PRAGMA user_version"), 99, "and the file is left alone");
    sqlite3_close(db);
}

static void test_open_errors(void)
{
    daleel_feedback *fb = NULL;
    char path[600];

    snprintf(path, sizeof path, "%s/no/such/dir/feedback.db", harness_tmpdir());
    CHECK_INT(daleel_feedback_open(path, &fb), DALEEL_EIO,
              "a missing directory gives DALEEL_EIO");
    char want[800];
    snprintf(want, sizeof want, "cannot open feedback database '%s': unable "
             "to open database file", path);
    CHECK_STR(daleel_feedback_errmsg(fb), want, "with the path in the message");
    daleel_feedback_close(fb);

    /* A regular file used as a directory: also what a read-only mount
     * looks like to the test, which runs as root in CI. */
    snprintf(path, sizeof path, "%s/plainfile", harness_tmpdir());
    FILE *f = fopen(path, "w");
    fputs("not a directory\n", f);
    fclose(f);
    char sub[700];
    snprintf(sub, sizeof sub, "%s/feedback.db", path);
    CHECK_INT(daleel_feedback_open(sub, &fb), DALEEL_EIO,
              "a path through a file gives DALEEL_EIO");
    daleel_feedback_close(fb);

    CHECK_INT(daleel_feedback_open(path, &fb), DALEEL_EDB,
              "a file that is not a database gives DALEEL_EDB");
    CHECK(strstr(daleel_feedback_errmsg(fb), "file is not a database") != NULL,
          "saying so: %s", daleel_feedback_errmsg(fb));
    daleel_feedback_close(fb);

    CHECK_INT(daleel_feedback_open(harness_tmpdir(), &fb), DALEEL_EIO,
              "a directory gives DALEEL_EIO");
    daleel_feedback_close(fb);

    CHECK_INT(daleel_feedback_open("", &fb), DALEEL_EINVAL, "an empty path");
    daleel_feedback_close(fb);
    daleel_feedback_close(NULL);
    CHECK_STR(daleel_feedback_errmsg(NULL), "out of memory",
              "errmsg of a NULL handle");
}

/* ---- Scrubbing ---------------------------------------------------------- */

static void scrub_case(const char *in, const char *want)
{
    char *out = NULL;
    CHECK_INT(daleel_scrub_pii(in, strlen(in), &out), DALEEL_OK, "scrub");
    CHECK_STR(out, want, "scrub \"%s\"", in);
    free(out);
}

static void test_scrub(void)
{
    /* Kept: short numbers, years, versions, codes, dates. */
    scrub_case("iphone 15", "iphone 15");
    scrub_case("order 123", "order 123");
    scrub_case("2024", "2024");
    scrub_case("windows 11 update 2024", "windows 11 update 2024");
    scrub_case("version 1.2.3", "version 1.2.3");
    scrub_case("error 0x80070005", "error 0x80070005");
    scrub_case("KB5034441 fails", "KB5034441 fails");
    scrub_case("build_20240115", "build_20240115");
    scrub_case("since 2024-01-15", "since 2024-01-15");
    scrub_case("123456", "123456");
    scrub_case("", "");
    scrub_case("reset password", "reset password");
    scrub_case("استرداد المبلغ", "استرداد المبلغ");
    scrub_case("user@localhost", "user@localhost");
    scrub_case("@mention", "@mention");

    /* Scrubbed: phones, cards, accounts, addresses. */
    scrub_case("0501234567", "[number]");
    scrub_case("call 0501234567 please", "call [number] please");
    scrub_case("+966 50 123 4567", "[number]");
    scrub_case("my phone is +966 50 123 4567.", "my phone is [number].");
    scrub_case("4111 1111 1111 1111", "[number]");
    scrub_case("card 4111-1111-1111-1111 declined", "card [number] declined");
    scrub_case("(050) 123-4567", "[number]");
    scrub_case("+1 (555) 123.4567", "[number]");
    scrub_case("1234567", "[number]");
    scrub_case("ip 192.168.100.200", "ip [number]");
    scrub_case("name@example.com", "[email]");
    scrub_case("write to First.Last+tag@mail.example.co.uk now",
               "write to [email] now");
    scrub_case("a@b.com,c@d.org", "[email],[email]");
    scrub_case("x 12345@example.com", "x [email]");
    scrub_case("٠٥٠١٢٣٤٥٦٧", "[number]");
    scrub_case("رقمي ٠٥٠١٢٣٤٥٦٧ شكرا", "رقمي [number] شكرا");
    scrub_case("۰۵۰۱۲۳۴۵۶۷", "[number]");
    scrub_case("رقم الطلب ١٢٣", "رقم الطلب ١٢٣");
    scrub_case("حسابي0501234567", "حسابي[number]");
    scrub_case("05 01 23 45 67", "[number]");
    scrub_case("1 2 3 4 5 6 7", "[number]");
    scrub_case("12   34 567", "12   34 567");   /* three spaces end a run */
    scrub_case("050\xc2\xa0" "123\xc2\xa0" "4567", "[number]");

    /* Invalid bytes and controls. */
    scrub_case("a\xff" "b", "a\xef\xbf\xbd" "b");
    scrub_case("a\tb\nc\x7f" "d", "a b c d");
    scrub_case("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");     /* overlong '/' */
    scrub_case("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* surrogate */
    char *out = NULL;
    CHECK_INT(daleel_scrub_pii("a\0b", 3, &out), DALEEL_OK, "NUL inside");
    CHECK_STR(out, "a b", "a NUL becomes a space");
    free(out);
}

/* ---- Recording ---------------------------------------------------------- */

static int64_t search(daleel_feedback *fb, const char *q, const char *lang,
                      unsigned n, int64_t t)
{
    daleel_search_rec rec = {.query = q, .query_len = strlen(q), .lang = lang,
                             .n_results = n, .time = t};
    int64_t id = 0;
    daleel_status st = daleel_feedback_record_search(fb, &rec, &id);
    CHECK_INT(st, DALEEL_OK, "record search \"%s\": %s", q,
              daleel_feedback_errmsg(fb));
    return id;
}

static int64_t vote(daleel_feedback *fb, const char *slug, int helpful,
                    daleel_reason reason, const char *comment, const char *ip,
                    int64_t search_id, int64_t t, int *replaced)
{
    daleel_vote_rec v = {.slug = slug, .lang = "en", .helpful = helpful,
                         .reason = reason, .comment = comment,
                         .comment_len = comment ? strlen(comment) : 0,
                         .search_id = search_id, .ip = ip,
                         .user_agent = "Mozilla/5.0 test", .time = t};
    int64_t id = 0;
    daleel_status st = daleel_feedback_record_vote(fb, &v, &id, replaced);
    CHECK_INT(st, DALEEL_OK, "record vote on %s: %s", slug,
              daleel_feedback_errmsg(fb));
    return id;
}

static void test_record(void)
{
    daleel_feedback *fb = open_new();
    sqlite3 *db = raw(db_path);
    int64_t now = time(NULL);
    char sql[512];

    int64_t s1 = search(fb, "Reset my password, I am name@example.com 0501234567",
                        "en", 0, now);
    CHECK(s1 > 0, "a search id");
    snprintf(sql, sizeof sql, "SELECT query || '|' || normal || '|' || lang || "
             "'|' || n_results || '|' || corrected || '|' || (time = %lld) "
             "FROM searches WHERE id = %lld", (long long)now, (long long)s1);
    CHECK_STR(q1(db, sql),
              "Reset my password, I am [email] [number]|password reset|en|0|0|1",
              "the stored search: scrubbed query, normal form without the "
              "personal data, language, count");
    CHECK_INT(q1i(db, "SELECT count(*) FROM searches WHERE query LIKE '%example%' "
                      "OR normal LIKE '%050%' OR normal LIKE '%email%'"), 0,
              "no trace of the address or number anywhere");

    int64_t s2 = search(fb, "refund", "en", 4, now);
    CHECK_INT(daleel_feedback_record_click(fb, s2, "billing/refund", 2, now),
              DALEEL_OK, "record a click: %s", daleel_feedback_errmsg(fb));
    CHECK_INT(daleel_feedback_record_click(fb, s2, "billing/refund-time", 1, now),
              DALEEL_OK, "a second click on the same search");
    snprintf(sql, sizeof sql, "SELECT group_concat(slug || '@' || rank, ' ') FROM "
             "(SELECT * FROM clicks WHERE search_id = %lld ORDER BY id)",
             (long long)s2);
    CHECK_STR(q1(db, sql), "billing/refund@2 billing/refund-time@1",
              "the clicks with their ranks");
    CHECK_INT(q1i(db, "SELECT clicked FROM daily_normal WHERE normal = 'refund'"),
              1, "two clicks on one search count one clicked search");
    CHECK_INT(daleel_feedback_record_click(fb, 999999, "x", 1, now),
              DALEEL_ENOTFOUND, "a click on an unknown search");
    CHECK_STR(daleel_feedback_errmsg(fb), "record click: no such search",
              "its message");
    CHECK_INT(daleel_feedback_record_click(fb, s2, "", 1, now), DALEEL_EINVAL,
              "a click without an article");

    /* Votes: the visitor hash, never the address. */
    int replaced = -1;
    int64_t v1 = vote(fb, "account/reset", 0, DALEEL_REASON_OUTDATED,
                      "Steps are old; mail me at bob@example.org", "203.0.113.7",
                      s1, now, &replaced);
    CHECK(v1 > 0 && replaced == 0, "a first vote is new");
    snprintf(sql, sizeof sql, "SELECT slug || '|' || lang || '|' || helpful || '|' "
             "|| reason || '|' || comment || '|' || search_id || '|' || day "
             "FROM votes WHERE id = %lld", (long long)v1);
    char want[512];
    snprintf(want, sizeof want,
             "account/reset|en|0|outdated|Steps are old; mail me at [email]|%lld|%lld",
             (long long)s1, (long long)(now / DAY));
    CHECK_STR(q1(db, sql), want, "the stored vote");
    snprintf(sql, sizeof sql, "SELECT visitor FROM votes WHERE id = %lld",
             (long long)v1);
    char visitor[64];
    snprintf(visitor, sizeof visitor, "%s", q1(db, sql));
    CHECK_INT(strlen(visitor), DALEEL_VISITOR_HEX, "the visitor is a short hash");
    CHECK(strspn(visitor, "0123456789abcdef") == DALEEL_VISITOR_HEX,
          "of hex digits");
    char expect[DALEEL_VISITOR_HEX + 1];
    CHECK_INT(daleel_feedback_visitor(fb, "203.0.113.7", "Mozilla/5.0 test",
                                      now / DAY, expect), DALEEL_OK, "visitor()");
    CHECK_STR(visitor, expect, "it is daleel_feedback_visitor() of the address");
    CHECK_INT(q1i(db, "SELECT count(*) FROM sqlite_master WHERE sql LIKE '%ip%'"
                      " AND sql NOT LIKE '%description%'"), 0,
              "no column for an address exists");
    CHECK_INT(q1i(db, "SELECT count(*) FROM votes WHERE visitor LIKE '%203.0%' "
                      "OR comment LIKE '%203.0%'"), 0, "and no address is stored");

    /* The same visitor again today: the vote is replaced. */
    int64_t v2 = vote(fb, "account/reset", 1, DALEEL_REASON_NONE, NULL,
                      "203.0.113.7", 0, now, &replaced);
    CHECK_INT(v2, v1, "a second vote the same day keeps the vote's id");
    CHECK_INT(replaced, 1, "and says it replaced one");
    CHECK_INT(q1i(db, "SELECT count(*) FROM votes"), 1, "still one vote row");
    snprintf(sql, sizeof sql, "SELECT helpful || '|' || reason || '|' || "
             "coalesce(comment, 'NULL') || '|' || search_id FROM votes WHERE id = %lld",
             (long long)v1);
    snprintf(want, sizeof want, "1||NULL|%lld", (long long)s1);
    CHECK_STR(q1(db, sql), want, "now a yes, no reason, no comment, same search");
    CHECK_STR(q1(db, "SELECT yes || '/' || no || '/' || r_outdated FROM daily_article"),
              "1/0/0", "the counters moved with the vote");
    CHECK_STR(q1(db, "SELECT votes_yes || '/' || votes_no FROM daily"),
              "1/0", "the daily counters too");

    /* Another visitor (another browser), and the same visitor yesterday. */
    daleel_vote_rec other = {.slug = "account/reset", .lang = "en", .helpful = 0,
                             .ip = "203.0.113.7", .user_agent = "curl/8",
                             .time = now};
    int64_t v3 = 0;
    CHECK_INT(daleel_feedback_record_vote(fb, &other, &v3, &replaced), DALEEL_OK,
              "another user agent");
    CHECK(v3 != v1 && replaced == 0, "is another visitor");
    int64_t v4 = vote(fb, "account/reset", 0, DALEEL_REASON_UNCLEAR, NULL,
                      "203.0.113.7", 0, now - DAY, &replaced);
    CHECK(v4 != v1 && replaced == 0, "yesterday's vote is another vote");
    CHECK_INT(q1i(db, "SELECT count(DISTINCT visitor) FROM votes"), 3,
              "three visitor hashes: the day is part of the hash");

    /* Bad votes store nothing. */
    daleel_vote_rec bad = other;
    bad.helpful = 2;
    CHECK_INT(daleel_feedback_record_vote(fb, &bad, NULL, NULL), DALEEL_EINVAL,
              "helpful must be 0 or 1");
    bad = other;
    bad.slug = "";
    CHECK_INT(daleel_feedback_record_vote(fb, &bad, NULL, NULL), DALEEL_EINVAL,
              "a vote needs an article");
    bad = other;
    bad.ip = NULL;
    CHECK_INT(daleel_feedback_record_vote(fb, &bad, NULL, NULL), DALEEL_EINVAL,
              "a vote needs an address to hash");
    bad = other;
    char big[DALEEL_FEEDBACK_MAX_COMMENT + 2];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    bad.comment = big;
    bad.comment_len = strlen(big);
    bad.ip = "198.51.100.1";
    CHECK_INT(daleel_feedback_record_vote(fb, &bad, NULL, NULL), DALEEL_ETOOBIG,
              "a comment over the cap");
    CHECK_STR(daleel_feedback_errmsg(fb), "comment too long", "its message");
    bad.comment_len = DALEEL_FEEDBACK_MAX_COMMENT;
    CHECK_INT(daleel_feedback_record_vote(fb, &bad, NULL, NULL), DALEEL_OK,
              "a comment at the cap is stored");
    bad.comment = "   ";
    bad.comment_len = 3;
    bad.search_id = 424242;
    bad.ip = "198.51.100.2";
    int64_t v5;
    CHECK_INT(daleel_feedback_record_vote(fb, &bad, &v5, NULL), DALEEL_OK,
              "a blank comment and a stale search id");
    snprintf(sql, sizeof sql, "SELECT coalesce(comment, 'NULL') || '|' || "
             "coalesce(search_id, 'NULL') FROM votes WHERE id = %lld", (long long)v5);
    CHECK_STR(q1(db, sql), "NULL|NULL", "are stored as none");
    CHECK_INT(daleel_reason_from_code("unanswered"), DALEEL_REASON_UNANSWERED,
              "reason codes");
    CHECK_INT(daleel_reason_from_code("bogus"), -1, "unknown reason code");
    CHECK_STR(daleel_reason_code(DALEEL_REASON_UNCLEAR), "unclear", "reason name");

    /* Gap reports. */
    daleel_gap_rec g = {.query = "cancel subscription", .query_len = 19,
                        .lang = "en", .comment = "how do I stop paying? +1 555 123 4567",
                        .comment_len = 37, .search_id = s2, .time = now};
    int64_t gid = 0;
    CHECK_INT(daleel_feedback_record_gap(fb, &g, &gid), DALEEL_OK, "record a gap");
    snprintf(sql, sizeof sql, "SELECT query || '|' || normal || '|' || comment || "
             "'|' || search_id FROM gaps WHERE id = %lld", (long long)gid);
    snprintf(want, sizeof want, "cancel subscription|cancel subscript|how do I "
             "stop paying? [number]|%lld", (long long)s2);
    CHECK_STR(q1(db, sql), want, "the stored gap report");
    CHECK_INT(q1i(db, "SELECT sum(gaps) FROM daily"), 1, "counted");

    /* Secrets persist across handles. */
    unsigned char k1[32], k2[32], k3[32];
    CHECK_INT(daleel_feedback_secret(fb, "token", k1), DALEEL_OK, "secret");
    CHECK_INT(daleel_feedback_secret(fb, "admin", k3), DALEEL_OK, "another secret");
    daleel_feedback *fb2 = NULL;
    CHECK_INT(daleel_feedback_open(db_path, &fb2), DALEEL_OK, "second handle");
    CHECK_INT(daleel_feedback_secret(fb2, "token", k2), DALEEL_OK, "secret again");
    CHECK(memcmp(k1, k2, 32) == 0, "the same secret from another handle");
    CHECK(memcmp(k1, k3, 32) != 0, "secrets of different names differ");
    char h2[DALEEL_VISITOR_HEX + 1];
    daleel_feedback_visitor(fb2, "203.0.113.7", "Mozilla/5.0 test", now / DAY, h2);
    CHECK_STR(h2, visitor, "another handle hashes a visitor the same way");
    daleel_feedback_close(fb2);

    sqlite3_close(db);
    daleel_feedback_close(fb);
}

/* ---- The report ----------------------------------------------------------- */

static daleel_gap_report *report(daleel_feedback *fb, const char *lang,
                                 int64_t since, int64_t until)
{
    daleel_gaps_opts o = {.lang = lang, .since = since, .until = until};
    daleel_gap_report *r = NULL;
    daleel_status st = daleel_gaps_report(fb, &o, &r);
    CHECK_INT(st, DALEEL_OK, "report: %s", daleel_feedback_errmsg(fb));
    return r;
}

static const daleel_gap_group *find_group(const daleel_gap_group *g, size_t n,
                                          const char *normal)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(g[i].normal, normal) == 0)
            return &g[i];
    return NULL;
}

static void test_grouping(void)
{
    daleel_feedback *fb = open_new();
    int64_t now = time(NULL);

    /* Arabic: three ways of asking for a refund, with and without the
     * article, singular and definite. */
    search(fb, "استرداد المبلغ", "ar", 0, now - 30);
    search(fb, "الاسترداد", "ar", 0, now - 20);
    search(fb, "استرداد مبلغ", "ar", 0, now - 10);
    search(fb, "استرداد مبلغ", "ar", 0, now - 5);
    /* English: word order and inflection. */
    search(fb, "reset password", "en", 0, now - 40);
    search(fb, "Resetting passwords", "en", 0, now - 41);
    search(fb, "password reset", "en", 0, now - 42);
    /* A chain: {refund} in {money refund} in {bank money refund}; the
     * group is shown under its most searched form. */
    search(fb, "refund", "en", 0, now - 70);
    search(fb, "money refund", "en", 0, now - 71);
    search(fb, "refund money", "en", 0, now - 72);
    search(fb, "refund money to bank", "en", 0, now - 73);
    /* An ambiguous subset: "login" is in two unrelated groups. */
    search(fb, "login", "en", 0, now - 50);
    search(fb, "login error", "en", 0, now - 51);
    search(fb, "login timeout", "en", 0, now - 52);
    /* Searches that found something. */
    search(fb, "invoice", "en", 3, now - 60);

    daleel_gap_report *r = report(fb, NULL, now - DAY, now + 1);
    if (!r)
        return;
    CHECK_INT(r->n_no_result, 6, "six no-result groups: two refunds, "
              "password reset, login error, login timeout and login alone");
    const daleel_gap_group *rf = find_group(r->no_result, r->n_no_result,
                                            "money refund");
    CHECK(rf && rf->count == 4, "a chain of subsets is one group, under its "
          "most searched form");
    CHECK(!find_group(r->no_result, r->n_no_result, "bank money refund") &&
          !find_group(r->no_result, r->n_no_result, "refund"),
          "its other forms are not listed");
    const daleel_gap_group *ar = NULL;
    for (size_t i = 0; i < r->n_no_result; i++)
        if (strcmp(r->no_result[i].lang, "ar") == 0)
            ar = &r->no_result[i];
    CHECK(ar != NULL, "an Arabic group");
    if (ar) {
        CHECK_INT(ar->count, 4, "the three Arabic forms are one group of 4");
        CHECK_INT(ar->n_examples, 3, "with three distinct examples");
        if (ar->n_examples == 3) {
            CHECK_STR(ar->examples[0], "استرداد مبلغ", "newest example first");
            CHECK_STR(ar->examples[1], "الاسترداد", "then the next");
            CHECK_STR(ar->examples[2], "استرداد المبلغ", "then the oldest");
        }
        CHECK_INT(ar->last_seen, now - 5, "last seen is the newest search");
        CHECK_INT(r->no_result[0].count, 4, "the biggest group comes first");
    }
    const daleel_gap_group *pw = find_group(r->no_result, r->n_no_result,
                                            "password reset");
    CHECK(pw && pw->count == 3, "the English forms group by their stems");
    const daleel_gap_group *lg = find_group(r->no_result, r->n_no_result, "login");
    CHECK(lg && lg->count == 1, "an ambiguous subset stays on its own");
    CHECK(find_group(r->no_result, r->n_no_result, "error login") &&
          find_group(r->no_result, r->n_no_result, "login timeout"),
          "and both supersets stay");
    CHECK_INT(r->n_unclicked, 1, "one search with results and no click");
    if (r->n_unclicked)
        CHECK_STR(r->unclicked[0].normal, "invoic", "the unclicked one");
    daleel_gap_report_free(r);

    r = report(fb, "en", now - DAY, now + 1);
    CHECK_INT(r ? r->n_no_result : 0, 5, "the English groups only");
    CHECK_STR(r ? r->lang : "", "en", "the report says its language");
    daleel_gap_report_free(r);
    daleel_feedback_close(fb);
}

static void test_wilson(void)
{
    CHECK(daleel_wilson_lower(0, 0) == 0, "no votes: 0");
    double one = daleel_wilson_lower(1, 0), ninety = daleel_wilson_lower(90, 10);
    CHECK(one > 0.2065 && one < 0.2066, "1 of 1: %.4f", one);
    CHECK(ninety > 0.8256 && ninety < 0.8257, "90 of 100: %.4f", ninety);
    CHECK(daleel_wilson_lower(0, 5) == 0, "no yes at all: 0");

    daleel_feedback *fb = open_new();
    int64_t now = time(NULL);
    char ip[32];
    for (int i = 0; i < 100; i++) {
        snprintf(ip, sizeof ip, "10.0.0.%d", i);
        vote(fb, "popular", i < 90, i < 90 ? DALEEL_REASON_NONE
                                           : DALEEL_REASON_UNANSWERED,
             NULL, ip, 0, now, NULL);
    }
    vote(fb, "lucky", 1, DALEEL_REASON_NONE, "great", "10.0.1.1", 0, now, NULL);
    for (int i = 0; i < 3; i++) {
        snprintf(ip, sizeof ip, "10.0.2.%d", i);
        vote(fb, "broken", 0, i ? DALEEL_REASON_OUTDATED : DALEEL_REASON_NONE,
             i == 2 ? "the screenshots are from the old version" : NULL, ip, 0,
             now - i, NULL);
    }
    daleel_gap_report *r = report(fb, "en", now, now + 1);
    if (!r)
        return;
    CHECK_INT(r->n_articles, 3, "three articles with votes");
    if (r->n_articles == 3) {
        CHECK_STR(r->articles[0].slug, "broken", "all-no first");
        CHECK_STR(r->articles[1].slug, "lucky", "1/1 yes ranks below 90/100");
        CHECK_STR(r->articles[2].slug, "popular", "90/100 last");
        CHECK_INT(r->articles[2].yes, 90, "yes count");
        CHECK_INT(r->articles[2].no, 10, "no count");
        CHECK_INT(r->articles[2].reasons[DALEEL_REASON_UNANSWERED], 10,
                  "reason counts");
        CHECK_INT(r->articles[0].reasons[DALEEL_REASON_OUTDATED], 2, "outdated");
        CHECK_INT(r->articles[0].reasons[DALEEL_REASON_NONE], 1, "no reason");
        CHECK_INT(r->articles[0].n_comments, 1, "one comment");
        if (r->articles[0].n_comments)
            CHECK_STR(r->articles[0].comments[0].comment,
                      "the screenshots are from the old version", "the comment");
        CHECK_INT(r->articles[1].n_comments, 1, "a yes with a comment is shown");
    }
    daleel_gap_report_free(r);

    daleel_gaps_opts o = {.lang = "en", .since = now, .until = now + 1,
                          .limit = 2};
    daleel_gap_article *best = NULL;
    size_t n_best = 0;
    CHECK_INT(daleel_feedback_helpful(fb, &o, &best, &n_best), DALEEL_OK,
              "most helpful articles");
    CHECK_INT(n_best, 2, "as many as the limit");
    if (n_best == 2) {
        CHECK_STR(best[0].slug, "popular", "90/100 is the most helpful");
        CHECK_STR(best[1].slug, "lucky", "then 1/1");
        CHECK_INT(best[0].n_comments, 0, "without comments");
    }
    daleel_gap_articles_free(best, n_best);
    o.lang = "ar";
    CHECK_INT(daleel_feedback_helpful(fb, &o, &best, &n_best), DALEEL_OK,
              "no Arabic votes");
    CHECK(best == NULL && n_best == 0, "gives an empty list");
    daleel_feedback_close(fb);
}

/* ---- CSV equals JSON ------------------------------------------------------- */

/* Parse RFC 4180 CSV into rows of fields (at most 32 fields per row). */
typedef struct {
    char *f[32];
    int n;
} crow;

static int parse_csv(const char *s, crow *rows, int max_rows)
{
    int n = 0;
    while (*s && n < max_rows) {
        crow *r = &rows[n++];
        r->n = 0;
        for (;;) {
            char buf[8192];
            size_t len = 0;
            if (*s == '"') {
                s++;
                while (*s && !(*s == '"' && s[1] != '"')) {
                    if (*s == '"')
                        s++;
                    buf[len++] = *s++;
                }
                if (*s == '"')
                    s++;
            } else {
                while (*s && *s != ',' && *s != '\r')
                    buf[len++] = *s++;
            }
            buf[len] = '\0';
            r->f[r->n++] = strdup(buf);
            if (*s == ',') {
                s++;
                continue;
            }
            if (*s == '\r')
                s += 2;
            break;
        }
    }
    return n;
}

static const char *jget(json_t *o, const char *k)
{
    static char tmp[8][64];
    static int slot;
    json_t *v = json_object_get(o, k);
    if (json_is_string(v))
        return json_string_value(v);
    char *t = tmp[slot++ % 8];
    if (json_is_integer(v))
        snprintf(t, 64, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        snprintf(t, 64, "%.4f", json_real_value(v));
    else if (json_is_true(v))
        snprintf(t, 64, "1");
    else if (json_is_false(v))
        snprintf(t, 64, "0");
    else
        t[0] = '\0';
    return t;
}

/* Is CSV text field 'csv' the JSON string 'js'?  CSV defuses a leading
 * = + - @ with an apostrophe (docs/gaps.md). */
static int text_eq(const char *csv, const char *js)
{
    if (js[0] && strchr("=+-@\t\r", js[0]))
        return csv[0] == '\'' && strcmp(csv + 1, js) == 0;
    return strcmp(csv, js) == 0;
}

static void test_csv_json(void)
{
    daleel_feedback *fb = open_new();
    int64_t now = time(NULL);
    int64_t s = search(fb, "حذف الحساب", "ar", 0, now - 100);
    search(fb, "=cmd|' /C calc'!A0", "en", 0, now - 90);
    search(fb, "export, \"csv\"", "en", 0, now - 80);
    search(fb, "shipping", "en", 5, now - 70);
    vote(fb, "account/delete", 0, DALEEL_REASON_UNANSWERED, "لم يشرح الخطوات",
         "10.9.9.9", s, now - 60, NULL);
    vote(fb, "account/delete", 1, DALEEL_REASON_NONE, NULL, "10.9.9.8", 0,
         now - 50, NULL);
    daleel_gap_rec g = {.query = "تغيير اللغة", .query_len = strlen("تغيير اللغة"),
                        .lang = "ar", .comment = "line one\nline, \"two\"",
                        .comment_len = 20, .time = now - 40};
    daleel_feedback_record_gap(fb, &g, NULL);

    daleel_gap_report *r = report(fb, NULL, now - 2 * DAY, now + 1);
    if (!r)
        return;
    daleel_buf js, cs;
    daleel_buf_init(&js, 1 << 22);
    daleel_buf_init(&cs, 1 << 22);
    CHECK_INT(daleel_gaps_json(r, &js), DALEEL_OK, "JSON");
    CHECK_INT(daleel_gaps_csv(r, &cs), DALEEL_OK, "CSV");
    json_error_t err;
    json_t *j = json_loads(js.data, 0, &err);
    CHECK(j != NULL, "the JSON parses: %s", err.text);
    static crow rows[256];
    int n = parse_csv(cs.data, rows, 256);
    CHECK(n > 1, "the CSV has rows");
    CHECK_STR(rows[0].f[0], "list", "a header first");
    CHECK_INT(rows[0].n, 20, "twenty columns");
    CHECK(strstr(cs.data, "\"'=cmd|' /C calc'!A0\"") != NULL,
          "a formula-looking query is defused in CSV");

    /* Rebuild every CSV row from the JSON and compare field by field. */
    int row = 1, same = 1;
    const char *lists[] = {"no_result", "unclicked"};
    for (int li = 0; li < 2; li++) {
        json_t *a = json_object_get(j, lists[li]), *it;
        size_t i;
        json_array_foreach(a, i, it) {
            char ex[4096] = "";
            size_t used = 0;
            json_t *e;
            size_t k;
            json_array_foreach(json_object_get(it, "examples"), k, e) {
                int w = snprintf(ex + used, sizeof ex - used, "%s%s",
                                 k ? "\n" : "", json_string_value(e));
                if (w > 0 && (size_t)w < sizeof ex - used)
                    used += (size_t)w;
            }
            const char *key = jget(it, "normal");
            same &= row < n && !strcmp(rows[row].f[0], lists[li]) &&
                    !strcmp(rows[row].f[1], jget(it, "lang")) &&
                    text_eq(rows[row].f[2], key) &&
                    !strcmp(rows[row].f[3], jget(it, "last_seen")) &&
                    !strcmp(rows[row].f[4], jget(it, "count")) &&
                    text_eq(rows[row].f[19], ex);
            row++;
        }
    }
    CHECK(same, "the grouped searches are the same in CSV and JSON");
    json_t *a = json_object_get(j, "articles"), *it;
    size_t i;
    json_array_foreach(a, i, it) {
        json_t *rs = json_object_get(it, "reasons");
        same &= row < n && !strcmp(rows[row].f[0], "article") &&
                !strcmp(rows[row].f[2], jget(it, "slug")) &&
                !strcmp(rows[row].f[7], jget(it, "yes")) &&
                !strcmp(rows[row].f[8], jget(it, "no")) &&
                !strcmp(rows[row].f[10], jget(it, "wilson_lower")) &&
                !strcmp(rows[row].f[11], jget(rs, "none")) &&
                !strcmp(rows[row].f[13], jget(rs, "unanswered"));
        row++;
        json_t *c;
        size_t k;
        json_array_foreach(json_object_get(it, "comments"), k, c) {
            same &= row < n && !strcmp(rows[row].f[0], "comment") &&
                    !strcmp(rows[row].f[3], jget(c, "time")) &&
                    !strcmp(rows[row].f[16], jget(c, "helpful")) &&
                    !strcmp(rows[row].f[17], jget(c, "reason")) &&
                    text_eq(rows[row].f[18], jget(c, "query")) &&
                    text_eq(rows[row].f[19], jget(c, "comment"));
            row++;
        }
    }
    CHECK(same, "the articles and comments are the same in CSV and JSON");
    json_array_foreach(json_object_get(j, "reports"), i, it) {
        same &= row < n && !strcmp(rows[row].f[0], "report") &&
                !strcmp(rows[row].f[3], jget(it, "time")) &&
                text_eq(rows[row].f[18], jget(it, "query")) &&
                text_eq(rows[row].f[19], jget(it, "comment"));
        row++;
    }
    CHECK(same, "the gap reports are the same in CSV and JSON");
    json_array_foreach(json_object_get(j, "days"), i, it) {
        same &= row < n && !strcmp(rows[row].f[0], "day") &&
                !strcmp(rows[row].f[2], jget(it, "day")) &&
                !strcmp(rows[row].f[5], jget(it, "searches")) &&
                !strcmp(rows[row].f[6], jget(it, "no_result")) &&
                !strcmp(rows[row].f[7], jget(it, "yes")) &&
                !strcmp(rows[row].f[8], jget(it, "no")) &&
                !strcmp(rows[row].f[9], jget(it, "gaps"));
        row++;
    }
    CHECK(same, "the days are the same in CSV and JSON");
    CHECK_INT(row, n, "and the CSV has no other row");
    CHECK_INT(json_array_size(json_object_get(j, "no_result")), 3,
              "three no-result groups");
    CHECK_INT(json_array_size(json_object_get(j, "days")), 3,
              "three days in the period");
    CHECK_STR(jget(json_array_get(json_object_get(j, "reports"), 0), "comment"),
              "line one line, \"two\"", "the comment, its newline made a space");

    daleel_buf text;
    daleel_buf_init(&text, 1 << 22);
    CHECK_INT(daleel_gaps_text(r, &text), DALEEL_OK, "text");
    CHECK(text.data && strstr(text.data, "حذف حساب") != NULL,
          "the text report shows the Arabic group");
    daleel_buf_free(&text);

    for (int k = 0; k < n; k++)
        for (int f = 0; f < rows[k].n; f++)
            free(rows[k].f[f]);
    json_decref(j);
    daleel_buf_free(&js);
    daleel_buf_free(&cs);
    daleel_gap_report_free(r);

    daleel_gaps_opts bad = {.since = now, .until = now};
    CHECK_INT(daleel_gaps_report(fb, &bad, &r), DALEEL_EINVAL, "an empty period");
    bad.since = 0;
    bad.until = (int64_t)4000 * DAY;
    CHECK_INT(daleel_gaps_report(fb, &bad, &r), DALEEL_EINVAL, "a period too long");
    daleel_feedback_close(fb);
}

/* ---- Retention ------------------------------------------------------------- */

static void test_purge(void)
{
    daleel_feedback *fb = open_new();
    sqlite3 *db = raw(db_path);
    int64_t now = time(NULL), old = now - 200 * (int64_t)DAY;

    int64_t s_old = search(fb, "old question", "en", 0, old);
    search(fb, "old question", "en", 0, old + 10);
    search(fb, "old found", "en", 2, old + 20);
    daleel_feedback_record_click(fb, s_old, "x", 1, old);
    vote(fb, "art", 0, DALEEL_REASON_OUTDATED, "old comment", "10.1.1.1", s_old,
         old, NULL);
    daleel_gap_rec g = {.query = "old gap", .query_len = 7, .lang = "en",
                        .comment = "old", .comment_len = 3, .time = old};
    daleel_feedback_record_gap(fb, &g, NULL);
    search(fb, "new question", "en", 0, now);
    vote(fb, "art", 1, DALEEL_REASON_NONE, "new comment", "10.1.1.2", 0, now, NULL);

    daleel_gap_report *before = report(fb, "en", old - DAY, now + 1);
    long deleted = -1;
    CHECK_INT(daleel_feedback_purge(fb, now - 180 * (int64_t)DAY, &deleted),
              DALEEL_OK, "purge: %s", daleel_feedback_errmsg(fb));
    CHECK_INT(deleted, 5, "three searches, a vote and a gap report deleted");
    CHECK_INT(q1i(db, "SELECT count(*) FROM searches"), 1, "the new search stays");
    CHECK_INT(q1i(db, "SELECT count(*) FROM clicks"), 0, "clicks went with it");
    CHECK_INT(q1i(db, "SELECT count(*) FROM votes"), 1, "the new vote stays");
    CHECK_INT(q1i(db, "SELECT count(*) FROM gaps"), 0, "the old gap is gone");
    CHECK_INT(q1i(db, "SELECT count(*) FROM searches WHERE query LIKE 'old%'"), 0,
              "no old query is left");

    daleel_gap_report *after = report(fb, "en", old - DAY, now + 1);
    if (before && after) {
        CHECK_INT(after->n_no_result, before->n_no_result,
                  "the no-result groups survive the purge");
        const daleel_gap_group *b = find_group(before->no_result,
                                               before->n_no_result, "old question");
        const daleel_gap_group *a = find_group(after->no_result,
                                               after->n_no_result, "old question");
        CHECK(b && a && a->count == 2 && b->count == 2, "with their counts");
        CHECK(b && b->n_examples == 1, "before: an example");
        CHECK(a && a->n_examples == 0, "after: none");
        CHECK(a && a->last_seen == old + 10, "the last time is still known");
        CHECK_INT(after->n_unclicked, 1, "the unclicked group survives too");
        CHECK_INT(after->n_articles, 1, "the article's votes survive");
        if (after->n_articles) {
            CHECK_INT(after->articles[0].yes, 1, "yes count kept");
            CHECK_INT(after->articles[0].no, 1, "no count kept");
            CHECK_INT(after->articles[0].reasons[DALEEL_REASON_OUTDATED], 1,
                      "reasons kept");
            CHECK_INT(after->articles[0].n_comments, 1, "only the new comment");
        }
        long sb = 0, sa = 0;
        for (size_t i = 0; i < before->n_days; i++)
            sb += before->days[i].searches + before->days[i].votes_no +
                  before->days[i].gaps;
        for (size_t i = 0; i < after->n_days; i++)
            sa += after->days[i].searches + after->days[i].votes_no +
                  after->days[i].gaps;
        CHECK_INT(sa, sb, "the daily counts are the same after the purge");
        CHECK_INT(sb, 6, "four searches, one no and one gap report");
        CHECK_INT(before->n_reports, 1, "a gap report before");
        CHECK_INT(after->n_reports, 0, "none after");
    }
    daleel_gap_report_free(before);
    daleel_gap_report_free(after);
    sqlite3_close(db);
    daleel_feedback_close(fb);
}

/* ---- Faults ----------------------------------------------------------------- */

static void test_locked(void)
{
    daleel_feedback *fb = open_new();
    int64_t now = time(NULL);
    search(fb, "before the lock", "en", 0, now);
    char hash[DALEEL_VISITOR_HEX + 1];
    daleel_feedback_visitor(fb, "1.2.3.4", "x", now / DAY, hash);
    daleel_feedback_set_busy_timeout(fb, 100);

    sqlite3 *db = raw(db_path);
    CHECK_INT(sqlite3_exec(db, "BEGIN EXCLUSIVE; INSERT INTO meta VALUES ('x', 1)",
                           NULL, NULL, NULL), SQLITE_OK,
              "another connection holds the write lock");

    daleel_vote_rec v = {.slug = "a", .lang = "en", .helpful = 1, .ip = "1.2.3.4",
                         .user_agent = "x", .time = now};
    int64_t id = 7;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_INT(daleel_feedback_record_vote(fb, &v, &id, NULL), DALEEL_EBUSY,
              "a vote on a locked database is DALEEL_EBUSY");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
    CHECK(ms >= 90 && ms < 2000, "after waiting the busy timeout (%.0f ms)", ms);
    CHECK_STR(daleel_feedback_errmsg(fb), "record vote: database is locked",
              "saying it is locked");
    CHECK_INT(id, 0, "and gives no id");
    daleel_search_rec s = {.query = "q", .query_len = 1, .lang = "en"};
    CHECK_INT(daleel_feedback_record_search(fb, &s, NULL), DALEEL_EBUSY,
              "a search too");

    /* Readers are not blocked in WAL mode: the report still works. */
    daleel_gap_report *r = report(fb, NULL, now - DAY, now + 1);
    CHECK(r && r->n_no_result == 1, "the report reads during the lock");
    daleel_gap_report_free(r);
    daleel_feedback *other = NULL;
    CHECK_INT(daleel_feedback_open(db_path, &other), DALEEL_OK,
              "opening a current database needs no write lock");
    daleel_feedback_close(other);

    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    CHECK_INT(daleel_feedback_record_vote(fb, &v, &id, NULL), DALEEL_OK,
              "after the lock the vote goes through");
    CHECK_INT(q1i(db, "SELECT count(*) FROM votes"), 1, "exactly once");
    sqlite3_close(db);
    daleel_feedback_close(fb);
}

static void test_full(void)
{
    daleel_feedback *fb = open_new();
    int64_t now = time(NULL);
    struct stat sb;
    stat(db_path, &sb);
    CHECK_INT(daleel_feedback_limit_size(fb, sb.st_size + 8192), DALEEL_OK,
              "cap the size");
    char q[300];
    memset(q, 'q', sizeof q - 1);
    q[sizeof q - 1] = '\0';
    daleel_status st = DALEEL_OK;
    int stored = 0;
    for (int i = 0; i < 5000 && st == DALEEL_OK; i++) {
        q[0] = (char)('a' + i % 26);
        q[1] = (char)('a' + i / 26 % 26);
        q[2] = (char)('a' + i / 676 % 26);
        daleel_search_rec s = {.query = q, .query_len = strlen(q), .lang = "en",
                               .time = now};
        st = daleel_feedback_record_search(fb, &s, NULL);
        if (st == DALEEL_OK)
            stored++;
    }
    CHECK_INT(st, DALEEL_EBUSY, "a full database answers DALEEL_EBUSY");
    CHECK(strstr(daleel_feedback_errmsg(fb), "database or disk is full") != NULL,
          "saying it is full: %s", daleel_feedback_errmsg(fb));
    CHECK(stored > 0, "after storing what fitted (%d)", stored);
    daleel_gap_report *r = report(fb, NULL, now - DAY, now + 1);
    CHECK(r && r->days[r->n_days - 1].searches == stored,
          "the counters match what was acknowledged");
    daleel_gap_report_free(r);
    sqlite3 *db = raw(db_path);
    CHECK_INT(q1i(db, "SELECT count(*) FROM searches"), stored,
              "every acknowledged search is there, nothing else");
    CHECK_STR(q1(db, "PRAGMA integrity_check"), "ok", "and the file is sound");
    sqlite3_close(db);
    CHECK_INT(daleel_feedback_limit_size(fb, 0), DALEEL_OK, "lift the cap");
    daleel_search_rec s = {.query = "after", .query_len = 5, .lang = "en"};
    CHECK_INT(daleel_feedback_record_search(fb, &s, NULL), DALEEL_OK,
              "recording works again");
    daleel_feedback_close(fb);
}

/* A child votes as fast as it can and reports each acknowledged vote id on
 * a pipe; it is killed with SIGKILL mid-stream.  Every id it reported must
 * be in the database, and the database must be sound. */
static void test_crash(void)
{
    const char *path = new_db();
    int fds[2];
    if (pipe(fds) != 0) {
        CHECK(0, "pipe");
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        daleel_feedback *fb = NULL;
        if (daleel_feedback_open(path, &fb) != DALEEL_OK)
            _exit(2);
        for (unsigned i = 0;; i++) {
            char ip[32], line[32];
            snprintf(ip, sizeof ip, "10.%u.%u.%u", i >> 16 & 255, i >> 8 & 255,
                     i & 255);
            daleel_vote_rec v = {.slug = "crash", .lang = "en", .helpful = i & 1,
                                 .ip = ip, .user_agent = "child"};
            int64_t id;
            if (daleel_feedback_record_vote(fb, &v, &id, NULL) != DALEEL_OK)
                _exit(3);
            int n = snprintf(line, sizeof line, "%lld\n", (long long)id);
            if (write(fds[1], line, (size_t)n) != n)
                _exit(4);
        }
    }
    close(fds[1]);

    /* Read until enough votes were acknowledged (or 10 s), then kill. */
    static char buf[1 << 20];
    size_t len = 0;
    int lines = 0;
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        ssize_t n = read(fds[0], buf + len, sizeof buf - 1 - len);
        if (n <= 0)
            break;
        for (ssize_t k = 0; k < n; k++)
            lines += buf[len + k] == '\n';
        len += (size_t)n;
        clock_gettime(CLOCK_MONOTONIC, &t);
        if (lines >= 200 || t.tv_sec - t0.tv_sec > 10)
            break;
    }
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
          "the child died of SIGKILL (status %d)", status);
    /* Whatever it wrote before dying counts as acknowledged, too. */
    ssize_t n;
    while ((n = read(fds[0], buf + len, sizeof buf - 1 - len)) > 0)
        len += (size_t)n;
    close(fds[0]);
    buf[len] = '\0';

    sqlite3 *db = raw(path);
    int acked = 0, missing = 0;
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM votes WHERE id = ?1", -1, &st, NULL);
    for (char *p = buf, *nl; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
        *nl = '\0';
        sqlite3_bind_int64(st, 1, strtoll(p, NULL, 10));
        if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int(st, 0) != 1)
            missing++;
        sqlite3_reset(st);
        acked++;
    }
    sqlite3_finalize(st);
    CHECK(acked >= 20, "the child acknowledged votes before dying (%d)", acked);
    CHECK_INT(missing, 0, "every acknowledged vote is in the database");
    CHECK_STR(q1(db, "PRAGMA integrity_check"), "ok", "integrity_check is ok");
    CHECK(q1i(db, "SELECT count(*) FROM votes") >= acked,
          "at least the acknowledged votes are stored");
    CHECK_INT(q1i(db, "SELECT sum(yes) + sum(no) FROM daily_article"),
              q1i(db, "SELECT count(*) FROM votes"),
              "the counters agree with the rows after the crash");
    sqlite3_close(db);

    daleel_feedback *fb = NULL;
    CHECK_INT(daleel_feedback_open(path, &fb), DALEEL_OK,
              "the database opens after the crash");
    daleel_feedback_close(fb);
}

int main(void)
{
    test_schema();
    test_open_errors();
    test_scrub();
    test_record();
    test_grouping();
    test_wilson();
    test_csv_json();
    test_purge();
    test_locked();
    test_full();
    test_crash();
    return harness_done();
}
