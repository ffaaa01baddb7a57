/* walk.c: find the article files under the articles folder, read one file
 * safely (capped, never blocking on a FIFO, never following a file that is
 * not a regular one), and hash its bytes so an unchanged article is skipped
 * without being parsed.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ix.h"

static daleel_status push(char ***v, size_t *n, size_t *cap, char *s)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 256;
        char **nv = realloc(*v, c * sizeof *nv);
        if (!nv)
            return DALEEL_ENOMEM;
        *v = nv;
        *cap = c;
    }
    (*v)[(*n)++] = s;
    return DALEEL_OK;
}

static int ends_with_md(const char *name)
{
    size_t n = strlen(name);
    return n > 3 && memcmp(name + n - 3, ".md", 3) == 0;
}

static char *join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = malloc(la + lb + 2);
    if (!s)
        return NULL;
    memcpy(s, a, la);
    size_t k = la;
    if (la && a[la - 1] != '/')
        s[k++] = '/';
    memcpy(s + k, b, lb + 1);
    return s;
}

/* Walk 'full' (the folder on disk), whose path relative to the articles
 * folder is 'rel' ("" for the root). */
static daleel_status walk_dir(const char *full, const char *rel, ix_tree *t,
                              ix_errors *errs)
{
    DIR *d = opendir(full);
    if (!d) {
        if (!*rel)
            return DALEEL_EIO;
        /* Remember the folder so its indexed articles are kept rather than
         * deleted: a permission slip must not empty the help center. */
        char *bad = join(rel, "");
        if (!bad || push(&t->bad_dirs, &t->n_bad_dirs, &t->cap_bad_dirs, bad)) {
            free(bad);
            return DALEEL_ENOMEM;
        }
        ix_error_add(errs, bad, 0, "cannot open folder: %s", strerror(errno));
        return DALEEL_OK;
    }

    daleel_status st = DALEEL_OK;
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *name = de->d_name;
        /* Dot-files are not skipped as such: tldr has a page for the "."
         * command, "..md".  Only editors' and file managers' droppings are:
         * Emacs lock links ".#x.md" (dangling) and macOS "._x.md" forks. */
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0
            || strncmp(name, ".#", 2) == 0 || strncmp(name, "._", 2) == 0
            || strcmp(name, "node_modules") == 0)
            continue;
        int is_dir = de->d_type == DT_DIR;
        int is_file = de->d_type == DT_REG;
        if (de->d_type == DT_UNKNOWN || de->d_type == DT_LNK) {
            struct stat sb;
            if (fstatat(dirfd(d), name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
                continue;   /* gone since readdir */
            if (S_ISLNK(sb.st_mode)) {
                /* A link to a folder is not followed (it could loop); a link
                 * to anything else named *.md is read like a file, so a
                 * dangling one is reported. */
                is_dir = 0;
                is_file = !(fstatat(dirfd(d), name, &sb, 0) == 0
                            && S_ISDIR(sb.st_mode));
            } else {
                is_dir = S_ISDIR(sb.st_mode);
                is_file = !is_dir;
            }
        } else if (!is_dir) {
            /* FIFOs, sockets, devices named *.md: ix_read_file refuses them
             * with a message instead of blocking on them. */
            is_file = 1;
        }

        char *sub_rel = *rel ? join(rel, name) : strdup(name);
        if (!sub_rel) {
            st = DALEEL_ENOMEM;
            break;
        }
        /* Dot-folders (.git, .github) hold no articles.  DocFX (Microsoft
         * Learn) and Jekyll keep the fragments that pages pull in with
         * [!include] / {% include %} in "includes": they are not articles
         * (most have no title). */
        if (is_dir && (name[0] == '.' || strcmp(name, "includes") == 0
                       || strcmp(name, "_includes") == 0)) {
            free(sub_rel);
            continue;
        }
        if (is_dir) {
            char *sub_full = join(full, name);
            if (!sub_full) {
                free(sub_rel);
                st = DALEEL_ENOMEM;
                break;
            }
            st = walk_dir(sub_full, sub_rel, t, errs);
            free(sub_full);
            free(sub_rel);
            if (st != DALEEL_OK)
                break;
        } else if (is_file && ends_with_md(name)) {
            if (push(&t->files, &t->n_files, &t->cap_files, sub_rel)) {
                free(sub_rel);
                st = DALEEL_ENOMEM;
                break;
            }
        } else {
            free(sub_rel);
        }
    }
    closedir(d);
    return st;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

daleel_status ix_walk(const char *root, ix_tree *out, ix_errors *errs)
{
    memset(out, 0, sizeof *out);
    daleel_status st = walk_dir(root, "", out, errs);
    if (st != DALEEL_OK) {
        ix_tree_free(out);
        return st;
    }
    if (out->n_files)
        qsort(out->files, out->n_files, sizeof *out->files, cmp_str);
    return DALEEL_OK;
}

void ix_tree_free(ix_tree *t)
{
    for (size_t i = 0; i < t->n_files; i++)
        free(t->files[i]);
    for (size_t i = 0; i < t->n_bad_dirs; i++)
        free(t->bad_dirs[i]);
    free(t->files);
    free(t->bad_dirs);
    memset(t, 0, sizeof *t);
}

void ix_hash_hex(const char *data, size_t len, char hex[17])
{
    /* FNV-1a: not cryptographic, and need not be: it only tells whether a
     * writer changed the file, and it costs nothing next to parsing. */
    uint64_t h = 14695981039346656037ull;
    const unsigned char *p = (const unsigned char *)data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    static const char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--) {
        hex[i] = digits[h & 15];
        h >>= 4;
    }
    hex[16] = '\0';
}

daleel_status ix_read_file(const char *full, char *buf, size_t cap,
                           size_t *len, int64_t *mtime, char *msg,
                           size_t msgcap)
{
    daleel_status st = DALEEL_EIO;
    struct stat sb;

    /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
     * writer forever. */
    int fd = open(full, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        snprintf(msg, msgcap, "cannot read: %s", strerror(errno));
        return DALEEL_EIO;
    }
    if (fstat(fd, &sb) != 0) {
        snprintf(msg, msgcap, "cannot read: %s", strerror(errno));
        goto out;
    }
    if (!S_ISREG(sb.st_mode)) {
        snprintf(msg, msgcap, "cannot read: not a regular file");
        goto out;
    }
    if ((unsigned long long)sb.st_size >= cap) {
        snprintf(msg, msgcap, "file is over 2 MiB (%lld bytes)",
                 (long long)sb.st_size);
        st = DALEEL_ETOOBIG;
        goto out;
    }
    size_t got = 0;
    for (;;) {
        ssize_t r = read(fd, buf + got, cap - got);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            snprintf(msg, msgcap, "cannot read: %s", strerror(errno));
            goto out;
        }
        if (r == 0)
            break;
        got += (size_t)r;
        /* The file grew past the cap while we read it. */
        if (got == cap) {
            snprintf(msg, msgcap, "file is over 2 MiB");
            st = DALEEL_ETOOBIG;
            goto out;
        }
    }
    *len = got;
    *mtime = (int64_t)sb.st_mtime;
    st = DALEEL_OK;
out:
    close(fd);
    return st;
}
