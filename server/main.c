/* main.c: daleel-serve's command line, start-up and shut-down.  It reads
 * the options, finds the templates and static files (option, environment,
 * source tree, installed data folder), checks that the index opens,
 * creates the feedback database, settles the secrets, starts the HTTP
 * daemon and the background threads (search log, retention purge), then
 * waits for SIGINT or SIGTERM and stops cleanly: no new connections, the
 * requests in flight finish, queued search logs are written.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "daleel/crypto.h"
#include "server.h"

#ifndef DALEEL_DATADIR
#define DALEEL_DATADIR "/usr/local/share/daleel"
#endif
#ifndef DALEEL_SRCDIR
#define DALEEL_SRCDIR "."
#endif
#ifndef DALEEL_BUILDDIR
#define DALEEL_BUILDDIR ""
#endif

static void usage(FILE *f)
{
    fputs(
"usage: daleel-serve [OPTION]...\n"
"Serve the help center in the index over HTTP.\n"
"\n"
"  --index DIR            the index made by daleel-index (default: index)\n"
"  --listen ADDR:PORT     address to listen on (default: 127.0.0.1:8080)\n"
"  --templates DIR        page templates (default: $DALEEL_TEMPLATES, the\n"
"                         source tree, then the installed ones)\n"
"  --static DIR           CSS and JavaScript (default: as for templates)\n"
"  --base-url URL         absolute URL of the site, for links in the API,\n"
"                         feeds and reply links (default: from Host)\n"
"  --threads N            worker threads (default: the number of cores)\n"
"  --feedback-db FILE     feedback database (default: feedback.db beside\n"
"                         the index)\n"
"  --admin-token T        token for the gap report (default:\n"
"                         $DALEEL_ADMIN_TOKEN, else a random one printed\n"
"                         at start)\n"
"  --agent-token T        token for the agent view only (default:\n"
"                         $DALEEL_AGENT_TOKEN; the admin token works too)\n"
"  --secret-file F        key that signs forms, links and cookies, created\n"
"                         if missing (default: a key kept in the feedback\n"
"                         database)\n"
"  --max-conn-per-ip N    connections per client address (default: 64)\n"
"  --retention-days N     purge raw queries and comments older than N days,\n"
"                         at start and daily; 0 keeps them (default: 180)\n"
"  --vote-limit N         votes and reports per address per minute (20)\n"
"  --search-log-limit N   logged searches per address per minute (120)\n"
"  --no-search-log        do not record searches and clicks\n"
"  --no-search-cache      do not keep recent searches' results per thread\n"
"  --feedback-max-mb N    cap the feedback database at N MiB (0: none)\n"
"  --trust-proxy          take the client address from X-Forwarded-For\n"
"                         (only behind a reverse proxy)\n"
"  --quiet                no access log\n"
"  --help, --version\n", f);
}

static char *xstrdup(const char *s)
{
    char *d = strdup(s);
    if (!d) {
        fputs("daleel-serve: out of memory\n", stderr);
        exit(1);
    }
    return d;
}

static int parse_uint(const char *opt, const char *v, unsigned lo,
                      unsigned hi, unsigned *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || *end || !*v || n < (long)lo || n > (long)hi) {
        fprintf(stderr, "daleel-serve: %s: \"%s\" is not a number from %u "
                "to %u\n", opt, v, lo, hi);
        return -1;
    }
    *out = (unsigned)n;
    return 0;
}

/* "127.0.0.1:8080", "[::1]:8080", ":8080" (loopback), "8080". */
static int parse_listen(const char *v)
{
    const char *colon;
    char host[128] = "127.0.0.1";
    if (v[0] == '[') {
        const char *close = strchr(v, ']');
        if (!close || close[1] != ':' || (size_t)(close - v - 1) >= sizeof host)
            goto bad;
        memcpy(host, v + 1, (size_t)(close - v - 1));
        host[close - v - 1] = '\0';
        colon = close + 1;
    } else if ((colon = strrchr(v, ':')) != NULL) {
        if ((size_t)(colon - v) >= sizeof host)
            goto bad;
        if (colon > v) {
            memcpy(host, v, (size_t)(colon - v));
            host[colon - v] = '\0';
        }
    } else {
        colon = v - 1;
    }
    free(srv.listen_host);
    srv.listen_host = xstrdup(host);
    return parse_uint("--listen", colon + 1, 1, 65535, &srv.port);
bad:
    fprintf(stderr, "daleel-serve: --listen: \"%s\" is not ADDRESS:PORT\n", v);
    return -1;
}

static int is_dir_with(const char *dir, const char *file)
{
    char p[4096];
    int n = snprintf(p, sizeof p, "%s/%s", dir, file);
    struct stat st;
    return n > 0 && (size_t)n < sizeof p && stat(p, &st) == 0;
}

/* Whether this program is the one in its build folder, not an installed
 * copy: only then are the source tree's templates the ones it was built
 * with.  An installed daleel-serve must never pick up a checkout's
 * templates because one happens to exist. */
static int running_from_build(void)
{
    char exe[PATH_MAX], build[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0 || !*DALEEL_BUILDDIR || !realpath(DALEEL_BUILDDIR, build))
        return 0;
    exe[n] = '\0';
    size_t bl = strlen(build);
    return strncmp(exe, build, bl) == 0 && exe[bl] == '/';
}

/* The first of: the option, the environment, the source tree (for the
 * build folder's binary), the installed data folder, that holds 'probe'. */
static char *find_dir(const char *opt, const char *env, const char *sub,
                      const char *probe)
{
    if (opt)
        return xstrdup(opt);
    const char *e = getenv(env);
    if (e && *e)
        return xstrdup(e);
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", DALEEL_SRCDIR, sub);
    if (running_from_build() && is_dir_with(p, probe))
        return xstrdup(p);
    snprintf(p, sizeof p, "%s/%s", DALEEL_DATADIR, sub);
    return xstrdup(p);
}

static json_t *load_strings(const char *dir, const char *lang)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/i18n/%s.json", dir, lang);
    json_error_t err;
    json_t *j = json_load_file(p, 0, &err);
    if (!j || !json_is_object(j)) {
        fprintf(stderr, "daleel-serve: %s:%d: %s\n", p, err.line, err.text);
        json_decref(j);
        return NULL;
    }
    return j;
}

/* The signing key: from --secret-file (made with a random key when
 * missing), else the one the feedback database keeps, so that forms and
 * reply links survive a restart and are shared by every process on the
 * same database. */
static int load_secret(daleel_feedback *fb)
{
    if (!srv.secret_file)
        return daleel_feedback_secret(fb, "token", srv.secret) == DALEEL_OK
                   ? 0 : -1;
    unsigned char buf[4096];
    int fd = open(srv.secret_file, O_RDONLY | O_CLOEXEC);
    ssize_t n;
    if (fd < 0 && errno == ENOENT) {
        unsigned char raw[32];
        char hex[65];
        if (daleel_random_bytes(raw, sizeof raw) != DALEEL_OK)
            return -1;
        daleel_hex(raw, sizeof raw, hex);
        hex[64] = '\n';
        fd = open(srv.secret_file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                  0600);
        if (fd < 0 || write(fd, hex, 65) != 65 || fsync(fd) != 0) {
            fprintf(stderr, "daleel-serve: cannot write %s: %s\n",
                    srv.secret_file, strerror(errno));
            if (fd >= 0)
                close(fd);
            return -1;
        }
        close(fd);
        fd = open(srv.secret_file, O_RDONLY | O_CLOEXEC);
    }
    if (fd < 0) {
        fprintf(stderr, "daleel-serve: cannot read %s: %s\n", srv.secret_file,
                strerror(errno));
        return -1;
    }
    n = read(fd, buf, sizeof buf);
    close(fd);
    if (n < 32) {
        fprintf(stderr, "daleel-serve: %s: a secret file needs at least 32 "
                "bytes\n", srv.secret_file);
        return -1;
    }
    daleel_sha256(buf, (size_t)n, srv.secret);
    return 0;
}

/* ---- Retention ---------------------------------------------------------- */

static pthread_mutex_t purge_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t purge_cond = PTHREAD_COND_INITIALIZER;
static int purge_stop;

static void purge_once(void)
{
    daleel_feedback *fb = NULL;
    if (daleel_feedback_open(srv.feedback_db, &fb) == DALEEL_OK) {
        long n = 0;
        int64_t cutoff = (int64_t)time(NULL) -
                         (int64_t)srv.retention_days * 86400;
        daleel_status st = daleel_feedback_purge(fb, cutoff, &n);
        if (st != DALEEL_OK)
            fprintf(stderr, "daleel-serve: retention purge: %s\n",
                    daleel_feedback_errmsg(fb));
        else if (n)
            fprintf(stderr, "daleel-serve: retention purge: %ld rows older "
                    "than %u days deleted\n", n, srv.retention_days);
    }
    daleel_feedback_close(fb);
}

static void *purge_thread(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&purge_lock);
    while (!purge_stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 86400;
        pthread_cond_timedwait(&purge_cond, &purge_lock, &ts);
        if (purge_stop)
            break;
        pthread_mutex_unlock(&purge_lock);
        purge_once();
        pthread_mutex_lock(&purge_lock);
    }
    pthread_mutex_unlock(&purge_lock);
    return NULL;
}

/* ---- Start-up ------------------------------------------------------------ */

static char *feedback_beside(const char *index)
{
    size_t n = strlen(index);
    while (n > 1 && index[n - 1] == '/')
        n--;
    const char *slash = memrchr(index, '/', n);
    char p[4096];
    if (!slash)
        snprintf(p, sizeof p, "feedback.db");
    else if (slash == index)
        snprintf(p, sizeof p, "/feedback.db");
    else
        snprintf(p, sizeof p, "%.*s/feedback.db", (int)(slash - index), index);
    return xstrdup(p);
}

enum {
    O_INDEX = 256, O_LISTEN, O_TEMPLATES, O_STATIC, O_BASE, O_THREADS,
    O_FBDB, O_ADMIN, O_AGENT, O_SECRET, O_MAXCONN, O_RETENTION, O_VOTES,
    O_SEARCHES, O_NOLOG, O_NOCACHE, O_FBMAX, O_PROXY, O_QUIET, O_HELP, O_VERSION
};

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"index", required_argument, NULL, O_INDEX},
        {"listen", required_argument, NULL, O_LISTEN},
        {"templates", required_argument, NULL, O_TEMPLATES},
        {"static", required_argument, NULL, O_STATIC},
        {"base-url", required_argument, NULL, O_BASE},
        {"threads", required_argument, NULL, O_THREADS},
        {"feedback-db", required_argument, NULL, O_FBDB},
        {"admin-token", required_argument, NULL, O_ADMIN},
        {"agent-token", required_argument, NULL, O_AGENT},
        {"secret-file", required_argument, NULL, O_SECRET},
        {"max-conn-per-ip", required_argument, NULL, O_MAXCONN},
        {"retention-days", required_argument, NULL, O_RETENTION},
        {"vote-limit", required_argument, NULL, O_VOTES},
        {"search-log-limit", required_argument, NULL, O_SEARCHES},
        {"no-search-log", no_argument, NULL, O_NOLOG},
        {"no-search-cache", no_argument, NULL, O_NOCACHE},
        {"feedback-max-mb", required_argument, NULL, O_FBMAX},
        {"trust-proxy", no_argument, NULL, O_PROXY},
        {"quiet", no_argument, NULL, O_QUIET},
        {"help", no_argument, NULL, O_HELP},
        {"version", no_argument, NULL, O_VERSION},
        {NULL, 0, NULL, 0},
    };
    const char *templates_opt = NULL, *static_opt = NULL;
    unsigned fb_max_mb = 0;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

    srv.index_dir = xstrdup("index");
    srv.listen_host = xstrdup("127.0.0.1");
    srv.port = 8080;
    srv.threads = ncpu > 0 && ncpu < 256 ? (unsigned)ncpu : 2;
    srv.max_conn_per_ip = 64;
    srv.retention_days = 180;
    srv.vote_limit = 20;
    srv.search_log_limit = 120;
    srv.access_log = 1;
    srv.search_log = 1;
    srv.search_cache = 1;

    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case O_INDEX:
            free(srv.index_dir);
            srv.index_dir = xstrdup(optarg);
            break;
        case O_LISTEN:
            if (parse_listen(optarg) != 0)
                return 2;
            break;
        case O_TEMPLATES:
            templates_opt = optarg;
            break;
        case O_STATIC:
            static_opt = optarg;
            break;
        case O_BASE: {
            size_t n = strlen(optarg);
            while (n && optarg[n - 1] == '/')
                n--;
            if (strncmp(optarg, "http://", 7) != 0 &&
                strncmp(optarg, "https://", 8) != 0) {
                fputs("daleel-serve: --base-url must start with http:// or "
                      "https://\n", stderr);
                return 2;
            }
            srv.base_url = strndup(optarg, n);
            break;
        }
        case O_THREADS:
            if (parse_uint("--threads", optarg, 1, 256, &srv.threads) != 0)
                return 2;
            break;
        case O_FBDB:
            srv.feedback_db = xstrdup(optarg);
            break;
        case O_ADMIN:
            srv.admin_token = xstrdup(optarg);
            break;
        case O_AGENT:
            srv.agent_token = xstrdup(optarg);
            break;
        case O_SECRET:
            srv.secret_file = xstrdup(optarg);
            break;
        case O_MAXCONN:
            if (parse_uint("--max-conn-per-ip", optarg, 1, 100000,
                           &srv.max_conn_per_ip) != 0)
                return 2;
            break;
        case O_RETENTION:
            if (parse_uint("--retention-days", optarg, 0, 36500,
                           &srv.retention_days) != 0)
                return 2;
            break;
        case O_VOTES:
            if (parse_uint("--vote-limit", optarg, 1, 10000000,
                           &srv.vote_limit) != 0)
                return 2;
            break;
        case O_SEARCHES:
            if (parse_uint("--search-log-limit", optarg, 1, 100000000,
                           &srv.search_log_limit) != 0)
                return 2;
            break;
        case O_NOCACHE:
            srv.search_cache = 0;
            break;
        case O_NOLOG:
            srv.search_log = 0;
            break;
        case O_FBMAX:
            if (parse_uint("--feedback-max-mb", optarg, 0, 1000000,
                           &fb_max_mb) != 0)
                return 2;
            break;
        case O_PROXY:
            srv.trust_proxy = 1;
            break;
        case O_QUIET:
            srv.access_log = 0;
            break;
        case O_HELP:
            usage(stdout);
            return 0;
        case O_VERSION:
            printf("daleel-serve %s\n", DALEEL_VERSION);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "daleel-serve: unexpected argument \"%s\"\n",
                argv[optind]);
        usage(stderr);
        return 2;
    }
    srv.feedback_max_bytes = (int64_t)fb_max_mb * 1024 * 1024;
    if (!srv.admin_token && getenv("DALEEL_ADMIN_TOKEN") &&
        *getenv("DALEEL_ADMIN_TOKEN"))
        srv.admin_token = xstrdup(getenv("DALEEL_ADMIN_TOKEN"));
    if (!srv.agent_token && getenv("DALEEL_AGENT_TOKEN") &&
        *getenv("DALEEL_AGENT_TOKEN"))
        srv.agent_token = xstrdup(getenv("DALEEL_AGENT_TOKEN"));
    if (!srv.feedback_db)
        srv.feedback_db = feedback_beside(srv.index_dir);
    srv.templates_dir = find_dir(templates_opt, "DALEEL_TEMPLATES",
                                 "templates", "header.html");
    srv.static_dir = find_dir(static_opt, "DALEEL_STATIC", "static", ".");
    srv.start_time = (int64_t)time(NULL);

    /* The index first: without it there is nothing to serve. */
    daleel_searcher *s = NULL;
    daleel_status st = daleel_searcher_open(srv.index_dir, &s);
    if (st != DALEEL_OK) {
        fprintf(stderr, "daleel-serve: cannot open the index \"%s\": %s\n"
                "Build it first: daleel-index --articles articles --index %s\n",
                srv.index_dir, daleel_status_str(st), srv.index_dir);
        return 1;
    }
    daleel_searcher_close(s);

    srv.tmpl = daleel_tmpl_new();
    if (!srv.tmpl ||
        daleel_tmpl_load_dir(srv.tmpl, srv.templates_dir) != DALEEL_OK ||
        daleel_tmpl_check(srv.tmpl) != DALEEL_OK) {
        fprintf(stderr, "daleel-serve: templates: %s\n",
                srv.tmpl ? daleel_tmpl_errmsg(srv.tmpl) : "out of memory");
        return 1;
    }
    static const char *needed[] = {"home", "search", "article", "error",
                                   "thanks", "confirm", "gaps", "login",
                                   "opensearch"};
    for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
        if (!daleel_tmpl_has(srv.tmpl, needed[i])) {
            fprintf(stderr, "daleel-serve: templates: no %s template in %s\n",
                    needed[i], srv.templates_dir);
            return 1;
        }
    if (!(srv.i18n_en = load_strings(srv.templates_dir, "en")) ||
        !(srv.i18n_ar = load_strings(srv.templates_dir, "ar")))
        return 1;
    if (srv_static_load(srv.static_dir) != 0)
        fprintf(stderr, "daleel-serve: no static files in %s\n",
                srv.static_dir);

    daleel_feedback *fb = NULL;
    st = daleel_feedback_open(srv.feedback_db, &fb);
    if (st != DALEEL_OK) {
        fprintf(stderr, "daleel-serve: feedback database \"%s\": %s\n",
                srv.feedback_db, daleel_feedback_errmsg(fb));
        daleel_feedback_close(fb);
        return 1;
    }
    if (load_secret(fb) != 0) {
        fprintf(stderr, "daleel-serve: no signing key: %s\n",
                daleel_feedback_errmsg(fb));
        daleel_feedback_close(fb);
        return 1;
    }
    daleel_feedback_close(fb);
    if (srv.retention_days)
        purge_once();

    if (!srv.admin_token) {
        unsigned char raw[24];
        char tok[DALEEL_BASE64URL_SIZE(24)];
        if (daleel_random_bytes(raw, sizeof raw) != DALEEL_OK) {
            fputs("daleel-serve: no randomness for the admin token\n", stderr);
            return 1;
        }
        daleel_base64url_encode(raw, sizeof raw, tok, sizeof tok);
        srv.admin_token = xstrdup(tok);
        /* Printed once, so the gap report is never public by default. */
        fprintf(stderr, "daleel-serve: admin token for /gaps (this run "
                "only; set --admin-token to keep one): %s\n", tok);
    }

    /* Signals go to this thread only, which waits for them below; every
     * thread started from here on inherits the blocked mask. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (srv_workers_init() != 0) {
        fputs("daleel-serve: cannot create thread keys\n", stderr);
        return 1;
    }
    srv_rate_init();
    if (srv.search_log && srv_log_start() != 0) {
        fputs("daleel-serve: cannot start the search log\n", stderr);
        return 1;
    }
    pthread_t purger;
    int purging = srv.retention_days &&
                  pthread_create(&purger, NULL, purge_thread, NULL) == 0;

    struct MHD_Daemon *d = srv_http_start();
    if (!d)
        return 1;
    fprintf(stderr, "daleel-serve: serving %s on http://%s%s%s:%u/ with %u "
            "threads\n", srv.index_dir, strchr(srv.listen_host, ':') ? "[" : "",
            srv.listen_host, strchr(srv.listen_host, ':') ? "]" : "",
            srv.port, srv.threads);

    int sig = 0;
    sigwait(&set, &sig);
    fprintf(stderr, "daleel-serve: %s: finishing requests in flight\n",
            sig == SIGINT ? "SIGINT" : "SIGTERM");
    srv_http_stop(d, 10000);
    srv_log_stop();
    if (purging) {
        pthread_mutex_lock(&purge_lock);
        purge_stop = 1;
        pthread_cond_signal(&purge_cond);
        pthread_mutex_unlock(&purge_lock);
        pthread_join(purger, NULL);
    }
    srv_workers_thread_done();
    daleel_tmpl_free(srv.tmpl);
    json_decref(srv.i18n_en);
    json_decref(srv.i18n_ar);
    srv_static_free();
    free(srv.index_dir);
    free(srv.templates_dir);
    free(srv.static_dir);
    free(srv.base_url);
    free(srv.feedback_db);
    free(srv.admin_token);
    free(srv.agent_token);
    free(srv.secret_file);
    free(srv.listen_host);
    fputs("daleel-serve: stopped\n", stderr);
    return 0;
}
