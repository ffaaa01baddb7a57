/* terms.c: `daleel-index --terms TEXT...` and `--query TEXT...`, the
 * analyzer's view of a text, so a writer can see why an article does or
 * does not match a query.  One line per token: the token as written, its
 * flags, then its terms with their prefixes (E:نسخ@1 Zنسخ XAنسخ XCgit-commit).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daleel/daleel.h"
#include "daleel/text.h"
#include "indexer.h"

static void usage(FILE *f)
{
    fputs("usage: daleel-index --terms TEXT...   terms an article text gives\n"
          "       daleel-index --query TEXT...   terms a search query gives\n"
          "Several TEXT arguments are joined with spaces; - reads standard "
          "input.\n", f);
}

/* Read all of standard input into a malloc'd buffer. */
static char *read_stdin(size_t *len)
{
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    if (!b)
        return NULL;
    for (;;) {
        if (n == cap) {
            char *nb = cap > ((size_t)-1) / 2 ? NULL : realloc(b, cap * 2);
            if (!nb) {
                free(b);
                return NULL;
            }
            b = nb;
            cap *= 2;
        }
        size_t got = fread(b + n, 1, cap - n, stdin);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(stdin)) {
        free(b);
        return NULL;
    }
    *len = n;
    return b;
}

/* The arguments after the mode, joined with single spaces. */
static char *join_args(int argc, char **argv, int from, size_t *len)
{
    size_t total = 1;
    for (int i = from; i < argc; i++)
        total += strlen(argv[i]) + 1;
    char *b = malloc(total);
    if (!b)
        return NULL;
    size_t n = 0;
    for (int i = from; i < argc; i++) {
        size_t l = strlen(argv[i]);
        if (n)
            b[n++] = ' ';
        memcpy(b + n, argv[i], l);
        n += l;
    }
    b[n] = '\0';
    *len = n;
    return b;
}

static void print_token(const char *text, const daleel_analysis *a, size_t k,
                        int query)
{
    const daleel_token *t = &a->tokens[k];
    fwrite(text + t->start, 1, t->end - t->start, stdout);
    printf("\t[%s", daleel_lang_code(t->lang));
    if (t->stop)
        fputs(" stop", stdout);
    if (t->dropped)
        fputs(" dropped", stdout);
    if (t->compound)
        printf(" code %u", t->compound);
    if (t->quote)
        printf(" quote %u", t->quote);
    fputs("]", stdout);
    for (size_t j = t->first_term; j < t->first_term + t->n_terms; j++) {
        const daleel_term *m = &a->terms[j];
        switch (m->kind) {
        case DALEEL_TERM_EXACT:
            printf(" E:%s@%u", m->text, m->pos);
            break;
        case DALEEL_TERM_ALT:
            printf(query ? " alt:%s" : " %s", m->text);
            break;
        case DALEEL_TERM_PREFIX:
            printf(" prefix:%s", m->text);
            break;
        case DALEEL_TERM_STEM:
        case DALEEL_TERM_CODE:
            printf(" %s", m->text);
            break;
        }
    }
    putchar('\n');
}

int indexer_terms_main(int argc, char **argv)
{
    int mode = -1, from = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--terms") == 0 || strcmp(argv[i], "--query") == 0) {
            mode = strcmp(argv[i], "--query") == 0 ? DALEEL_ANALYZE_QUERY
                                                   : DALEEL_ANALYZE_INDEX;
            from = i + 1;
            break;
        }
    }
    if (mode < 0 || from >= argc) {
        usage(stderr);
        return 2;
    }
    size_t len = 0;
    char *text = (from == argc - 1 && strcmp(argv[from], "-") == 0)
                 ? read_stdin(&len) : join_args(argc, argv, from, &len);
    if (!text) {
        fputs("daleel-index: cannot read the text: out of memory or read "
              "error\n", stderr);
        return 2;
    }
    daleel_analyzer *an = daleel_analyzer_new();
    if (!an) {
        free(text);
        fputs("daleel-index: out of memory\n", stderr);
        return 2;
    }
    const daleel_analysis *a;
    daleel_status st = daleel_analyze(an, text, len, (daleel_analyze_mode)mode,
                                      1, &a);
    if (st != DALEEL_OK) {
        fprintf(stderr, "daleel-index: %s\n", daleel_status_str(st));
        daleel_analyzer_free(an);
        free(text);
        return 2;
    }
    int query = mode == DALEEL_ANALYZE_QUERY;
    printf("# analyzer %d, %zu tokens, %zu terms, language %s%s\n",
           DALEEL_ANALYZER_VERSION, a->n_tokens, a->n_terms,
           a->lang ? daleel_lang_code(a->lang) : "none",
           query && a->prefix_last ? ", last word may be a prefix" : "");
    for (size_t k = 0; k < a->n_tokens; k++)
        print_token(text, a, k, query);
    daleel_analyzer_free(an);
    free(text);
    return fflush(stdout) == 0 ? 0 : 2;
}
