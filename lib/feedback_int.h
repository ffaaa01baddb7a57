/* feedback_int.h: what lib/feedback.c, feedback_scrub.c and
 * feedback_report.c share; not installed, not for the programs.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DALEEL_FEEDBACK_INT_H
#define DALEEL_FEEDBACK_INT_H

#include <sqlite3.h>

#include "daleel/feedback.h"
#include "daleel/text.h"

#define DLI_DAY 86400
/* Room for the record functions' cached statements (feedback.c). */
#define DLI_FB_N_STMT 32

struct daleel_feedback {
    sqlite3 *db;
    daleel_analyzer *an;        /* created on the first search record */
    int64_t salt_day;           /* the day of 'salt', -1 if none cached */
    unsigned char salt[32];
    sqlite3_stmt *stmts[DLI_FB_N_STMT];   /* prepared on first use */
    int sync_full;              /* the connection's synchronous is FULL */
    int batch;                  /* in daleel_feedback_batch_begin() */
    char errmsg[512];
};

/* Set the handle's message to "<what>: <SQLite's message>" and map the
 * SQLite result code 'rc' to a status: busy, locked, full and I/O errors to
 * DALEEL_EBUSY (retry later), read-only and cannot-open to DALEEL_EIO, out
 * of memory to DALEEL_ENOMEM, the rest to DALEEL_EDB. */
daleel_status dli_fb_fail(daleel_feedback *fb, int rc, const char *what);

/* Set the handle's message to 'msg' and return 'st'. */
daleel_status dli_fb_set_err(daleel_feedback *fb, daleel_status st,
                             const char *msg);

/* The scrubber of daleel_scrub_pii() with the replacement texts chosen by
 * the caller: the normal form is computed from the text with personal data
 * replaced by spaces, so that "[email]" never becomes a stem. */
daleel_status dli_scrub(const char *text, size_t len, const char *email_repl,
                        const char *number_repl, char **out);

/* Cut the NUL-terminated UTF-8 's' in place to at most 'max' bytes, at a
 * character boundary. */
void dli_utf8_truncate(char *s, size_t max);

/* Current Unix time in seconds. */
int64_t dli_now(void);

#endif
