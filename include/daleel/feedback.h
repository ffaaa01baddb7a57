/* feedback.h: the feedback database (SQLite, WAL): searches, clicks,
 * votes and "didn't find it" reports, and the writers' gap report built
 * from them.  Queries are stored scrubbed of personal data; visitors are
 * known only by a salted hash.  What is stored is documented in
 * docs/privacy.md.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DALEEL_FEEDBACK_H
#define DALEEL_FEEDBACK_H

#include <stddef.h>
#include <stdint.h>

#include "daleel/daleel.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The API is written by the feedback session; see lib/feedback.c. */
typedef struct daleel_feedback daleel_feedback;

#ifdef __cplusplus
}
#endif
#endif
