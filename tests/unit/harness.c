/* harness.c: see harness.h.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#ifndef TEST_SRCDIR
#define TEST_SRCDIR "."
#endif

static int n_passed, n_failed;
static char tmpdir[256];

static void report(int ok, const char *file, int line, const char *fmt,
                   va_list ap)
{
    if (ok) {
        n_passed++;
        return;
    }
    n_failed++;
    fprintf(stderr, "FAIL %s:%d: ", file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void harness_check(int ok, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(ok, file, line, fmt, ap);
    va_end(ap);
}

void harness_check_str(const char *got, const char *expected, const char *file,
                       int line, const char *fmt, ...)
{
    int ok = (got == NULL && expected == NULL) ||
             (got && expected && strcmp(got, expected) == 0);
    va_list ap;
    va_start(ap, fmt);
    report(ok, file, line, fmt, ap);
    va_end(ap);
    if (!ok)
        fprintf(stderr, "     got:      %s%s%s\n     expected: %s%s%s\n",
                got ? "\"" : "", got ? got : "NULL", got ? "\"" : "",
                expected ? "\"" : "", expected ? expected : "NULL",
                expected ? "\"" : "");
}

void harness_check_long(long got, long expected, const char *file, int line,
                        const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(got == expected, file, line, fmt, ap);
    va_end(ap);
    if (got != expected)
        fprintf(stderr, "     got: %ld, expected: %ld\n", got, expected);
}

int harness_failed(void)
{
    return n_failed;
}

const char *harness_src(const char *rel)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", TEST_SRCDIR, rel);
    return path;
}

const char *harness_tmpdir(void)
{
    if (!tmpdir[0]) {
        const char *base = getenv("TMPDIR");
        snprintf(tmpdir, sizeof tmpdir, "%s/daleel-test-XXXXXX",
                 base && *base ? base : "/tmp");
        if (!mkdtemp(tmpdir)) {
            perror("mkdtemp");
            exit(2);
        }
    }
    return tmpdir;
}

int harness_done(void)
{
    if (tmpdir[0]) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", tmpdir);
    }
    printf("%d passed, %d failed\n", n_passed, n_failed);
    return n_failed ? 1 : 0;
}
