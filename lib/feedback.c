/* feedback.c: the feedback database (see feedback.h): opening with the
 * durability settings, the schema and its migrations, recording searches,
 * clicks, votes and gap reports with their daily counters, visitor hashes,
 * secrets and the retention purge.  The report is in feedback_report.c,
 * the scrubber in feedback_scrub.c.
 *
 * Every write is one BEGIN IMMEDIATE ... COMMIT transaction: IMMEDIATE
 * takes the write lock up front, so a busy database waits in the busy
 * handler at BEGIN instead of failing half-way through a read-then-write
 * transaction (which SQLite cannot retry), and a failed step rolls back
 * everything, counters included.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daleel/crypto.h"
#include "feedback_int.h"

/* ---- Schema -------------------------------------------------------------
 *
 * Migrations, in order: migrations[i] takes user_version i to i + 1.  Never
 * edit a released one; append a new one (and bump DALEEL_FEEDBACK_SCHEMA).
 *
 * Raw rows (searches, clicks, votes, gaps) are purged after the retention
 * period; the daily_* tables hold the counts the report needs and are
 * kept.  daily_normal has one row per day, language and normal form;
 * daily_article one per day, language and article. */
static const char *const migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE meta ("
    "  key TEXT PRIMARY KEY,"
    "  value BLOB NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE salts ("
    "  day INTEGER PRIMARY KEY,"
    "  salt BLOB NOT NULL);"
    "CREATE TABLE searches ("
    "  id INTEGER PRIMARY KEY,"
    "  time INTEGER NOT NULL,"
    "  lang TEXT NOT NULL,"
    "  query TEXT NOT NULL,"
    "  normal TEXT NOT NULL,"
    "  n_results INTEGER NOT NULL,"
    "  corrected INTEGER NOT NULL DEFAULT 0,"
    "  clicked INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX searches_time ON searches (time);"
    "CREATE INDEX searches_normal ON searches (lang, normal, time);"
    "CREATE TABLE clicks ("
    "  id INTEGER PRIMARY KEY,"
    "  search_id INTEGER NOT NULL REFERENCES searches (id) ON DELETE CASCADE,"
    "  slug TEXT NOT NULL,"
    "  rank INTEGER NOT NULL,"
    "  time INTEGER NOT NULL);"
    "CREATE INDEX clicks_search ON clicks (search_id);"
    "CREATE TABLE votes ("
    "  id INTEGER PRIMARY KEY,"
    "  time INTEGER NOT NULL,"
    "  day INTEGER NOT NULL,"
    "  slug TEXT NOT NULL,"
    "  lang TEXT NOT NULL,"
    "  helpful INTEGER NOT NULL CHECK (helpful IN (0, 1)),"
    "  reason TEXT NOT NULL DEFAULT '',"
    "  comment TEXT,"
    "  search_id INTEGER REFERENCES searches (id) ON DELETE SET NULL,"
    "  visitor TEXT NOT NULL,"
    "  UNIQUE (slug, visitor, day));"
    "CREATE INDEX votes_time ON votes (time);"
    "CREATE INDEX votes_search ON votes (search_id);"
    "CREATE TABLE gaps ("
    "  id INTEGER PRIMARY KEY,"
    "  time INTEGER NOT NULL,"
    "  lang TEXT NOT NULL,"
    "  query TEXT NOT NULL,"
    "  normal TEXT NOT NULL,"
    "  comment TEXT,"
    "  search_id INTEGER REFERENCES searches (id) ON DELETE SET NULL);"
    "CREATE INDEX gaps_time ON gaps (time);"
    "CREATE INDEX gaps_search ON gaps (search_id);"
    "CREATE TABLE daily ("
    "  day INTEGER NOT NULL,"
    "  lang TEXT NOT NULL,"
    "  searches INTEGER NOT NULL DEFAULT 0,"
    "  no_result INTEGER NOT NULL DEFAULT 0,"
    "  clicks INTEGER NOT NULL DEFAULT 0,"
    "  votes_yes INTEGER NOT NULL DEFAULT 0,"
    "  votes_no INTEGER NOT NULL DEFAULT 0,"
    "  gaps INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (day, lang)) WITHOUT ROWID;"
    "CREATE TABLE daily_normal ("
    "  day INTEGER NOT NULL,"
    "  lang TEXT NOT NULL,"
    "  normal TEXT NOT NULL,"
    "  searches INTEGER NOT NULL DEFAULT 0,"
    "  no_result INTEGER NOT NULL DEFAULT 0,"
    "  clicked INTEGER NOT NULL DEFAULT 0,"     /* searches with a click */
    "  last_no_result INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (day, lang, normal)) WITHOUT ROWID;"
    "CREATE TABLE daily_article ("
    "  day INTEGER NOT NULL,"
    "  lang TEXT NOT NULL,"
    "  slug TEXT NOT NULL,"
    "  yes INTEGER NOT NULL DEFAULT 0,"
    "  no INTEGER NOT NULL DEFAULT 0,"
    "  r_none INTEGER NOT NULL DEFAULT 0,"
    "  r_outdated INTEGER NOT NULL DEFAULT 0,"
    "  r_unanswered INTEGER NOT NULL DEFAULT 0,"
    "  r_unclear INTEGER NOT NULL DEFAULT 0,"
    "  r_other INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (day, lang, slug)) WITHOUT ROWID;",
};
#define N_MIGRATIONS (sizeof migrations / sizeof migrations[0])
_Static_assert(N_MIGRATIONS == DALEEL_FEEDBACK_SCHEMA,
               "one migration per schema version");

/* ---- Errors ------------------------------------------------------------ */

daleel_status dli_fb_set_err(daleel_feedback *fb, daleel_status st,
                             const char *msg)
{
    snprintf(fb->errmsg, sizeof fb->errmsg, "%s", msg);
    return st;
}

daleel_status dli_fb_fail(daleel_feedback *fb, int rc, const char *what)
{
    daleel_status st;
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_PROTOCOL:
        st = DALEEL_EBUSY;
        break;
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
        st = DALEEL_EIO;
        break;
    case SQLITE_NOMEM:
        st = DALEEL_ENOMEM;
        break;
    default:
        st = DALEEL_EDB;
    }
    /* sqlite3_errmsg() describes the last call on the connection, which is
     * the one that failed; it adds detail (the constraint, the file) that
     * sqlite3_errstr(rc) lacks. */
    const char *detail = fb->db ? sqlite3_errmsg(fb->db) : sqlite3_errstr(rc);
    snprintf(fb->errmsg, sizeof fb->errmsg, "%s: %s", what, detail);
    return st;
}

const char *daleel_feedback_errmsg(const daleel_feedback *fb)
{
    return fb ? fb->errmsg : "out of memory";
}

int64_t dli_now(void)
{
    return (int64_t)time(NULL);
}

/* ---- Small SQL helpers ------------------------------------------------- */

/* Run 'sql' (no parameters, no rows wanted). */
static daleel_status exec(daleel_feedback *fb, const char *sql,
                          const char *what)
{
    int rc = sqlite3_exec(fb->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? DALEEL_OK : dli_fb_fail(fb, rc, what);
}

/* Prepare 'sql'; persistent because the statements of the record functions
 * are reused for the life of the handle (see the cache below). */
static daleel_status prepare(daleel_feedback *fb, const char *sql,
                             sqlite3_stmt **st, const char *what)
{
    int rc = sqlite3_prepare_v3(fb->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                                st, NULL);
    return rc == SQLITE_OK ? DALEEL_OK : dli_fb_fail(fb, rc, what);
}

/* Step a statement that returns no row, then reset it. */
static daleel_status step_done(daleel_feedback *fb, sqlite3_stmt *st,
                               const char *what)
{
    int rc = sqlite3_step(st);
    daleel_status s = DALEEL_OK;
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        s = dli_fb_fail(fb, rc, what);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return s;
}

/* Begin a write transaction.  'durable': commit with synchronous=FULL
 * (the WAL is synced before COMMIT returns: votes and gap reports, which a
 * reader was thanked for); otherwise NORMAL (no sync at commit: searches
 * and clicks, which happen at search speed and are only statistics).  Both
 * survive a killed process, and neither can corrupt the file; NORMAL may
 * lose the last commits in a power cut.  The setting is per connection and
 * changed only between transactions, as SQLite requires. */
static daleel_status begin(daleel_feedback *fb, int durable, const char *what)
{
    if (fb->batch) {
        /* Inside daleel_feedback_batch_begin(): one savepoint per record,
         * so a failed record undoes itself only. */
        if (durable)
            return dli_fb_set_err(fb, DALEEL_EINVAL,
                                  "a vote or report cannot be batched");
        return exec(fb, "SAVEPOINT rec", what);
    }
    if (fb->sync_full != durable) {
        daleel_status st = exec(fb, durable ? "PRAGMA synchronous = FULL"
                                            : "PRAGMA synchronous = NORMAL",
                                what);
        if (st != DALEEL_OK)
            return st;
        fb->sync_full = durable;
    }
    return exec(fb, "BEGIN IMMEDIATE", what);
}

/* Commit; on failure roll back what is left (SQLite may already have rolled
 * back by itself after a full disk or an I/O error). */
static daleel_status commit(daleel_feedback *fb, const char *what)
{
    if (fb->batch) {
        int rc = sqlite3_exec(fb->db, "RELEASE rec", NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            return DALEEL_OK;
        daleel_status st = dli_fb_fail(fb, rc, what);
        sqlite3_exec(fb->db, "ROLLBACK TO rec; RELEASE rec", NULL, NULL, NULL);
        return st;
    }
    int rc = sqlite3_exec(fb->db, "COMMIT", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        return DALEEL_OK;
    daleel_status st = dli_fb_fail(fb, rc, what);
    if (!sqlite3_get_autocommit(fb->db))
        sqlite3_exec(fb->db, "ROLLBACK", NULL, NULL, NULL);
    return st;
}

static void rollback(daleel_feedback *fb)
{
    if (fb->batch) {
        sqlite3_exec(fb->db, "ROLLBACK TO rec; RELEASE rec", NULL, NULL, NULL);
        return;
    }
    if (!sqlite3_get_autocommit(fb->db))
        sqlite3_exec(fb->db, "ROLLBACK", NULL, NULL, NULL);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_TRANSIENT);
}

/* ---- Open and close ---------------------------------------------------- */

static daleel_status migrate(daleel_feedback *fb)
{
    daleel_status st;
    int version;

    if ((st = daleel_feedback_schema_version(fb, &version)) != DALEEL_OK)
        return st;
    if (version > (int)N_MIGRATIONS) {
        char msg[128];
        snprintf(msg, sizeof msg, "schema version %d is newer than this "
                 "program's %d", version, (int)N_MIGRATIONS);
        return dli_fb_set_err(fb, DALEEL_EVERSION, msg);
    }
    if (version == (int)N_MIGRATIONS)
        return DALEEL_OK;   /* the common case takes no write lock */

    if ((st = begin(fb, 1, "migrate")) != DALEEL_OK)
        return st;
    /* Read again under the lock: another process may have migrated while
     * we waited for it. */
    if ((st = daleel_feedback_schema_version(fb, &version)) != DALEEL_OK)
        goto fail;
    for (; version < (int)N_MIGRATIONS; version++) {
        if ((st = exec(fb, migrations[version], "migrate")) != DALEEL_OK)
            goto fail;
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", version + 1);
        if ((st = exec(fb, sql, "migrate")) != DALEEL_OK)
            goto fail;
    }
    char created[32];
    snprintf(created, sizeof created, "%lld", (long long)dli_now());
    sqlite3_stmt *s = NULL;
    if ((st = prepare(fb, "INSERT OR IGNORE INTO meta (key, value) "
                      "VALUES ('created', ?)", &s, "migrate")) != DALEEL_OK)
        goto fail;
    bind_text(s, 1, created);
    st = step_done(fb, s, "migrate");
    sqlite3_finalize(s);
    if (st != DALEEL_OK)
        goto fail;
    return commit(fb, "migrate");
fail:
    rollback(fb);
    return st;
}

daleel_status daleel_feedback_open(const char *path, daleel_feedback **out)
{
    daleel_status st;
    daleel_feedback *fb = calloc(1, sizeof *fb);

    *out = fb;
    if (!fb)
        return DALEEL_ENOMEM;
    fb->salt_day = -1;
    if (!path || !*path)
        return dli_fb_set_err(fb, DALEEL_EINVAL, "no feedback database path");

    /* NOMUTEX: a handle belongs to one thread (feedback.h), so SQLite's
     * own per-connection mutex would only cost time. */
    int rc = sqlite3_open_v2(path, &fb->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                 SQLITE_OPEN_NOMUTEX,
                             NULL);
    if (rc != SQLITE_OK) {
        char what[600];
        snprintf(what, sizeof what, "cannot open feedback database '%s'", path);
        st = dli_fb_fail(fb, rc, what);
        if (st == DALEEL_EBUSY)
            st = DALEEL_EIO;
        goto fail;
    }
    sqlite3_extended_result_codes(fb->db, 1);
    /* SQLite falls back to read-only when the file is not writable; a
     * feedback database that cannot store votes must not look healthy. */
    if (sqlite3_db_readonly(fb->db, "main") == 1) {
        char msg[600];
        snprintf(msg, sizeof msg, "feedback database '%s' is read-only", path);
        st = dli_fb_set_err(fb, DALEEL_EIO, msg);
        goto fail;
    }
    sqlite3_busy_timeout(fb->db, 2000);

    /* WAL lets the report read while votes are written.  synchronous
     * starts FULL (the WAL is synced at every commit) and is lowered to
     * NORMAL only around searches and clicks (see begin()). */
    sqlite3_stmt *s = NULL;
    if ((st = prepare(fb, "PRAGMA journal_mode = WAL", &s, "open")) != DALEEL_OK)
        goto fail;
    rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
        st = dli_fb_fail(fb, rc, "set WAL mode");
        sqlite3_finalize(s);
        goto fail;
    }
    const char *mode = (const char *)sqlite3_column_text(s, 0);
    int wal = mode && strcmp(mode, "wal") == 0;
    sqlite3_finalize(s);
    if (!wal) {
        st = dli_fb_set_err(fb, DALEEL_EIO, "open: the file system does not "
                            "support WAL mode");
        goto fail;
    }
    if ((st = exec(fb, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON",
                   "open")) != DALEEL_OK)
        goto fail;
    fb->sync_full = 1;
    if ((st = migrate(fb)) != DALEEL_OK)
        goto fail;
    fb->errmsg[0] = '\0';
    return DALEEL_OK;
fail:
    /* Keep the handle for its message, but let no later call use a
     * half-open database. */
    {
        char msg[sizeof fb->errmsg];
        memcpy(msg, fb->errmsg, sizeof msg);
        sqlite3_close_v2(fb->db);
        fb->db = NULL;
        memcpy(fb->errmsg, msg, sizeof msg);
    }
    return st;
}

void daleel_feedback_close(daleel_feedback *fb)
{
    if (!fb)
        return;
    /* close_v2 finalizes nothing by itself; the statements are all
     * finalized here (sqlite3_next_stmt walks what is left). */
    if (fb->db) {
        sqlite3_stmt *st;
        while ((st = sqlite3_next_stmt(fb->db, NULL)) != NULL)
            sqlite3_finalize(st);
        sqlite3_close_v2(fb->db);
    }
    daleel_analyzer_free(fb->an);
    memset(fb->salt, 0, sizeof fb->salt);
    free(fb);
}

void daleel_feedback_set_busy_timeout(daleel_feedback *fb, int timeout_ms)
{
    if (fb->db)
        sqlite3_busy_timeout(fb->db, timeout_ms);
}

/* Fail cleanly when the handle did not open. */
static daleel_status check_open(daleel_feedback *fb)
{
    if (fb->db)
        return DALEEL_OK;
    if (!fb->errmsg[0])
        dli_fb_set_err(fb, DALEEL_EINVAL, "the feedback database is not open");
    return DALEEL_EINVAL;
}

daleel_status daleel_feedback_limit_size(daleel_feedback *fb,
                                         int64_t max_bytes)
{
    daleel_status st;
    if ((st = check_open(fb)) != DALEEL_OK)
        return st;
    int page = 4096;
    sqlite3_stmt *s = NULL;
    if ((st = prepare(fb, "PRAGMA page_size", &s, "size limit")) != DALEEL_OK)
        return st;
    if (sqlite3_step(s) == SQLITE_ROW)
        page = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    /* max_page_count counts the main file only; the WAL is bounded by the
     * automatic checkpoint (1000 pages by default). */
    long long pages = max_bytes > 0 ? max_bytes / page : 4294967294LL;
    if (pages < 1)
        pages = 1;
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld", pages);
    return exec(fb, sql, "size limit");
}

daleel_status daleel_feedback_schema_version(daleel_feedback *fb, int *version)
{
    daleel_status st;
    sqlite3_stmt *s = NULL;
    *version = 0;
    if ((st = check_open(fb)) != DALEEL_OK)
        return st;
    if ((st = prepare(fb, "PRAGMA user_version", &s, "schema version")) !=
        DALEEL_OK)
        return st;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *version = sqlite3_column_int(s, 0);
    else
        st = dli_fb_fail(fb, rc, "schema version");
    sqlite3_finalize(s);
    return st;
}

/* ---- Statement cache --------------------------------------------------- */

enum {
    S_SEARCH_INSERT, S_DAILY_SEARCH, S_NORMAL_SEARCH,
    S_CLICK_FIND, S_CLICK_INSERT, S_CLICK_MARK, S_DAILY_CLICK, S_NORMAL_CLICK,
    S_VOTE_FIND, S_VOTE_INSERT, S_VOTE_UPDATE, S_SEARCH_EXISTS,
    S_DAILY_VOTE, S_ARTICLE_VOTE,
    S_GAP_INSERT, S_DAILY_GAP,
    S_SALT_GET, S_SALT_PUT, S_SALT_PURGE, S_SECRET_GET, S_SECRET_PUT,
    N_STMT
};

static const char *const stmt_sql[N_STMT] = {
    [S_SEARCH_INSERT] =
        "INSERT INTO searches (time, lang, query, normal, n_results, corrected)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [S_DAILY_SEARCH] =
        "INSERT INTO daily (day, lang, searches, no_result) VALUES (?1, ?2, 1, ?3)"
        " ON CONFLICT (day, lang) DO UPDATE SET searches = searches + 1,"
        " no_result = no_result + excluded.no_result",
    [S_NORMAL_SEARCH] =
        "INSERT INTO daily_normal (day, lang, normal, searches, no_result,"
        " last_no_result) VALUES (?1, ?2, ?3, 1, ?4, ?5)"
        " ON CONFLICT (day, lang, normal) DO UPDATE SET searches = searches + 1,"
        " no_result = no_result + excluded.no_result,"
        " last_no_result = max(last_no_result, excluded.last_no_result)",
    [S_CLICK_FIND] = "SELECT time, lang, normal, clicked FROM searches WHERE id = ?1",
    [S_CLICK_INSERT] =
        "INSERT INTO clicks (search_id, slug, rank, time) VALUES (?1, ?2, ?3, ?4)",
    [S_CLICK_MARK] = "UPDATE searches SET clicked = 1 WHERE id = ?1",
    [S_DAILY_CLICK] =
        "INSERT INTO daily (day, lang, clicks) VALUES (?1, ?2, 1)"
        " ON CONFLICT (day, lang) DO UPDATE SET clicks = clicks + 1",
    [S_NORMAL_CLICK] =
        "UPDATE daily_normal SET clicked = clicked + 1"
        " WHERE day = ?1 AND lang = ?2 AND normal = ?3",
    [S_VOTE_FIND] =
        "SELECT id, helpful, reason, lang FROM votes"
        " WHERE slug = ?1 AND visitor = ?2 AND day = ?3",
    /* ?4..?8 of the INSERT and ?2..?6 of the UPDATE are the same
     * columns in the same order: bind_vote_fields() fills both. */
    [S_VOTE_INSERT] =
        "INSERT INTO votes (time, day, slug, lang, helpful, reason, comment,"
        " search_id, visitor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [S_VOTE_UPDATE] =
        "UPDATE votes SET time = ?1, lang = ?2, helpful = ?3, reason = ?4,"
        " comment = ?5, search_id = coalesce(?6, search_id) WHERE id = ?7",
    [S_SEARCH_EXISTS] = "SELECT 1 FROM searches WHERE id = ?1",
    /* The vote counters take deltas: +1 for a new vote, -1 to take back
     * the vote a visitor replaced. */
    [S_DAILY_VOTE] =
        "INSERT INTO daily (day, lang, votes_yes, votes_no) VALUES (?1, ?2, ?3, ?4)"
        " ON CONFLICT (day, lang) DO UPDATE SET"
        " votes_yes = votes_yes + excluded.votes_yes,"
        " votes_no = votes_no + excluded.votes_no",
    [S_ARTICLE_VOTE] =
        "INSERT INTO daily_article (day, lang, slug, yes, no, r_none, r_outdated,"
        " r_unanswered, r_unclear, r_other)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
        " ON CONFLICT (day, lang, slug) DO UPDATE SET"
        " yes = yes + excluded.yes, no = no + excluded.no,"
        " r_none = r_none + excluded.r_none,"
        " r_outdated = r_outdated + excluded.r_outdated,"
        " r_unanswered = r_unanswered + excluded.r_unanswered,"
        " r_unclear = r_unclear + excluded.r_unclear,"
        " r_other = r_other + excluded.r_other",
    [S_GAP_INSERT] =
        "INSERT INTO gaps (time, lang, query, normal, comment, search_id)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [S_DAILY_GAP] =
        "INSERT INTO daily (day, lang, gaps) VALUES (?1, ?2, 1)"
        " ON CONFLICT (day, lang) DO UPDATE SET gaps = gaps + 1",
    [S_SALT_GET] = "SELECT salt FROM salts WHERE day = ?1",
    [S_SALT_PUT] = "INSERT OR IGNORE INTO salts (day, salt) VALUES (?1, ?2)",
    [S_SALT_PURGE] = "DELETE FROM salts WHERE day < ?1",
    [S_SECRET_GET] = "SELECT value FROM meta WHERE key = ?1",
    [S_SECRET_PUT] = "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)",
};

_Static_assert(N_STMT <= DLI_FB_N_STMT, "room for every statement");

/* The prepared statement 'which', prepared on first use and kept until
 * daleel_feedback_close(), which finalizes it with every other statement.
 * Votes and searches are small, frequent transactions: preparing their
 * statements once saves most of the CPU they cost. */
static daleel_status stmt(daleel_feedback *fb, int which, sqlite3_stmt **out)
{
    if (fb->stmts[which]) {
        *out = fb->stmts[which];
        return DALEEL_OK;
    }
    daleel_status st = prepare(fb, stmt_sql[which], &fb->stmts[which],
                               "prepare");
    *out = fb->stmts[which];
    return st;
}

/* ---- Reasons ----------------------------------------------------------- */

static const char *const reason_codes[DALEEL_N_REASONS] = {
    "", "outdated", "unanswered", "unclear", "other",
};

const char *daleel_reason_code(daleel_reason r)
{
    return (unsigned)r < DALEEL_N_REASONS ? reason_codes[r] : "";
}

int daleel_reason_from_code(const char *code)
{
    if (!code)
        return DALEEL_REASON_NONE;
    for (int i = 0; i < DALEEL_N_REASONS; i++)
        if (strcmp(code, reason_codes[i]) == 0)
            return i;
    return -1;
}

/* ---- Salts, visitors and secrets --------------------------------------- */

/* Read the blob of a one-column row of 'st' (already bound) into 'out' when
 * it is exactly 'len' bytes.  '*found' says whether it was. */
static daleel_status read_blob(daleel_feedback *fb, sqlite3_stmt *st,
                               unsigned char *out, size_t len, int *found,
                               const char *what)
{
    *found = 0;
    int rc = sqlite3_step(st);
    daleel_status s = DALEEL_OK;
    if (rc == SQLITE_ROW) {
        if ((size_t)sqlite3_column_bytes(st, 0) == len) {
            memcpy(out, sqlite3_column_blob(st, 0), len);
            *found = 1;
        }
    } else if (rc != SQLITE_DONE) {
        s = dli_fb_fail(fb, rc, what);
    }
    sqlite3_reset(st);
    return s;
}

/* Get the row's 32-byte random value from 'get', creating it with 'put'
 * when missing.  INSERT OR IGNORE then read again: when two processes (or
 * two handles) race, both end up with the one that was stored first. */
static daleel_status get_or_make(daleel_feedback *fb, sqlite3_stmt *get,
                                 sqlite3_stmt *put, unsigned char out[32],
                                 const char *what)
{
    daleel_status st;
    int found;
    if ((st = read_blob(fb, get, out, 32, &found, what)) != DALEEL_OK || found)
        return st;
    unsigned char fresh[32];
    if (daleel_random_bytes(fresh, sizeof fresh) != DALEEL_OK)
        return dli_fb_set_err(fb, DALEEL_EIO, "getrandom() failed");
    sqlite3_bind_blob(put, 2, fresh, sizeof fresh, SQLITE_TRANSIENT);
    memset(fresh, 0, sizeof fresh);
    if ((st = step_done(fb, put, what)) != DALEEL_OK)
        return st;
    if ((st = read_blob(fb, get, out, 32, &found, what)) != DALEEL_OK)
        return st;
    return found ? DALEEL_OK
                 : dli_fb_set_err(fb, DALEEL_EDB, "a stored secret is damaged");
}

static daleel_status salt_for(daleel_feedback *fb, int64_t day)
{
    daleel_status st;
    sqlite3_stmt *get, *put, *purge;
    if (fb->salt_day == day)
        return DALEEL_OK;
    if ((st = stmt(fb, S_SALT_GET, &get)) != DALEEL_OK ||
        (st = stmt(fb, S_SALT_PUT, &put)) != DALEEL_OK ||
        (st = stmt(fb, S_SALT_PURGE, &purge)) != DALEEL_OK)
        return st;
    sqlite3_bind_int64(get, 1, day);
    sqlite3_bind_int64(put, 1, day);
    st = get_or_make(fb, get, put, fb->salt, "visitor salt");
    sqlite3_clear_bindings(get);
    if (st != DALEEL_OK)
        return st;
    fb->salt_day = day;
    /* Forget the salts of days before yesterday, so their hashes can no
     * longer be recomputed from a guessed address. */
    sqlite3_bind_int64(purge, 1, dli_now() / DLI_DAY - 1);
    return step_done(fb, purge, "visitor salt");
}

daleel_status daleel_feedback_visitor(daleel_feedback *fb, const char *ip,
                                      const char *user_agent, int64_t day,
                                      char out[DALEEL_VISITOR_HEX + 1])
{
    daleel_status st;
    out[0] = '\0';
    if ((st = check_open(fb)) != DALEEL_OK)
        return st;
    if (!ip || !user_agent || day < 0)
        return dli_fb_set_err(fb, DALEEL_EINVAL, "visitor: no address");
    if ((st = salt_for(fb, day)) != DALEEL_OK)
        return st;
    daleel_buf msg;
    daleel_buf_init(&msg, 64 * 1024);
    daleel_buf_printf(&msg, "%s\n%s\n%lld", ip, user_agent, (long long)day);
    if (msg.err != DALEEL_OK) {
        st = msg.err;
        daleel_buf_free(&msg);
        return dli_fb_set_err(fb, st, "visitor: address too long");
    }
    unsigned char mac[DALEEL_SHA256_LEN];
    daleel_hmac_sha256(fb->salt, sizeof fb->salt, msg.data, msg.len, mac);
    daleel_buf_free(&msg);
    daleel_hex(mac, DALEEL_VISITOR_HEX / 2, out);
    return DALEEL_OK;
}

daleel_status daleel_feedback_secret(daleel_feedback *fb, const char *name,
                                     unsigned char key[32])
{
    daleel_status st;
    sqlite3_stmt *get, *put;
    memset(key, 0, 32);
    if ((st = check_open(fb)) != DALEEL_OK)
        return st;
    if (!name || !*name || strlen(name) > 64)
        return dli_fb_set_err(fb, DALEEL_EINVAL, "secret: bad name");
    if ((st = stmt(fb, S_SECRET_GET, &get)) != DALEEL_OK ||
        (st = stmt(fb, S_SECRET_PUT, &put)) != DALEEL_OK)
        return st;
    char k[80];
    snprintf(k, sizeof k, "secret:%s", name);
    bind_text(get, 1, k);
    bind_text(put, 1, k);
    st = get_or_make(fb, get, put, key, "secret");
    sqlite3_clear_bindings(get);
    sqlite3_clear_bindings(put);
    return st;
}

/* ---- Recording --------------------------------------------------------- */

/* The time of a record: 'time', or now when 0.  Negative times are the
 * caller's bug. */
static int64_t rec_time(int64_t t)
{
    return t ? t : dli_now();
}

static int bad_lang(const char *lang)
{
    return !lang || strlen(lang) > 7;
}

/* Scrub 'text' for storing, cut to 'max' bytes. */
static daleel_status scrub_for_store(daleel_feedback *fb, const char *text,
                                     size_t len, size_t max, char **out)
{
    daleel_status st = daleel_scrub_pii(text, len, out);
    if (st != DALEEL_OK)
        return dli_fb_set_err(fb, st, "scrub: out of memory");
    dli_utf8_truncate(*out, max);
    return DALEEL_OK;
}

/* The normal form of 'text' without its personal data. */
static daleel_status normal_form(daleel_feedback *fb, const char *text,
                                 size_t len, char **out)
{
    char *clean = NULL;
    daleel_status st = dli_scrub(text, len, " ", " ", &clean);
    if (st == DALEEL_OK && !fb->an && !(fb->an = daleel_analyzer_new()))
        st = DALEEL_ENOMEM;
    if (st == DALEEL_OK)
        st = daleel_normal_form(fb->an, clean, strlen(clean), out);
    free(clean);
    if (st != DALEEL_OK)
        return dli_fb_set_err(fb, st, "normal form: out of memory");
    dli_utf8_truncate(*out, DALEEL_FEEDBACK_MAX_QUERY);
    return DALEEL_OK;
}

/* A comment as stored: scrubbed, NULL when empty or only spaces.  Errors:
 * DALEEL_ETOOBIG, DALEEL_ENOMEM. */
static daleel_status comment_for_store(daleel_feedback *fb, const char *text,
                                       size_t len, char **out)
{
    *out = NULL;
    if (!text || !len)
        return DALEEL_OK;
    char *c = NULL;
    daleel_status st = daleel_scrub_pii(text, len, &c);
    if (st != DALEEL_OK)
        return dli_fb_set_err(fb, st, "scrub: out of memory");
    if (strlen(c) > DALEEL_FEEDBACK_MAX_COMMENT) {
        free(c);
        return dli_fb_set_err(fb, DALEEL_ETOOBIG, "comment too long");
    }
    if (c[strspn(c, " ")] == '\0') {
        free(c);
        return DALEEL_OK;
    }
    *out = c;
    return DALEEL_OK;
}

daleel_status daleel_feedback_batch_begin(daleel_feedback *fb)
{
    daleel_status st = check_open(fb);
    if (st != DALEEL_OK)
        return st;
    if (fb->batch)
        return dli_fb_set_err(fb, DALEEL_EINVAL, "a batch is open already");
    if ((st = begin(fb, 0, "begin batch")) == DALEEL_OK)
        fb->batch = 1;
    return st;
}

daleel_status daleel_feedback_batch_commit(daleel_feedback *fb)
{
    daleel_status st = check_open(fb);
    if (st != DALEEL_OK)
        return st;
    if (!fb->batch)
        return dli_fb_set_err(fb, DALEEL_EINVAL, "no batch is open");
    fb->batch = 0;
    return commit(fb, "commit batch");
}

daleel_status daleel_feedback_record_search(daleel_feedback *fb,
                                            const daleel_search_rec *rec,
                                            int64_t *id)
{
    daleel_status st;
    char *q = NULL, *nf = NULL;
    sqlite3_stmt *ins, *daily, *norm;

    if (id)
        *id = 0;
    if ((st = check_open(fb)) != DALEEL_OK)
        return st;
    if (!rec || !rec->query || bad_lang(rec->lang) || rec->time < 0)
        return dli_fb_set_err(fb, DALEEL_EINVAL, "record search: bad record");
    int64_t t = rec_time(rec->time), day = t / DLI_DAY;
    int none = rec->n_results == 0;

    if ((st = scrub_for_store(fb, rec->query, rec->query_len,
                              DALEEL_FEEDBACK_MAX_QUERY, &q)) != DALEEL_OK ||
        (st = normal_form(fb, rec->query, rec->query_len, &nf)) != DALEEL_OK)
        goto out;
    if ((st = stmt(fb, S_SEARCH_INSERT, &ins)) != DALEEL_OK ||
        (st = stmt(fb, S_DAILY_SEARCH, &daily)) != DALEEL_OK ||
        (st = stmt(fb, S_NORMAL_SEARCH, &norm)) != DALEEL_OK)
        goto out;
    if ((st = begin(fb, 0, "record search")) != DALEEL_OK)
        goto out;
    sqlite3_bind_int64(ins, 1, t);
    bind_text(ins, 2, rec->lang);
    bind_text(ins, 3, q);
    bind_text(ins, 4, nf);
    sqlite3_bind_int64(ins, 5, rec->n_results);
    sqlite3_bind_int(ins, 6, rec->corrected != 0);
    if ((st = step_done(fb, ins, "record search")) != DALEEL_OK)
        goto fail;
    int64_t new_id = sqlite3_last_insert_rowid(fb->db);
    sqlite3_bind_int64(daily, 1, day);
    bind_text(daily, 2, rec->lang);
    sqlite3_bind_int(daily, 3, none);
    if ((st = step_done(fb, daily, "record search")) != DALEEL_OK)
        goto fail;
    sqlite3_bind_int64(norm, 1, day);
    bind_text(norm, 2, rec->lang);
    bind_text(norm, 3, nf);
    sqlite3_bind_int(norm, 4, none);
    sqlite3_bind_int64(norm, 5, none ? t : 0);
    if ((st = step_done(fb, norm, "record search")) != DALEEL_OK)
        goto fail;
    if ((st = commit(fb, "record search")) != DALEEL_OK)
        goto out;
    if (id)
        *id = new_id;
    goto out;
fail:
    rollback(fb);
out:
    free(q);
    free(nf);
    return st;
}

daleel_status daleel_feedback_record_click(daleel_feedback *fb,
                                           int64_t search_id, const char *slug,
                                           unsigned rank, int64_t time)
{
    daleel_status st;
    sqlite3_stmt *find, *ins, *mark, *daily, *norm;

    if ((st = check_open(fb)) != DALEEL_OK)
        return st;
    if (!slug || !*slug || strlen(slug) > DALEEL_FEEDBACK_MAX_SLUG || time < 0)
        return dli_fb_set_err(fb, DALEEL_EINVAL, "record click: bad slug");
    int64_t t = rec_time(time);
    if ((st = stmt(fb, S_CLICK_FIND, &find)) != DALEEL_OK ||
        (st = stmt(fb, S_CLICK_INSERT, &ins)) != DALEEL_OK ||
        (st = stmt(fb, S_CLICK_MARK, &mark)) != DALEEL_OK ||
        (st = stmt(fb, S_DAILY_CLICK, &daily)) != DALEEL_OK ||
        (st = stmt(fb, S_NORMAL_CLICK, &norm)) != DALEEL_OK)
        return st;
    if ((st = begin(fb, 0, "record click")) != DALEEL_OK)
        return st;

    sqlite3_bind_int64(find, 1, search_id);
    int rc = sqlite3_step(find);
    if (rc != SQLITE_ROW) {
        st = rc == SQLITE_DONE
                 ? dli_fb_set_err(fb, DALEEL_ENOTFOUND, "record click: no such search")
                 : dli_fb_fail(fb, rc, "record click");
        sqlite3_reset(find);
        goto fail;
    }
    int64_t s_day = sqlite3_column_int64(find, 0) / DLI_DAY;
    const char *l = (const char *)sqlite3_column_text(find, 1);
    const char *f = (const char *)sqlite3_column_text(find, 2);
    char *lang = l ? strdup(l) : NULL;
    char *nf = f ? strdup(f) : NULL;
    int clicked = sqlite3_column_int(find, 3);
    sqlite3_reset(find);
    if (!lang || !nf) {
        free(lang);
        free(nf);
        st = dli_fb_set_err(fb, DALEEL_ENOMEM, "record click: out of memory");
        goto fail;
    }

    sqlite3_bind_int64(ins, 1, search_id);
    bind_text(ins, 2, slug);
    sqlite3_bind_int64(ins, 3, rank);
    sqlite3_bind_int64(ins, 4, t);
    st = step_done(fb, ins, "record click");
    if (st == DALEEL_OK) {
        sqlite3_bind_int64(daily, 1, t / DLI_DAY);
        bind_text(daily, 2, lang);
        st = step_done(fb, daily, "record click");
    }
    /* Only the first click turns the search into a "clicked" one, counted
     * on the search's own day so that the unclicked count is
     * searches - no_result - clicked of that day. */
    if (st == DALEEL_OK && !clicked) {
        sqlite3_bind_int64(mark, 1, search_id);
        st = step_done(fb, mark, "record click");
        if (st == DALEEL_OK) {
            sqlite3_bind_int64(norm, 1, s_day);
            bind_text(norm, 2, lang);
            bind_text(norm, 3, nf);
            st = step_done(fb, norm, "record click");
        }
    }
    free(lang);
    free(nf);
    if (st != DALEEL_OK)
        goto fail;
    return commit(fb, "record click");
fail:
    rollback(fb);
    return st;
}

/* Is 'search_id' a stored search?  A vote or gap report may carry a stale
 * id (the search was purged, or the reader edited the URL): it is then
 * stored without one rather than refused. */
static daleel_status search_exists(daleel_feedback *fb, int64_t search_id,
                                   int *exists)
{
    sqlite3_stmt *s;
    daleel_status st;
    *exists = 0;
    if (search_id <= 0)
        return DALEEL_OK;
    if ((st = stmt(fb, S_SEARCH_EXISTS, &s)) != DALEEL_OK)
        return st;
    sqlite3_bind_int64(s, 1, search_id);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc == SQLITE_ROW)
        *exists = 1;
    else if (rc != SQLITE_DONE)
        return dli_fb_fail(fb, rc, "search lookup");
    return DALEEL_OK;
}

/* Add 'sign' (+1 or -1) times a vote to the counters of 'day'. */
static daleel_status count_vote(daleel_feedback *fb, int64_t day,
                                const char *lang, const char *slug,
                                int helpful, int reason, int sign)
{
    daleel_status st;
    sqlite3_stmt *daily, *art;
    if ((st = stmt(fb, S_DAILY_VOTE, &daily)) != DALEEL_OK ||
        (st = stmt(fb, S_ARTICLE_VOTE, &art)) != DALEEL_OK)
        return st;
    sqlite3_bind_int64(daily, 1, day);
    bind_text(daily, 2, lang);
    sqlite3_bind_int(daily, 3, helpful ? sign : 0);
    sqlite3_bind_int(daily, 4, helpful ? 0 : sign);
    if ((st = step_done(fb, daily, "record vote")) != DALEEL_OK)
        return st;
    sqlite3_bind_int64(art, 1, day);
    bind_text(art, 2, lang);
    bind_text(art, 3, slug);
    sqlite3_bind_int(art, 4, helpful ? sign : 0);
    sqlite3_bind_int(art, 5, helpful ? 0 : sign);
    for (int r = 0; r < DALEEL_N_REASONS; r++)
        sqlite3_bind_int(art, 6 + r, !helpful && r == reason ? sign : 0);
    return step_done(fb, art, "record vote");
}

/* Bind the five columns that a new vote (S_VOTE_INSERT, from ?4) and a
 * replaced one (S_VOTE_UPDATE, from ?2) both set, in the order the two
 * statements share: lang, helpful, reason, comment (NULL when there is
 * none) and search_id (NULL when that search is not recorded, which the
 * UPDATE's coalesce() reads as "keep the old one"). */
static void bind_vote_fields(sqlite3_stmt *s, int first,
                             const daleel_vote_rec *v, int reason,
                             const char *comment, int has_search)
{
    bind_text(s, first, v->lang);
    sqlite3_bind_int(s, first + 1, v->helpful);
    bind_text(s, first + 2, daleel_reason_code(reason));
    if (comment)
        bind_text(s, first + 3, comment);
    else
        sqlite3_bind_null(s, first + 3);
    if (has_search)
        sqlite3_bind_int64(s, first + 4, v->search_id);
    else
        sqlite3_bind_null(s, first + 4);
}

daleel_status daleel_feedback_record_vote(daleel_feedback *fb,
                                          const daleel_vote_rec *v,
                                          int64_t *id, int *replaced)
{
    daleel_status st;
    char visitor[DALEEL_VISITOR_HEX + 1];
    char *comment = NULL, *old_lang = NULL;
    sqlite3_stmt *find, *ins, *upd;

    if (id)
        *id = 0;
    if (replaced)
        *replaced = 0;
    if ((st = check_open(fb)) != DALEEL_OK)
        return st;
    if (!v || !v->slug || !*v->slug || strlen(v->slug) > DALEEL_FEEDBACK_MAX_SLUG ||
        bad_lang(v->lang) || (v->helpful != 0 && v->helpful != 1) ||
        (unsigned)v->reason >= DALEEL_N_REASONS || !v->ip || !v->user_agent ||
        v->time < 0)
        return dli_fb_set_err(fb, DALEEL_EINVAL, "record vote: bad vote");
    int64_t t = rec_time(v->time), day = t / DLI_DAY;
    /* A "yes" has no reason: the form asks for one only after "no". */
    int reason = v->helpful ? DALEEL_REASON_NONE : (int)v->reason;

    if ((st = daleel_feedback_visitor(fb, v->ip, v->user_agent, day, visitor)) !=
        DALEEL_OK)
        return st;
    if ((st = comment_for_store(fb, v->comment, v->comment_len, &comment)) !=
        DALEEL_OK)
        return st;
    if ((st = stmt(fb, S_VOTE_FIND, &find)) != DALEEL_OK ||
        (st = stmt(fb, S_VOTE_INSERT, &ins)) != DALEEL_OK ||
        (st = stmt(fb, S_VOTE_UPDATE, &upd)) != DALEEL_OK)
        goto out;
    if ((st = begin(fb, 1, "record vote")) != DALEEL_OK)
        goto out;

    int has_search;
    if ((st = search_exists(fb, v->search_id, &has_search)) != DALEEL_OK)
        goto fail;

    sqlite3_bind_text(find, 1, v->slug, -1, SQLITE_STATIC);
    sqlite3_bind_text(find, 2, visitor, -1, SQLITE_STATIC);
    sqlite3_bind_int64(find, 3, day);
    int rc = sqlite3_step(find);
    int64_t old_id = 0;
    int old_helpful = 0, old_reason = 0;
    if (rc == SQLITE_ROW) {
        old_id = sqlite3_column_int64(find, 0);
        old_helpful = sqlite3_column_int(find, 1);
        old_reason = daleel_reason_from_code(
            (const char *)sqlite3_column_text(find, 2));
        const char *l = (const char *)sqlite3_column_text(find, 3);
        old_lang = l ? strdup(l) : NULL;
    }
    sqlite3_reset(find);
    sqlite3_clear_bindings(find);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        st = dli_fb_fail(fb, rc, "record vote");
        goto fail;
    }
    if (old_id && !old_lang) {
        st = dli_fb_set_err(fb, DALEEL_ENOMEM, "record vote: out of memory");
        goto fail;
    }

    if (old_id) {
        if (old_reason < 0)
            old_reason = DALEEL_REASON_OTHER;
        if ((st = count_vote(fb, day, old_lang, v->slug, old_helpful,
                             old_reason, -1)) != DALEEL_OK)
            goto fail;
        sqlite3_bind_int64(upd, 1, t);
        bind_vote_fields(upd, 2, v, reason, comment, has_search);
        sqlite3_bind_int64(upd, 7, old_id);
        if ((st = step_done(fb, upd, "record vote")) != DALEEL_OK)
            goto fail;
    } else {
        sqlite3_bind_int64(ins, 1, t);
        sqlite3_bind_int64(ins, 2, day);
        bind_text(ins, 3, v->slug);
        bind_vote_fields(ins, 4, v, reason, comment, has_search);
        bind_text(ins, 9, visitor);
        if ((st = step_done(fb, ins, "record vote")) != DALEEL_OK)
            goto fail;
        old_id = sqlite3_last_insert_rowid(fb->db);
    }
    if ((st = count_vote(fb, day, v->lang, v->slug, v->helpful, reason, +1)) !=
        DALEEL_OK)
        goto fail;
    if ((st = commit(fb, "record vote")) != DALEEL_OK)
        goto out;
    if (id)
        *id = old_id;
    if (replaced)
        *replaced = old_lang != NULL;
    goto out;
fail:
    rollback(fb);
out:
    free(comment);
    free(old_lang);
    return st;
}

daleel_status daleel_feedback_record_gap(daleel_feedback *fb,
                                         const daleel_gap_rec *g, int64_t *id)
{
    daleel_status st;
    char *q = NULL, *nf = NULL, *comment = NULL;
    sqlite3_stmt *ins, *daily;

    if (id)
        *id = 0;
    if ((st = check_open(fb)) != DALEEL_OK)
        return st;
    if (!g || !g->query || bad_lang(g->lang) || g->time < 0)
        return dli_fb_set_err(fb, DALEEL_EINVAL, "record gap: bad report");
    int64_t t = rec_time(g->time);
    if ((st = scrub_for_store(fb, g->query, g->query_len,
                              DALEEL_FEEDBACK_MAX_QUERY, &q)) != DALEEL_OK ||
        (st = normal_form(fb, g->query, g->query_len, &nf)) != DALEEL_OK ||
        (st = comment_for_store(fb, g->comment, g->comment_len, &comment)) !=
            DALEEL_OK)
        goto out;
    if ((st = stmt(fb, S_GAP_INSERT, &ins)) != DALEEL_OK ||
        (st = stmt(fb, S_DAILY_GAP, &daily)) != DALEEL_OK)
        goto out;
    if ((st = begin(fb, 1, "record gap")) != DALEEL_OK)
        goto out;
    int has_search;
    if ((st = search_exists(fb, g->search_id, &has_search)) != DALEEL_OK)
        goto fail;
    sqlite3_bind_int64(ins, 1, t);
    bind_text(ins, 2, g->lang);
    bind_text(ins, 3, q);
    bind_text(ins, 4, nf);
    if (comment)
        bind_text(ins, 5, comment);
    else
        sqlite3_bind_null(ins, 5);
    if (has_search)
        sqlite3_bind_int64(ins, 6, g->search_id);
    else
        sqlite3_bind_null(ins, 6);
    if ((st = step_done(fb, ins, "record gap")) != DALEEL_OK)
        goto fail;
    int64_t new_id = sqlite3_last_insert_rowid(fb->db);
    sqlite3_bind_int64(daily, 1, t / DLI_DAY);
    bind_text(daily, 2, g->lang);
    if ((st = step_done(fb, daily, "record gap")) != DALEEL_OK)
        goto fail;
    if ((st = commit(fb, "record gap")) != DALEEL_OK)
        goto out;
    if (id)
        *id = new_id;
    goto out;
fail:
    rollback(fb);
out:
    free(q);
    free(nf);
    free(comment);
    return st;
}

/* ---- Retention --------------------------------------------------------- */

daleel_status daleel_feedback_purge(daleel_feedback *fb, int64_t cutoff,
                                    long *n_deleted)
{
    /* Votes and gap reports first: they point at searches, and deleting
     * them before the searches spares the ON DELETE SET NULL updates.
     * Clicks go with their searches (ON DELETE CASCADE). */
    static const char *const sql[] = {
        "DELETE FROM votes WHERE time < ?1",
        "DELETE FROM gaps WHERE time < ?1",
        "DELETE FROM searches WHERE time < ?1",
        "DELETE FROM salts WHERE day < ?2",
    };
    daleel_status st;
    long n = 0;

    if (n_deleted)
        *n_deleted = 0;
    if ((st = check_open(fb)) != DALEEL_OK)
        return st;
    if ((st = begin(fb, 1, "purge")) != DALEEL_OK)
        return st;
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
        sqlite3_stmt *s = NULL;
        if ((st = prepare(fb, sql[i], &s, "purge")) != DALEEL_OK)
            goto fail;
        sqlite3_bind_int64(s, 1, cutoff);
        sqlite3_bind_int64(s, 2, dli_now() / DLI_DAY - 1);
        st = step_done(fb, s, "purge");
        if (i < 3)
            n += (long)sqlite3_changes64(fb->db);
        sqlite3_finalize(s);
        if (st != DALEEL_OK)
            goto fail;
    }
    if ((st = commit(fb, "purge")) != DALEEL_OK)
        return st;
    fb->salt_day = -1;
    if (n_deleted)
        *n_deleted = n;
    return DALEEL_OK;
fail:
    rollback(fb);
    return st;
}
