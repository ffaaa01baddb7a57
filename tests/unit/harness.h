/* harness.h: the unit tests' tiny harness (after cmark's api_test).  Every
 * check names what it checks; a failure prints what was got and what was
 * expected; harness_done() prints "N passed, N failed" and returns the exit
 * status.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DALEEL_TEST_HARNESS_H
#define DALEEL_TEST_HARNESS_H

#include <stddef.h>

void harness_check(int ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void harness_check_str(const char *got, const char *expected, const char *file,
                       int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void harness_check_long(long got, long expected, const char *file, int line,
                        const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
int harness_done(void);
/* Count of failures so far (to stop a test early when it cannot go on). */
int harness_failed(void);
/* Path of a file under the source tree ("tests/data/x.tsv"): static
 * storage, overwritten by the next call. */
const char *harness_src(const char *rel);
/* A fresh temporary directory (removed at harness_done()). */
const char *harness_tmpdir(void);

#define CHECK(cond, ...) harness_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_STR(got, exp, ...) \
    harness_check_str((got), (exp), __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_INT(got, exp, ...) \
    harness_check_long((long)(got), (long)(exp), __FILE__, __LINE__, __VA_ARGS__)

#endif
