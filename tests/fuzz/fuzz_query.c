/* fuzz_query.c: query construction and search (snippets, did-you-mean,
 * suggestions) on arbitrary bytes, over a small index built at start-up.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daleel/document.h"
#include "daleel/search.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static daleel_searcher *searcher;
static char dir[] = "/tmp/daleel-fuzz-query-XXXXXX";

static const char *const docs[][4] = {
    /* slug, lang, title, body */
    { "en/returns/refund", "en", "Refund times",
      "How long a refund takes to reach your card. Money back in 5 days." },
    { "ar/returns/refund", "ar", "مدة استرداد المبلغ",
      "يصل الاسترداد إلى بطاقتك خلال خمسة أيام. استرجاع المبلغ عبر Apple Pay." },
    { "en/account/password", "en", "Reset a forgotten password",
      "Use the reset link in the e-mail. git-commit node.js c++ --recursive" },
};

static void build_index(void)
{
    if (!mkdtemp(dir))
        abort();
    daleel_index *idx;
    daleel_analyzer *an = daleel_analyzer_new();
    if (!an || daleel_index_open_writable(dir, 1, &idx) != DALEEL_OK)
        abort();
    daleel_index_begin(idx);
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        daleel_section sec = { "", "", 0, (char *)docs[i][3] };
        daleel_article a = { 0 };
        a.path = (char *)docs[i][0];
        a.slug = (char *)docs[i][0];
        a.title = (char *)docs[i][2];
        a.lang = daleel_lang_from_code(docs[i][1]);
        a.category = "returns";
        a.summary = (char *)docs[i][3];
        a.translation = "returns/refund";
        a.html = "<p>x</p>";
        a.text = (char *)docs[i][3];
        a.sections = &sec;
        a.n_sections = 1;
        daleel_doc *doc;
        if (daleel_document_build(&a, an, "0", &doc) != DALEEL_OK)
            abort();
        char q[256];
        snprintf(q, sizeof q, "Q%s", a.slug);
        daleel_index_replace(idx, q, doc);
        daleel_doc_free(doc);
    }
    daleel_index_add_spelling(idx, "refund", 3);
    daleel_index_set_meta(idx, "analyzer_version", DALEEL_ANALYZER_VERSION_STR);
    daleel_index_commit(idx);
    daleel_index_close(idx);
    daleel_analyzer_free(an);
    if (daleel_searcher_open(dir, &searcher) != DALEEL_OK)
        abort();
}

static void cleanup(void)
{
    daleel_searcher_close(searcher);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    build_index();
    atexit(cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    daleel_search_opts o = { 0 };
    o.q = (const char *)data;
    o.q_len = size;
    o.lang = size ? (daleel_lang)(data[0] % 3) : DALEEL_LANG_NONE;
    o.internal = size > 1 && (data[1] & 1);
    o.limit = 5;
    daleel_results *r = NULL;
    if (daleel_search(searcher, &o, &r) == DALEEL_OK) {
        for (size_t i = 0; i < r->n_hits; i++) {
            const daleel_hit *h = &r->hits[i];
            size_t slen = strlen(h->snippet);
            for (size_t k = 0; k < h->n_marks; k++)
                if (h->marks[k].start + h->marks[k].len > slen)
                    abort();
        }
        daleel_results_free(r);
    }
    daleel_suggestion *sv = NULL;
    size_t n = 0;
    if (daleel_suggest(searcher, (const char *)data, size, DALEEL_LANG_NONE, 0, 5,
                       &sv, &n) == DALEEL_OK)
        daleel_suggestions_free(sv, n);
    return 0;
}
