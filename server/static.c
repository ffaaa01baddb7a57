/* static.c: the files under /static/, served from memory.  The static folder is small
 * (CSS, a little JavaScript, icons), so it is read once at start with each
 * file's content type, ETag (a hash of its bytes) and gzip form.  A
 * request can only name a file of that table: "..", encoded or not, never
 * reaches the file system.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "daleel/crypto.h"
#include "server.h"

#define MAX_FILE (4u * 1024 * 1024)
#define MAX_FILES 512
#define MAX_DEPTH 4

static const struct {
    const char *ext;
    const char *ctype;
} types[] = {
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".svg", "image/svg+xml; charset=utf-8"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".webp", "image/webp"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".woff", "font/woff"},
    {".txt", "text/plain; charset=utf-8"},
    {".html", "text/html; charset=utf-8"},
    {".map", "application/json; charset=utf-8"},
};

static const char *ctype_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (dot)
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (strcmp(dot, types[i].ext) == 0)
                return types[i].ctype;
    return "application/octet-stream";
}

static int add_file(const char *path, const char *name)
{
    if (srv.n_statics == MAX_FILES)
        return 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
        st.st_size > (off_t)MAX_FILE) {
        fclose(f);
        return 0;
    }
    size_t len = (size_t)st.st_size;
    unsigned char *data = malloc(len ? len : 1);
    if (!data || fread(data, 1, len, f) != len) {
        free(data);
        fclose(f);
        return -1;
    }
    fclose(f);
    srv_static_file *v = realloc(srv.statics,
                                 (srv.n_statics + 1) * sizeof *v);
    if (!v) {
        free(data);
        return -1;
    }
    srv.statics = v;
    srv_static_file *sf = &v[srv.n_statics];
    memset(sf, 0, sizeof *sf);
    sf->name = strdup(name);
    sf->ctype = ctype_of(name);
    sf->data = data;
    sf->len = len;
    unsigned char h[DALEEL_SHA256_LEN];
    char hex[21];
    daleel_sha256(data, len, h);
    daleel_hex(h, 10, hex);
    snprintf(sf->etag, sizeof sf->etag, "\"%s\"", hex);
    if (strncmp(sf->ctype, "text/", 5) == 0 ||
        strncmp(sf->ctype, "application/json", 16) == 0 ||
        strncmp(sf->ctype, "image/svg", 9) == 0) {
        size_t gl;
        unsigned char *gz = srv_gzip(data, len, &gl);
        if (gz && gl < len) {
            sf->gz = gz;
            sf->gz_len = gl;
        } else {
            free(gz);
        }
    }
    srv.n_statics++;
    return sf->name ? 0 : -1;
}

static int walk(const char *dir, const char *prefix, int depth)
{
    DIR *d = opendir(dir);
    if (!d)
        return depth == 0 ? -1 : 0;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;       /* hidden files, "." and ".." */
        char path[4096], name[1024];
        int pn = snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        int nn = snprintf(name, sizeof name, "%s%s", prefix, e->d_name);
        if (pn < 0 || (size_t)pn >= sizeof path || nn < 0 ||
            (size_t)nn >= sizeof name - 1)
            continue;
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            if (depth < MAX_DEPTH) {
                char sub[1100];
                snprintf(sub, sizeof sub, "%s/", name);
                rc = walk(path, sub, depth + 1);
            }
        } else if (S_ISREG(st.st_mode)) {
            rc = add_file(path, name);
        }
    }
    closedir(d);
    return rc;
}

int srv_static_load(const char *dir)
{
    return walk(dir, "", 0);
}

void srv_static_free(void)
{
    for (size_t i = 0; i < srv.n_statics; i++) {
        free(srv.statics[i].name);
        free(srv.statics[i].data);
        free(srv.statics[i].gz);
    }
    free(srv.statics);
    srv.statics = NULL;
    srv.n_statics = 0;
}

/* A name we would ever have loaded: relative, no "." or ".." segment, no
 * backslash, no empty segment. */
static int name_ok(const char *name)
{
    if (!*name || strchr(name, '\\'))
        return 0;
    const char *p = name;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 0 || p[0] == '.')
            return 0;
        if (!slash)
            return 1;
        p = slash + 1;
    }
}

void srv_static(srv_req *r, const char *name)
{
    if (name_ok(name)) {
        for (size_t i = 0; i < srv.n_statics; i++) {
            srv_static_file *f = &srv.statics[i];
            if (strcmp(f->name, name) != 0)
                continue;
            srv_respond(r, 200, f->ctype);
            r->fixed = f->data;
            r->fixed_len = f->len;
            r->fixed_gz = f->gz;
            r->fixed_gz_len = f->gz_len;
            r->fixed_etag = f->etag;
            /* No fingerprint in the names: an hour, then revalidate. */
            r->cache = "public, max-age=3600";
            return;
        }
    }
    srv_page_not_found(r);
}
