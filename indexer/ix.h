/* ix.h: helpers shared by the files of daleel-index's indexing mode (run.c):
 * the error list every step reports into, the folder walk, file reading and
 * hashing (walk.c), a string map (strmap.c) and the synonyms file
 * (synonyms.c).  Names start with ix_, which marks them as internal to the
 * indexer program, the way dli_ does inside lib/.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DALEEL_INDEXER_IX_H
#define DALEEL_INDEXER_IX_H

#include <stddef.h>
#include <stdint.h>

#include "daleel/daleel.h"
#include "daleel/index.h"
#include "daleel/text.h"

/* ---- Errors -------------------------------------------------------------- */

/* One problem with one input file: 'path' is relative to the articles
 * folder, 'line' is 1-based or 0 when unknown. */
typedef struct {
    char *path;
    int line;
    char *msg;
} ix_error;

/* The run's report: every error is printed on stderr at once (as
 * "path:line: message") and kept for --json.  'clear_line' is called first
 * so a progress bar does not garble the message. */
typedef struct {
    ix_error *v;
    size_t n, cap;
    void (*clear_line)(void *ctx);
    void *clear_ctx;
} ix_errors;

void ix_error_add(ix_errors *e, const char *path, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void ix_errors_free(ix_errors *e);

/* ---- String map ---------------------------------------------------------- */

/* An open-addressing hash map from NUL-terminated strings to size_t.  The
 * map does not own the keys: they must outlive it. */
typedef struct {
    const char **keys;
    size_t *vals;
    size_t n, cap;
} ix_strmap;

/* Set 'key' to 'val' (replacing an older value).  Errors: DALEEL_ENOMEM. */
daleel_status ix_strmap_put(ix_strmap *m, const char *key, size_t val);
/* 1 and '*val' set when 'key' is present, else 0. */
int ix_strmap_get(const ix_strmap *m, const char *key, size_t *val);
void ix_strmap_free(ix_strmap *m);

/* ---- Walking and reading ------------------------------------------------- */

/* The article files found under a folder, as paths relative to it, sorted
 * bytewise (so runs are deterministic), and the sub-folders that could not be
 * read (with a trailing '/'), whose indexed articles must not be taken for
 * deleted. */
typedef struct {
    char **files;
    size_t n_files, cap_files;
    char **bad_dirs;
    size_t n_bad_dirs, cap_bad_dirs;
} ix_tree;

/* Walk 'root' recursively: keep "*.md" files; skip folders whose name
 * starts with '.', "node_modules", the fragment folders "includes" and
 * "_includes" (DocFX, Jekyll), and the files ".#*" (Emacs locks) and "._*"
 * (macOS resource forks); symbolic links
 * to files are followed, links to folders are not (no loops).  Unreadable
 * sub-folders are reported into 'errs' and listed in 'bad_dirs'.  Errors:
 * DALEEL_ENOMEM; DALEEL_EIO when 'root' itself cannot be read. */
daleel_status ix_walk(const char *root, ix_tree *out, ix_errors *errs);
void ix_tree_free(ix_tree *t);

/* 64-bit FNV-1a of 'len' bytes, written as 16 lower-case hex digits and a
 * NUL into 'hex'. */
void ix_hash_hex(const char *data, size_t len, char hex[17]);

/* Read the file at 'full' into 'buf' (of 'cap' bytes; a file of 'cap' bytes
 * or more is too big).  On success '*len' and '*mtime' are set.  On failure
 * 'msg' (of 'msgcap' bytes) says what went wrong, such as "cannot read: not
 * a regular file"; DALEEL_ETOOBIG when the file has 'cap' bytes or more,
 * DALEEL_EIO otherwise. */
daleel_status ix_read_file(const char *full, char *buf, size_t cap,
                           size_t *len, int64_t *mtime, char *msg,
                           size_t msgcap);

/* ---- Synonyms ------------------------------------------------------------ */

/* The synonym pairs of a synonyms file: for every ordered pair of phrases of
 * a group, key(A) -> key(B), where a key is the space-joined stem terms of
 * the phrase's non-stop words ("Zmoney Zback"). */
typedef struct {
    char **keys, **syns;
    size_t n, cap;
    size_t n_groups;
} ix_synonyms;

/* Parse the synonyms file ('len' bytes of 'data', named 'path' in messages).
 * Bad lines are reported into 'errs' as "path:line: message" and skipped;
 * the other lines still count.  Errors: DALEEL_ENOMEM. */
daleel_status ix_synonyms_parse(const char *data, size_t len, const char *path,
                                daleel_analyzer *an, ix_synonyms *out,
                                ix_errors *errs);
void ix_synonyms_free(ix_synonyms *s);

/* Parse the site file (site.yaml): '*out' is its compact JSON,
 * {"categories":{folder:{"ar":..,"en":..}},"name":{..}}, or NULL when the
 * file has mistakes, each reported into 'errs' as "path:line: message".
 * Errors: DALEEL_ENOMEM. */
daleel_status ix_site_parse(const char *data, size_t len, const char *path,
                            char **out, ix_errors *errs);

#endif
