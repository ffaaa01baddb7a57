/* feedback.h: the feedback database (SQLite, WAL): searches, clicks,
 * votes and "didn't find it" reports, and the writers' gap report built
 * from them.  Queries are stored scrubbed of personal data; visitors are
 * known only by a salted hash.  What is stored is documented in
 * docs/privacy.md; the report's fields in docs/gaps.md.
 *
 * Durability: every record function commits before it returns, so
 * DALEEL_OK means the row is stored and survives a SIGKILL of the server.
 * Votes and gap reports (a reader was thanked for them) commit with
 * synchronous=FULL, so they also survive a power cut; searches and clicks,
 * logged at search speed and used only as statistics, commit with
 * synchronous=NORMAL (no fsync per search: the last ones may be lost in a
 * power cut, the file is never corrupted).
 *
 * Threads: a handle is NOT thread-safe.  Either open one handle per thread
 * (handles on one file, in one or several processes, coordinate through
 * SQLite's WAL locks and wait up to the busy timeout, 2 s by default, for
 * each other), or share one handle behind a mutex held across the call
 * and the read of daleel_feedback_errmsg().  bench/bench_feedback.c found
 * no clear winner for votes (both are bound by the fsync at each commit;
 * see docs/privacy.md, "Performance"); a handle per worker is simplest and
 * lets the gap report run while votes are written.
 *
 * Errors: every fallible function returns a daleel_status; the message is
 * on the handle (daleel_feedback_errmsg()), valid until the next call on
 * it.  DALEEL_EBUSY means "not stored, try again later" (the database was
 * locked for longer than the busy timeout, the disk or the size cap is
 * full, or an I/O error happened): the server answers 503 to it.
 * DALEEL_EDB is any other SQLite error.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DALEEL_FEEDBACK_H
#define DALEEL_FEEDBACK_H

#include <stddef.h>
#include <stdint.h>

#include "daleel/buf.h"
#include "daleel/daleel.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The schema version this library creates (PRAGMA user_version). */
#define DALEEL_FEEDBACK_SCHEMA 1

/* Caps on what is stored (bytes of UTF-8, after scrubbing).  Longer queries
 * are cut at a character boundary; longer comments are refused with
 * DALEEL_ETOOBIG (the server trims to 500 characters, which is at most
 * 2000 bytes, before calling). */
#define DALEEL_FEEDBACK_MAX_QUERY 512
#define DALEEL_FEEDBACK_MAX_COMMENT 2000
#define DALEEL_FEEDBACK_MAX_SLUG 256

/* Length of a visitor hash in hex characters (64 bits of HMAC-SHA256). */
#define DALEEL_VISITOR_HEX 16

typedef struct daleel_feedback daleel_feedback;

/* Open the feedback database at 'path', creating the file and its schema
 * when missing and migrating an older schema (in one transaction).  The
 * file is put in WAL mode, with foreign keys on and a busy timeout of
 * 2000 ms (synchronous: see "Durability" above).
 *
 * Like sqlite3_open(), '*out' is set even on failure (except DALEEL_ENOMEM,
 * where it is NULL) so that daleel_feedback_errmsg() can say why; close it
 * with daleel_feedback_close() in every case.
 * Errors: DALEEL_EIO (the file cannot be opened or created: missing or
 * read-only directory, not a regular file), DALEEL_EVERSION (written by a
 * newer Daleel: schema version above DALEEL_FEEDBACK_SCHEMA), DALEEL_EBUSY
 * (locked while migrating, disk full), DALEEL_EDB (not a database, corrupt),
 * DALEEL_ENOMEM. */
daleel_status daleel_feedback_open(const char *path, daleel_feedback **out);

/* Close the handle and free it.  NULL is a no-op. */
void daleel_feedback_close(daleel_feedback *fb);

/* The message of the last error on 'fb', "" when there was none; owned by
 * 'fb', valid until the next call on it.  Accepts NULL (out of memory at
 * open) and then says so. */
const char *daleel_feedback_errmsg(const daleel_feedback *fb);

/* How long a call waits for another writer before failing with
 * DALEEL_EBUSY (default 2000 ms). */
void daleel_feedback_set_busy_timeout(daleel_feedback *fb, int timeout_ms);

/* Cap the database file at about 'max_bytes' (0: no cap, the default), so
 * that a flood of requests cannot fill the disk.  The cap is a setting of
 * this handle's connection: set it on every handle.  Past the cap, record
 * functions fail with DALEEL_EBUSY ("database or disk is full") while the
 * report and purge still work.  Errors: DALEEL_EDB. */
daleel_status daleel_feedback_limit_size(daleel_feedback *fb,
                                         int64_t max_bytes);

/* The schema version stored in the file (for tests and `daleel-gaps`). */
daleel_status daleel_feedback_schema_version(daleel_feedback *fb,
                                             int *version);

/* A 32-byte secret named 'name' (for example "token"), generated from
 * getrandom() the first time it is asked for and kept in the database's
 * meta table, so that every server process and restart signs with the same
 * key.  Errors: DALEEL_EINVAL (empty name), DALEEL_EIO (no randomness),
 * DALEEL_EBUSY, DALEEL_EDB. */
daleel_status daleel_feedback_secret(daleel_feedback *fb, const char *name,
                                     unsigned char key[32]);

/* ---- Scrubbing and visitors ------------------------------------------- */

/* Copy 'len' bytes of UTF-8 'text' with personal data replaced:
 *   - e-mail addresses (local@domain.tld, ASCII) become "[email]";
 *   - runs of 7 or more digits become "[number]": phone, card, account and
 *     IP numbers.  Digits are ASCII, Arabic-Indic (U+0660..U+0669) or
 *     Eastern Arabic-Indic (U+06F0..U+06F9); between digits a run may have
 *     up to two separators (space, no-break space, - . ( ) /), and a
 *     leading + or ( belongs to it.  A run glued to a Latin letter or to
 *     '_' (KB5034441, 0x80070005: product and error codes people search
 *     for) and an ISO date (2024-01-15) are kept.
 * Invalid UTF-8 becomes U+FFFD and control characters become spaces, so
 * what is stored is always valid, printable UTF-8.  The caller frees
 * '*out' with free().  Errors: DALEEL_ENOMEM. */
daleel_status daleel_scrub_pii(const char *text, size_t len, char **out);

/* The visitor hash: hex of the first 8 bytes of HMAC-SHA256(salt of 'day',
 * ip "\n" user_agent "\n" day), DALEEL_VISITOR_HEX characters, into 'out'.
 * 'day' is the UTC day number (Unix time / 86400).  The salt is random, one
 * per day, kept in the database and deleted two days later, so a hash can
 * be linked to a visitor only on the day it was made and never reversed to
 * an IP address afterwards.  'ip' and 'user_agent' may be "" but not NULL.
 * Errors: DALEEL_EIO (no randomness), DALEEL_EBUSY, DALEEL_EDB. */
daleel_status daleel_feedback_visitor(daleel_feedback *fb, const char *ip,
                                      const char *user_agent, int64_t day,
                                      char out[DALEEL_VISITOR_HEX + 1]);

/* ---- Recording ---------------------------------------------------------
 * In every record, 'time' is Unix seconds; 0 means now.  Strings are UTF-8
 * (invalid bytes are replaced, see daleel_scrub_pii()); 'lang' is "ar",
 * "en" or "" (unknown). */

typedef struct {
    const char *query;      /* as typed */
    size_t query_len;
    const char *lang;       /* the query's language */
    unsigned n_results;     /* total matches shown for it (0: a gap) */
    int corrected;          /* the results are for a "did you mean" form */
    int64_t time;
} daleel_search_rec;

/* Record a search: the scrubbed query, its normal form (the analyzer's
 * daleel_normal_form() of the query with personal data removed) and the
 * day's counters.  '*id' (may be NULL) is the search's id, for the result
 * links (daleel_feedback_record_click()) and a later vote or gap.
 * Errors: DALEEL_EINVAL (NULL query or lang), DALEEL_EBUSY, DALEEL_EDB,
 * DALEEL_ENOMEM. */
daleel_status daleel_feedback_record_search(daleel_feedback *fb,
                                            const daleel_search_rec *rec,
                                            int64_t *id);

/* Batches of searches and clicks (added by the performance session): the
 * records between batch_begin and batch_commit share one transaction (each
 * its own savepoint, so one that fails undoes itself only), which a
 * logging thread needs at search speed: a transaction per record capped
 * the log near 6,000 searches a second on a whole core.  Votes and gap
 * reports cannot be batched (DALEEL_EINVAL): they are durable one by one.
 * Nothing is visible to other connections before the commit; a failed
 * commit loses the batch.  Errors: DALEEL_EINVAL (batch_begin with one
 * open, batch_commit without), DALEEL_EBUSY, DALEEL_EDB. */
daleel_status daleel_feedback_batch_begin(daleel_feedback *fb);
daleel_status daleel_feedback_batch_commit(daleel_feedback *fb);

/* Record that a result of search 'search_id', article 'slug' at 'rank'
 * (1 = first), was opened.  Errors: DALEEL_ENOTFOUND (no such search, or
 * already purged), DALEEL_EINVAL (empty or over-long slug), DALEEL_EBUSY,
 * DALEEL_EDB. */
daleel_status daleel_feedback_record_click(daleel_feedback *fb,
                                           int64_t search_id, const char *slug,
                                           unsigned rank, int64_t time);

/* Why a reader said "no". */
typedef enum {
    DALEEL_REASON_NONE = 0,     /* a "yes", or no reason given */
    DALEEL_REASON_OUTDATED,     /* "out of date" */
    DALEEL_REASON_UNANSWERED,   /* "didn't answer my question" */
    DALEEL_REASON_UNCLEAR,      /* "hard to follow" */
    DALEEL_REASON_OTHER,
    DALEEL_N_REASONS
} daleel_reason;

/* "outdated", "unanswered", "unclear", "other", "" for NONE: the codes of
 * the form, the database and the report.  Static storage. */
const char *daleel_reason_code(daleel_reason r);
/* The reason named by 'code'; DALEEL_REASON_NONE for "" or NULL, -1 when
 * unknown (the server answers 400). */
int daleel_reason_from_code(const char *code);

typedef struct {
    const char *slug;       /* the article */
    const char *lang;       /* the article's language */
    int helpful;            /* 1 yes, 0 no */
    daleel_reason reason;
    const char *comment;    /* NULL or "" for none; scrubbed before storing */
    size_t comment_len;
    int64_t search_id;      /* the search that led there, 0 if none or
                               unknown (a stale id is stored as none) */
    const char *ip;         /* only hashed, never stored */
    const char *user_agent; /* only hashed, never stored */
    int64_t time;
} daleel_vote_rec;

/* Record a vote.  One vote per visitor, article and UTC day counts: a later
 * vote of the same visitor on the same article that day replaces the
 * earlier one (answer, reason, comment, time) and the counters move with
 * it.  '*id' (may be NULL) is the vote's id, the same for a replaced vote.
 * '*replaced' (may be NULL) is set to 1 when an earlier vote was replaced.
 * Errors: DALEEL_EINVAL (empty or over-long slug, helpful not 0/1, bad
 * reason, NULL ip/user_agent), DALEEL_ETOOBIG (comment over
 * DALEEL_FEEDBACK_MAX_COMMENT after scrubbing), DALEEL_EBUSY, DALEEL_EDB,
 * DALEEL_ENOMEM.  When it returns anything but DALEEL_OK, nothing was
 * stored. */
daleel_status daleel_feedback_record_vote(daleel_feedback *fb,
                                          const daleel_vote_rec *vote,
                                          int64_t *id, int *replaced);

typedef struct {
    const char *query;      /* what the reader searched for (may be "") */
    size_t query_len;
    const char *lang;
    const char *comment;    /* what they were looking for; NULL or "" */
    size_t comment_len;
    int64_t search_id;      /* 0 if none */
    int64_t time;
} daleel_gap_rec;

/* Record a "didn't find it" report.  Errors: DALEEL_EINVAL (NULL query or
 * lang), DALEEL_ETOOBIG (comment too long), DALEEL_EBUSY, DALEEL_EDB,
 * DALEEL_ENOMEM. */
daleel_status daleel_feedback_record_gap(daleel_feedback *fb,
                                         const daleel_gap_rec *gap,
                                         int64_t *id);

/* Retention: delete every stored search (with its clicks), vote and gap
 * report older than 'cutoff' (Unix seconds), so no raw query, comment or
 * visitor hash outlives it, and the salts of past days.  The daily counters
 * (see the report's 'days' and the per-form and per-article counts) are
 * kept.  '*n_deleted' (may be NULL) is the number of rows deleted.  Errors:
 * DALEEL_EBUSY, DALEEL_EDB. */
daleel_status daleel_feedback_purge(daleel_feedback *fb, int64_t cutoff,
                                    long *n_deleted);

/* ---- The gap report ----------------------------------------------------
 *
 * Periods are whole UTC days: 'since' is rounded down to its day and
 * 'until' up to the next midnight, so [since, until) covers the days it
 * touches.  All counts come from the daily counters, so they survive
 * daleel_feedback_purge(); examples, comments and reports come from the
 * stored rows and vanish with them.
 *
 * Grouping of searches: by language and normal form (sorted stems).  Then
 * a group whose stem set is a proper subset of other groups' sets is merged
 * into the largest of them when there is exactly one largest (maximal)
 * superset: "الاسترداد" {استرداد} joins "استرداد المبلغ" {استرداد مبلغ}.
 * A subset shared by two unrelated sets ({password} in {password reset}
 * and {password change}) is ambiguous and stays on its own.  A merged
 * group is shown under its most searched form.  Groups are sorted by count
 * (descending), then last seen (newest first), then form.
 *
 * Articles are ranked by the lower bound of the Wilson score interval
 * (z = 1.96) of yes / (yes + no), ascending: worst first, and one "yes"
 * of one vote (0.21) ranks below 90 of 100 (0.83). */

typedef struct {
    const char *lang;       /* "ar", "en" or NULL / "" for all */
    int64_t since, until;   /* Unix seconds; see above */
    unsigned limit;         /* most items per list; 0 = 100 */
} daleel_gaps_opts;

#define DALEEL_GAP_EXAMPLES 3

typedef struct {
    char *lang;
    char *normal;           /* the group's normal form */
    long count;             /* searches in the period */
    int64_t last_seen;      /* Unix seconds (a day's midnight once purged) */
    size_t n_examples;      /* distinct scrubbed queries, newest first */
    char *examples[DALEEL_GAP_EXAMPLES];
} daleel_gap_group;

typedef struct {
    int64_t time;
    int helpful;
    daleel_reason reason;
    char *query;            /* the search that led to the vote, or NULL */
    char *comment;          /* or NULL */
} daleel_gap_comment;

#define DALEEL_GAP_COMMENTS 20

typedef struct {
    char *slug;
    char *lang;
    long yes, no;
    double wilson_lower;
    long reasons[DALEEL_N_REASONS];   /* indexed by daleel_reason; [0]
                                         counts "no" votes without one */
    size_t n_comments;      /* newest first, at most DALEEL_GAP_COMMENTS */
    daleel_gap_comment *comments;
} daleel_gap_article;

typedef struct {
    int64_t time;
    char *lang;
    char *query;
    char *comment;          /* or NULL */
} daleel_gap_report_item;

typedef struct {
    int64_t day;            /* UTC day number: Unix time / 86400 */
    long searches, no_result, votes_yes, votes_no, gaps;
} daleel_gap_day;

typedef struct {
    char lang[8];           /* "ar", "en" or "" for all */
    int64_t since, until;   /* the rounded period */
    daleel_gap_group *no_result;    /* searches that found nothing */
    size_t n_no_result;
    daleel_gap_group *unclicked;    /* searches with results, no click */
    size_t n_unclicked;
    daleel_gap_article *articles;   /* worst first */
    size_t n_articles;
    daleel_gap_report_item *reports;  /* "didn't find it", newest first */
    size_t n_reports;
    daleel_gap_day *days;           /* every day of the period, in order */
    size_t n_days;
} daleel_gap_report;

/* Build the report.  '*out' is owned by the caller, who frees it with
 * daleel_gap_report_free().  Errors: DALEEL_EINVAL (until <= since, or
 * more than 3660 days), DALEEL_EBUSY, DALEEL_EDB, DALEEL_ENOMEM. */
daleel_status daleel_gaps_report(daleel_feedback *fb,
                                 const daleel_gaps_opts *opts,
                                 daleel_gap_report **out);
void daleel_gap_report_free(daleel_gap_report *r);

/* The most helpful articles of the period, for the home page: highest
 * Wilson lower bound first (then most "yes"), at most opts->limit (0 =
 * 100), with their counts and reasons but no comments.  '*out' is an array
 * of '*n' articles (NULL when none) that the caller frees with
 * daleel_gap_articles_free().  Errors: as daleel_gaps_report(). */
daleel_status daleel_feedback_helpful(daleel_feedback *fb,
                                      const daleel_gaps_opts *opts,
                                      daleel_gap_article **out, size_t *n);
void daleel_gap_articles_free(daleel_gap_article *a, size_t n);

/* The lower bound of the Wilson score interval at z = 1.96 for 'yes'
 * successes in 'yes' + 'no' trials; 0 when there are none. */
double daleel_wilson_lower(long yes, long no);

/* Append the report to 'out' as JSON (one object) or CSV (RFC 4180, CRLF,
 * header line first): the bodies of the server's /gaps.json and /gaps.csv
 * and of `daleel-gaps --format json|csv`.  Their fields are documented in
 * docs/gaps.md.  Errors: the buffer's (DALEEL_ETOOBIG, DALEEL_ENOMEM). */
daleel_status daleel_gaps_json(const daleel_gap_report *r, daleel_buf *out);
daleel_status daleel_gaps_csv(const daleel_gap_report *r, daleel_buf *out);
/* A plain-text rendering for terminals (`daleel-gaps --format text`). */
daleel_status daleel_gaps_text(const daleel_gap_report *r, daleel_buf *out);

#ifdef __cplusplus
}
#endif
#endif
