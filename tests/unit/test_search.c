/* test_search.c: the search module over a small index built here from
 * hand-made articles (English, Arabic, one internal): query construction
 * (Xapian's descriptions), ranking, as-you-type prefixes, did-you-mean,
 * synonyms, filters and facets, snippets and their mark offsets in Arabic
 * text, suggestions, related articles, translations, and bad input.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daleel/document.h"
#include "daleel/search.h"
#include "harness.h"

typedef struct {
    const char *slug, *lang, *category, *translation, *title;
    int internal;
    const char *tag;
    /* sections: heading, id, text; the first has no heading */
    const char *s0, *h1, *id1, *s1;
} fixture;

static const fixture articles[] = {
    {"en/account/reset-password", "en", "account", "reset-password",
     "Reset a forgotten password", 0, "login",
     "Forgot your password? You can set a new one in two minutes.",
     "Reset your password", "reset-your-password",
     "Open the sign-in page and select Forgot password. We send a reset "
     "link to your email address. The link works once and expires after "
     "one hour."},
    {"en/returns/refund-times", "en", "returns", "refund-times",
     "Refund times", 0, "refunds",
     "How long a refund takes depends on how you paid.",
     "Card payments", "card-payments",
     "A refund to your card arrives within 5 business days. Refunds to the "
     "wallet arrive within minutes."},
    {"en/orders/track-order", "en", "orders", "track-order",
     "Track your order", 0, NULL,
     "Use the tracking number from your shipping email.",
     "Where is my parcel", "where-is-my-parcel",
     "The courier updates the status of the parcel every day. Developers "
     "can read it with the node.js client or git-commit hooks."},
    {"en/account/delete-account", "en", "account", "delete-account",
     "Delete your account", 0, NULL,
     "Deleting your account removes your orders history and saved cards.",
     "Before you delete", "before-you-delete",
     "Wait until every refund has reached you. Then select Delete account "
     "under Settings."},
    {"en/returns/refund-override", "en", "returns", NULL,
     "Override a refund limit", 1, NULL,
     "Agents can override the refund limit in the admin console.",
     "Steps", "steps",
     "Open the order, select Override and write the reason."},
    {"ar/returns/refund-times", "ar", "returns", "refund-times",
     "مدة استرداد المبلغ", 0, "refunds",
     "تعتمد مدة الاسترداد على طريقة الدفع.",
     "الدفع بالبطاقة", "الدفع-بالبطاقة",
     "يصل الاسترداد إلى بطاقتك خلال خمسة أيام عمل. إذا لم يصلك المبلغ، "
     "تواصل مع خدمة العملاء."},
    {"ar/account/reset-password", "ar", "account", "reset-password",
     "إعادة تعيين كلمة المرور", 0, NULL,
     "نسيت كلمة المرور؟ يمكنك تعيين كلمة مرور جديدة خلال دقيقتين.",
     "طريقة إعادة التعيين", "طريقة-إعادة-التعيين",
     "افتح صفحة الدخول واضغط نسيت كلمة المرور. نرسل رابط إعادة التعيين "
     "إلى بريدك الإلكتروني."},
    {"ar/orders/track-order", "ar", "orders", "track-order",
     "تتبع طلبك", 0, NULL,
     "استخدم رقم التتبع الموجود في رسالة الشحن.",
     "أين طردي", "أين-طردي",
     "يحدّث المندوب حالة الطرد كل يوم."},
};
#define N_ARTICLES (sizeof articles / sizeof articles[0])

static daleel_status add_spelling(void *ctx, const char *word)
{
    return daleel_index_add_spelling(ctx, word, 1);
}

/* The synonym key of a phrase, as the indexer makes it: the Z terms of
 * its non-stop words, joined by one space. */
static void key_of(daleel_analyzer *an, const char *phrase, char *key,
                   size_t cap)
{
    const daleel_analysis *a;
    size_t len = 0;
    key[0] = '\0';
    if (daleel_analyze(an, phrase, strlen(phrase), DALEEL_ANALYZE_INDEX, 1,
                       &a) != DALEEL_OK)
        return;
    for (size_t i = 0; i < a->n_tokens; i++) {
        const daleel_token *t = &a->tokens[i];
        for (size_t k = 0; !t->stop && k < t->n_terms; k++) {
            const daleel_term *term = &a->terms[t->first_term + k];
            if (term->kind == DALEEL_TERM_STEM) {
                len += (size_t)snprintf(key + len, cap - len, "%s%s",
                                        len ? " " : "", term->text);
                break;
            }
        }
    }
}

static void synonym_pair(daleel_index *idx, daleel_analyzer *an,
                         const char *a, const char *b)
{
    char ka[256], kb[256];
    key_of(an, a, ka, sizeof ka);
    key_of(an, b, kb, sizeof kb);
    daleel_index_add_synonym(idx, ka, kb);
    daleel_index_add_synonym(idx, kb, ka);
}

static const char *build_index(void)
{
    static char dir[512];
    snprintf(dir, sizeof dir, "%s/index", harness_tmpdir());
    daleel_index *idx = NULL;
    daleel_analyzer *an = daleel_analyzer_new();
    CHECK_INT(daleel_index_open_writable(dir, 1, &idx), DALEEL_OK,
              "open a new index for writing");
    if (!idx || !an)
        return NULL;
    daleel_index_begin(idx);
    for (size_t i = 0; i < N_ARTICLES; i++) {
        const fixture *f = &articles[i];
        daleel_section secs[2] = {
            {"", "", 0, (char *)f->s0},
            {(char *)f->id1, (char *)f->h1, 2, (char *)f->s1},
        };
        char path[256], *tags[1] = {(char *)f->tag};
        snprintf(path, sizeof path, "%s.md", f->slug);
        daleel_article a = {0};
        a.path = path;
        a.slug = (char *)f->slug;
        a.title = (char *)f->title;
        a.lang = daleel_lang_from_code(f->lang);
        a.category = (char *)f->category;
        a.tags = f->tag ? tags : NULL;
        a.n_tags = f->tag ? 1 : 0;
        a.summary = (char *)f->s0;
        a.translation = (char *)f->translation;
        a.updated = 1700000000 + (int64_t)i;
        a.internal = f->internal;
        a.html = "<p>x</p>";
        a.text = (char *)f->s1;
        a.sections = secs;
        a.n_sections = 2;
        daleel_doc *doc = NULL;
        CHECK_INT(daleel_document_build(&a, an, "hash", &doc), DALEEL_OK,
                  "build document %s", f->slug);
        char q[300];
        snprintf(q, sizeof q, "Q%s", f->slug);
        CHECK_INT(daleel_index_replace(idx, q, doc), DALEEL_OK, "add %s", f->slug);
        daleel_doc_free(doc);
        daleel_document_spelling(&a, an, add_spelling, idx);
    }
    synonym_pair(idx, an, "refund", "money back");
    synonym_pair(idx, an, "refund", "reimbursement");
    synonym_pair(idx, an, "استرداد", "استرجاع");
    daleel_index_set_meta(idx, "analyzer_version",
                          DALEEL_ANALYZER_VERSION_STR);
    CHECK_INT(daleel_index_commit(idx), DALEEL_OK, "commit the index");
    daleel_index_close(idx);
    daleel_analyzer_free(an);
    return dir;
}

/* ---- Helpers ------------------------------------------------------------- */

static daleel_results *search_opts(daleel_searcher *s, daleel_search_opts *o)
{
    daleel_results *r = NULL;
    daleel_status st = daleel_search(s, o, &r);
    CHECK_INT(st, DALEEL_OK, "search '%.40s' succeeds", o->q ? o->q : "(null)");
    return r;
}

static daleel_results *search(daleel_searcher *s, const char *q)
{
    daleel_search_opts o = {0};
    o.q = q;
    o.q_len = strlen(q);
    return search_opts(s, &o);
}

static const char *first_slug(const daleel_results *r)
{
    return r && r->n_hits ? r->hits[0].slug : "(none)";
}

static int has_slug(const daleel_results *r, const char *slug)
{
    for (size_t i = 0; r && i < r->n_hits; i++)
        if (strcmp(r->hits[i].slug, slug) == 0)
            return 1;
    return 0;
}

/* The snippet with its marks in brackets, for readable exact checks. */
static const char *marked(const daleel_hit *h)
{
    static char buf[2048];
    size_t o = 0, k = 0, len = strlen(h->snippet);
    for (size_t i = 0; i <= len && o + 4 < sizeof buf; i++) {
        if (k < h->n_marks && h->marks[k].start + h->marks[k].len == i) {
            buf[o++] = ']';
            k++;
        }
        if (i == len)
            break;
        if (k < h->n_marks && h->marks[k].start == i)
            buf[o++] = '[';
        buf[o++] = h->snippet[i];
    }
    buf[o] = '\0';
    return buf;
}

/* ---- Tests --------------------------------------------------------------- */

static void test_open(const char *dir)
{
    daleel_searcher *s = NULL;
    char missing[600];
    snprintf(missing, sizeof missing, "%s/nothing-here", harness_tmpdir());
    CHECK_INT(daleel_searcher_open(missing, &s), DALEEL_ENOTFOUND,
              "a missing index is DALEEL_ENOTFOUND");
    CHECK(s == NULL, "and no searcher");
    CHECK_INT(daleel_searcher_open(NULL, &s), DALEEL_EINVAL, "NULL path");

    /* Another analyzer version. */
    char other[600];
    snprintf(other, sizeof other, "%s/other-version", harness_tmpdir());
    daleel_index *idx = NULL;
    daleel_index_open_writable(other, 1, &idx);
    daleel_index_set_meta(idx, "analyzer_version", "999");
    daleel_index_commit(idx);
    daleel_index_close(idx);
    CHECK_INT(daleel_searcher_open(other, &s), DALEEL_EVERSION,
              "an index of another analyzer version is DALEEL_EVERSION");

    CHECK_INT(daleel_searcher_open(dir, &s), DALEEL_OK, "open the test index");
    int changed = -1;
    CHECK_INT(daleel_searcher_reopen(s, &changed), DALEEL_OK, "reopen");
    CHECK_INT(changed, 0, "nothing changed");
    daleel_searcher_close(s);
    daleel_searcher_close(NULL);
}

static void test_descriptions(daleel_searcher *s)
{
    daleel_search_opts o = {0};
    daleel_results *r;

    /* All languages: the query's own first, by a constant weight. */
    o.q = "password ";
    o.q_len = strlen(o.q);
    r = search_opts(s, &o);
    CHECK_STR(r->query_description,
              "Query((((password@1 OR 1.5 * Spassword@1 OR Zpassword@1 OR 1.5 "
              "* SZpassword@1) AND_MAYBE PostingSource(PreferSource("
              "wt=1000000, Len))) AND_NOT XUinternal))",
              "the reader's language first");
    daleel_results_free(r);

    /* The rest with a language filter, which needs no boost. */
    o.lang = DALEEL_LANG_EN;

    o.q = "refund ";
    o.q_len = strlen(o.q);
    r = search_opts(s, &o);
    CHECK_STR(r->query_description,
              "Query(((refund@1 OR 1.5 * Srefund@1 OR Zrefund@1 OR 1.5 * "
              "SZrefund@1 OR 0.80000000000000004441 * ((Zmoney AND Zback) OR "
              "Zreimburs)) AND_NOT XUinternal))",
              "one finished word: E, Z, title copies, synonyms, audience");
    daleel_results_free(r);

    o.q = "refu";
    o.q_len = strlen(o.q);
    r = search_opts(s, &o);
    CHECK_STR(r->query_description,
              "Query(((refu@1 OR Zrefu@1 OR 0.80000000000000004441 * "
              "WILDCARD SYNONYM refu) AND_NOT XUinternal))",
              "a word being typed adds its completions");
    daleel_results_free(r);

    o.q = "refu";
    o.no_prefix = 1;
    r = search_opts(s, &o);
    CHECK_STR(r->query_description,
              "Query(((refu@1 OR Zrefu@1) AND_NOT XUinternal))",
              "no_prefix: no completions");
    daleel_results_free(r);
    o.no_prefix = 0;

    o.q = "\"reset link\" ";
    o.q_len = strlen(o.q);
    o.internal = 1;
    r = search_opts(s, &o);
    CHECK_STR(r->query_description, "Query((reset@1 PHRASE 2 link@2))",
              "quoted text is a phrase of exact terms; internal: no AND_NOT");
    daleel_results_free(r);
    o.internal = 0;

    o.q = "node.js ";
    o.q_len = strlen(o.q);
    r = search_opts(s, &o);
    CHECK_STR(r->query_description,
              "Query(((1.5 * XCnode.js@2 OR (node@1 PHRASE 2 js@2) OR "
              "((node@1 OR Znode@1) AND (js@2 OR Zjs@2))) AND_NOT XUinternal))",
              "a code compound: XC, phrase of parts, all parts");
    daleel_results_free(r);

    o.q = "how do I track my parcel ";
    o.q_len = strlen(o.q);
    r = search_opts(s, &o);
    /* Fewer than 10 articles have both words: any word, with the
     * documents that have all of them boosted. */
    CHECK_STR(r->query_description,
              "Query((((((track@4 OR 1.5 * Strack@4 OR Ztrack@4 OR 1.5 * "
              "SZtrack@4) OR (parcel@6 OR 1.5 * Sparcel@6 OR Zparcel@6 OR "
              "1.5 * SZparcel@6)) AND_MAYBE (0.5 * ((track@4 OR 1.5 * "
              "Strack@4 OR Ztrack@4 OR 1.5 * SZtrack@4) AND (parcel@6 OR 1.5 "
              "* Sparcel@6 OR Zparcel@6 OR 1.5 * SZparcel@6)) AND_MAYBE "
              "(track@4 PHRASE 3 parcel@6))) AND_MAYBE 0.2999999999999999889 "
              "* (how@1 OR do@2 OR i@3 OR my@5)) AND_NOT XUinternal))",
              "question and stop words dropped (kept as a small boost); "
              "any-word fallback with an all-words boost, inside which the "
              "whole-query phrase (spanning the gap) is tested");
    daleel_results_free(r);

    o.q = "الاسترداد ";
    o.q_len = strlen(o.q);
    o.lang = DALEEL_LANG_NONE;
    r = search_opts(s, &o);
    CHECK(strstr(r->query_description, "PreferSource(wt=1000000, Lar)") !=
              NULL,
          "an Arabic query prefers Arabic");
    CHECK(strstr(r->query_description, "الاسترداد@1 OR ") &&
              strstr(r->query_description, "Zاسترداد@1"),
          "Arabic: exact and stem terms (%s)", r->query_description);
    CHECK_INT(r->query_lang, DALEEL_LANG_AR, "Arabic query language");
    daleel_results_free(r);
}

static void test_ranking(daleel_searcher *s)
{
    daleel_results *r = search(s, "reset password");
    CHECK_STR(first_slug(r), "en/account/reset-password",
              "reset password: the reset article first");
    CHECK_INT(r->query_lang, DALEEL_LANG_EN, "English query language");
    daleel_results_free(r);

    r = search(s, "how long does a refund take");
    CHECK_STR(first_slug(r), "en/returns/refund-times",
              "a question: the refund article first");
    CHECK(!has_slug(r, "en/returns/refund-override"),
          "the internal article is not shown to readers");
    daleel_results_free(r);

    r = search(s, "كلمة المرور");
    CHECK_STR(first_slug(r), "ar/account/reset-password",
              "Arabic: the reset article first");
    daleel_results_free(r);

    r = search(s, "كلمه المرور");
    CHECK_STR(first_slug(r), "ar/account/reset-password",
              "ه typed for ة still finds it");
    daleel_results_free(r);

    r = search(s, "إسترداد");
    CHECK_STR(first_slug(r), "ar/returns/refund-times",
              "a wrong hamza still finds the refund article");
    daleel_results_free(r);

    r = search(s, "ضغط المبلغ refund");
    CHECK_INT(r->query_lang, DALEEL_LANG_AR,
              "mixed Arabic and Latin is an Arabic query");
    daleel_results_free(r);

    /* Collapse: one version per translated article, the reader's. */
    r = search(s, "refund");
    CHECK(has_slug(r, "en/returns/refund-times"), "English version shown");
    CHECK(!has_slug(r, "ar/returns/refund-times"),
          "its Arabic translation is collapsed away");
    daleel_results_free(r);

    /* Any word when all words find too little, all-word documents first. */
    r = search(s, "parcel wallet");
    CHECK(has_slug(r, "en/orders/track-order") &&
              has_slug(r, "en/returns/refund-times"),
          "no article has both words: each word's article is found");
    daleel_results_free(r);

    r = search(s, "refund card wallet");
    CHECK_STR(first_slug(r), "en/returns/refund-times",
              "fallback to any word: the one article with all words first");
    CHECK(r->n_hits >= 2, "and the others after it (%zu)", r->n_hits);
    daleel_results_free(r);
}

static void test_prefix(daleel_searcher *s)
{
    daleel_results *r = search(s, "refu");
    CHECK_STR(first_slug(r), "en/returns/refund-times",
              "refu finds the refund article");
    daleel_results_free(r);

    r = search(s, "اعاد");
    CHECK_STR(first_slug(r), "ar/account/reset-password",
              "اعاد finds إعادة");
    daleel_results_free(r);

    r = search(s, "trac");
    CHECK_STR(first_slug(r), "en/orders/track-order", "trac finds tracking");
    daleel_results_free(r);
}

static void test_did_you_mean(daleel_searcher *s)
{
    daleel_results *r = search(s, "refnd");
    CHECK_STR(r->did_you_mean, "refund", "refnd: did you mean refund");
    CHECK_INT(r->corrected, 1, "the corrected query was searched");
    CHECK_STR(first_slug(r), "en/returns/refund-times",
              "and found the refund article");
    daleel_results_free(r);

    r = search(s, "pasword reset");
    CHECK_STR(r->did_you_mean, "password reset",
              "one word corrected, the other kept");
    CHECK_STR(first_slug(r), "en/account/reset-password",
              "the corrected query's best hit");
    daleel_results_free(r);

    daleel_search_opts o = {0};
    o.q = "refnd";
    o.q_len = 5;
    o.no_correct = 1;
    r = search_opts(s, &o);
    CHECK_STR(r->did_you_mean, "refund", "no_correct still suggests");
    CHECK_INT(r->corrected, 0, "but does not search it");
    CHECK_INT(r->n_hits, 0, "so nothing is found");
    daleel_results_free(r);

    r = search(s, "refund");
    CHECK(r->did_you_mean == NULL, "a known word gets no suggestion");
    daleel_results_free(r);

    r = search(s, "zip");
    CHECK(r->did_you_mean == NULL, "short words are not corrected (zip)");
    daleel_results_free(r);
}

static void test_synonyms(daleel_searcher *s)
{
    daleel_results *r = search(s, "reimbursement");
    CHECK_STR(first_slug(r), "en/returns/refund-times",
              "a synonym finds the refund article");
    CHECK(r->did_you_mean == NULL, "a word with synonyms is not a typo");
    daleel_results_free(r);

    r = search(s, "money back ");
    CHECK_STR(first_slug(r), "en/returns/refund-times",
              "a two-word synonym finds the refund article");
    CHECK(strstr(r->query_description, "0.80000000000000004441 * (Zrefund "
                                       "OR 1.5 * SZrefund) OR 0.5 * ((money@1") != NULL,
          "money back expands to refund (%s)", r->query_description);
    daleel_results_free(r);

    r = search(s, "استرجاع");
    CHECK_STR(first_slug(r), "ar/returns/refund-times",
              "Arabic synonym: استرجاع finds استرداد");
    daleel_results_free(r);
}

static void test_filters_facets(daleel_searcher *s)
{
    daleel_search_opts o = {0};
    o.q = "password";
    o.q_len = 8;
    o.lang = DALEEL_LANG_AR;
    daleel_results *r = search_opts(s, &o);
    CHECK_INT(r->n_hits, 0, "password in Arabic articles only: none");
    daleel_results_free(r);
    o.q = "refund";
    o.q_len = 6;
    r = search_opts(s, &o);
    CHECK_STR(first_slug(r), "ar/returns/refund-times",
              "refund in Arabic articles: the one tagged refunds");
    daleel_results_free(r);

    o.q = "password";
    o.q_len = 8;
    o.lang = DALEEL_LANG_NONE;
    o.category = "returns";
    r = search_opts(s, &o);
    CHECK_INT(r->n_hits, 0, "password in category returns: none");
    daleel_results_free(r);
    o.category = "account";
    r = search_opts(s, &o);
    CHECK_STR(first_slug(r), "en/account/reset-password",
              "password in category account");
    daleel_results_free(r);
    o.category = NULL;

    o.q = "refund";
    o.q_len = 6;
    o.tag = "refunds";
    r = search_opts(s, &o);
    CHECK_INT(r->n_hits, 1, "refund with tag refunds: one article");
    CHECK_STR(first_slug(r), "en/returns/refund-times", "the tagged one");
    daleel_results_free(r);
    o.tag = NULL;

    /* Counts within one language (with all languages, Xapian's match spy
     * counts an article's translations too: it runs before collapsing). */
    o.lang = DALEEL_LANG_EN;
    r = search_opts(s, &o);
    CHECK_INT(r->n_categories, 2, "refund: two categories");
    if (r->n_categories == 2) {
        /* Equal counts: in byte order. */
        CHECK_STR(r->categories[0].value, "account", "account first");
        CHECK_INT(r->categories[0].count, 1, "one account article");
        CHECK_STR(r->categories[1].value, "returns", "then returns");
        CHECK_INT(r->categories[1].count, 1, "one public returns article");
    }
    daleel_results_free(r);

    o.internal = 1;
    r = search_opts(s, &o);
    CHECK(has_slug(r, "en/returns/refund-override"),
          "internal: the agents' article is found");
    CHECK(r->n_categories >= 1 && r->categories[0].count == 2,
          "and counted under returns");
    for (size_t i = 0; i < r->n_hits; i++)
        if (strcmp(r->hits[i].slug, "en/returns/refund-override") == 0)
            CHECK_INT(r->hits[i].internal, 1, "the hit says internal");
    daleel_results_free(r);
}

static void test_snippets(daleel_searcher *s)
{
    daleel_results *r = search(s, "الاسترداد بطاقتك");
    CHECK_STR(first_slug(r), "ar/returns/refund-times", "Arabic hit");
    if (r->n_hits) {
        const daleel_hit *h = &r->hits[0];
        CHECK_STR(h->section_id, "الدفع-بالبطاقة",
                  "the section holding both words");
        CHECK_STR(h->section_heading, "الدفع بالبطاقة", "its heading");
        CHECK_STR(h->snippet,
                  "يصل الاسترداد إلى بطاقتك خلال خمسة أيام عمل. إذا لم يصلك "
                  "المبلغ، تواصل مع خدمة العملاء.",
                  "the snippet is the best sentence and what follows");
        CHECK_INT(h->n_marks, 2, "two marks");
        if (h->n_marks == 2) {
            /* "يصل " is 3 two-byte letters and a space. */
            CHECK_INT(h->marks[0].start, 7, "الاسترداد starts at byte 7");
            CHECK_INT(h->marks[0].len, 18, "9 letters, 18 bytes");
            CHECK_INT(h->marks[1].start, 33, "بطاقتك starts at byte 33");
            CHECK_INT(h->marks[1].len, 12, "6 letters, 12 bytes");
        }
        CHECK_STR(h->title, "مدة استرداد المبلغ", "title");
        CHECK_STR(h->path, "ar/returns/refund-times.md", "path");
        CHECK_STR(h->category, "returns", "category");
        CHECK_STR(h->translation, "refund-times", "translation key");
        CHECK_INT(h->lang, DALEEL_LANG_AR, "language");
        CHECK_INT(h->updated, 1700000005, "updated");
    }
    daleel_results_free(r);

    r = search(s, "expires after one hour");
    CHECK_STR(first_slug(r), "en/account/reset-password", "English hit");
    if (r->n_hits)
        CHECK_STR(marked(&r->hits[0]),
                  "The link works once and [expires] after [one] [hour].",
                  "the sentence with the words, marked");
    daleel_results_free(r);

    /* A match in the title only: the summary is the snippet. */
    r = search(s, "override");
    daleel_results_free(r);
    daleel_search_opts o = {0};
    o.q = "limit";
    o.q_len = 5;
    o.internal = 1;
    r = search_opts(s, &o);
    CHECK_STR(first_slug(r), "en/returns/refund-override", "title match");
    if (r->n_hits) {
        CHECK_STR(r->hits[0].section_id, "", "the top of the article");
        CHECK_STR(marked(&r->hits[0]),
                  "Agents can override the refund [limit] in the admin console.",
                  "the summary (here also section 0) is the snippet");
    }
    daleel_results_free(r);

    /* Snippets never cut a UTF-8 sequence and marks stay inside. */
    r = search(s, "طريقة");
    for (size_t i = 0; r && i < r->n_hits; i++) {
        const daleel_hit *h = &r->hits[i];
        size_t len = strlen(h->snippet);
        CHECK(len == 0 || ((unsigned char)h->snippet[0] & 0xC0) != 0x80,
              "snippet starts on a character");
        for (size_t k = 0; k < h->n_marks; k++)
            CHECK(h->marks[k].start + h->marks[k].len <= len, "mark inside");
    }
    daleel_results_free(r);
}

static void test_suggest(daleel_searcher *s)
{
    daleel_suggestion *v = NULL;
    size_t n = 0;
    CHECK_INT(daleel_suggest(s, "ref", 3, DALEEL_LANG_NONE, 0, 5, &v, &n),
              DALEEL_OK, "suggest ref");
    CHECK_INT(n, 1, "one public title starts a word with ref");
    if (n)
        CHECK_STR(v[0].title, "Refund times", "Refund times");
    daleel_suggestions_free(v, n);

    CHECK_INT(daleel_suggest(s, "ref", 3, DALEEL_LANG_NONE, 1, 5, &v, &n),
              DALEEL_OK, "suggest ref for agents");
    CHECK_INT(n, 2, "with the internal one");
    daleel_suggestions_free(v, n);

    const char *q = "استر";
    CHECK_INT(daleel_suggest(s, q, strlen(q), DALEEL_LANG_NONE, 0, 5, &v, &n),
              DALEEL_OK, "suggest استر");
    CHECK_INT(n, 1, "one Arabic title");
    if (n) {
        CHECK_STR(v[0].title, "مدة استرداد المبلغ", "مدة استرداد المبلغ");
        CHECK_STR(v[0].slug, "ar/returns/refund-times", "its slug");
        CHECK_INT(v[0].lang, DALEEL_LANG_AR, "its language");
    }
    daleel_suggestions_free(v, n);

    q = "reset pa";
    CHECK_INT(daleel_suggest(s, q, strlen(q), DALEEL_LANG_EN, 0, 5, &v, &n),
              DALEEL_OK, "suggest reset pa");
    CHECK_INT(n, 1, "one title has reset and a word starting with pa");
    if (n)
        CHECK_STR(v[0].slug, "en/account/reset-password", "the reset article");
    daleel_suggestions_free(v, n);

    CHECK_INT(daleel_suggest(s, "", 0, DALEEL_LANG_NONE, 0, 5, &v, &n),
              DALEEL_OK, "empty prefix");
    CHECK_INT(n, 0, "no suggestions");
    CHECK_INT(daleel_suggest(s, "r", 1, DALEEL_LANG_NONE, 0, 5, &v, &n),
              DALEEL_OK, "one letter");
    CHECK_INT(n, 0, "one letter is too short to complete");
}

static void test_related(daleel_searcher *s)
{
    daleel_hit *v = NULL;
    size_t n = 0;
    CHECK_INT(daleel_related(s, "en/returns/refund-times", 0, 5, &v, &n),
              DALEEL_OK, "related to refund times");
    CHECK(n >= 1, "some related articles (%zu)", n);
    for (size_t i = 0; i < n; i++) {
        CHECK(strcmp(v[i].slug, "en/returns/refund-times") != 0,
              "not the article itself");
        CHECK(strcmp(v[i].slug, "en/returns/refund-override") != 0,
              "not the internal article");
        CHECK_INT(v[i].lang, DALEEL_LANG_EN, "same language");
    }
    if (n)
        CHECK_STR(v[0].slug, "en/account/delete-account",
                  "the other article about refunds first");
    daleel_hits_free(v, n);
    CHECK_INT(daleel_related(s, "no/such", 0, 5, &v, &n), DALEEL_ENOTFOUND,
              "related to a missing article");
}

static void test_get_translations_categories(daleel_searcher *s)
{
    char *json = NULL, *html = NULL;
    CHECK_INT(daleel_searcher_get(s, "en/orders/track-order", &json, &html),
              DALEEL_OK, "get an article");
    CHECK(json && strstr(json, "\"title\":\"Track your order\""), "its data");
    CHECK_STR(html, "<p>x</p>", "its HTML");
    free(json);
    free(html);
    CHECK_INT(daleel_searcher_get(s, "nope", &json, &html), DALEEL_ENOTFOUND,
              "a missing article");
    CHECK(json == NULL && html == NULL, "no output");

    daleel_hit *v = NULL;
    size_t n = 0;
    CHECK_INT(daleel_translations(s, "refund-times", "en/returns/refund-times",
                                  &v, &n),
              DALEEL_OK, "translations");
    CHECK_INT(n, 1, "one other version");
    if (n) {
        CHECK_STR(v[0].slug, "ar/returns/refund-times", "the Arabic one");
        CHECK_INT(v[0].lang, DALEEL_LANG_AR, "in Arabic");
    }
    daleel_hits_free(v, n);

    daleel_facet *f = NULL;
    CHECK_INT(daleel_categories(s, DALEEL_LANG_EN, 0, &f, &n), DALEEL_OK,
              "categories");
    CHECK_INT(n, 3, "three English categories");
    if (n == 3) {
        CHECK_STR(f[0].value, "account", "account first (2 articles)");
        CHECK_INT(f[0].count, 2, "two account articles");
        CHECK_STR(f[1].value, "orders", "orders");
        CHECK_STR(f[2].value, "returns", "returns");
        CHECK_INT(f[2].count, 1, "one public returns article");
    }
    daleel_facets_free(f, n);
    CHECK_INT(daleel_categories(s, DALEEL_LANG_EN, 1, &f, &n), DALEEL_OK,
              "categories for agents");
    CHECK(n >= 1, "some");
    for (size_t i = 0; i < n; i++)
        if (strcmp(f[i].value, "returns") == 0)
            CHECK_INT(f[i].count, 2, "returns counts the internal one");
    daleel_facets_free(f, n);
}

static void test_bad_input(daleel_searcher *s)
{
    static const struct {
        const char *q;
        size_t len;
        const char *what;
    } bad[] = {
#define BAD(lit, what) {lit, sizeof lit - 1, what}
        BAD("", "empty"),
        BAD("the of and", "only stopwords"),
        BAD("?!... ،؛ --- ***", "only punctuation"),
        BAD("\xff\xfe\xc3(", "invalid UTF-8"),
        BAD("\xe2\x80", "a truncated sequence at the end"),
        BAD("\"reset password", "an unbalanced quote"),
        BAD("\"", "a lone quote"),
        BAD("-", "a lone -"),
        BAD("refund\0password", "a NUL byte"),
        BAD("\0\0\0", "only NULs"),
        BAD("((( OR AND NOT )))", "operators"),
        BAD("كيف", "an Arabic question word only"),
#undef BAD
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        daleel_search_opts o = {0};
        o.q = bad[i].q;
        o.q_len = bad[i].len;
        daleel_results *r = NULL;
        CHECK_INT(daleel_search(s, &o, &r), DALEEL_OK, "%s: DALEEL_OK",
                  bad[i].what);
        CHECK(r != NULL, "%s: results", bad[i].what);
        daleel_results_free(r);
        daleel_suggestion *v = NULL;
        size_t n = 0;
        CHECK_INT(daleel_suggest(s, bad[i].q, bad[i].len, DALEEL_LANG_NONE, 0,
                                 5, &v, &n),
                  DALEEL_OK, "%s: suggest is DALEEL_OK", bad[i].what);
        daleel_suggestions_free(v, n);
    }

    daleel_results *r = search(s, "");
    CHECK_INT(r->n_hits, 0, "empty: no hits");
    CHECK_STR(r->query_description, "Query()", "empty: empty query");
    daleel_results_free(r);

    r = search(s, "the of and");
    CHECK(strstr(r->query_description, "the@1") != NULL,
          "only stopwords: they are searched (%s)", r->query_description);
    daleel_results_free(r);

    daleel_search_opts o = {0};
    o.q = "refund\0password";
    o.q_len = 15;
    r = search_opts(s, &o);
    CHECK(r->n_hits > 0, "a NUL separates words");
    daleel_results_free(r);

    o.q = "\"reset password";
    o.q_len = 15;
    r = search_opts(s, &o);
    CHECK_STR(first_slug(r), "en/account/reset-password",
              "an unbalanced quote still finds the article");
    daleel_results_free(r);

    /* 10,000 characters: capped, not a crash. */
    size_t big = 10000;
    char *q = malloc(big + 1);
    for (size_t i = 0; i < big; i++)
        q[i] = "refund password "[i % 16];
    q[big] = '\0';
    o.q = q;
    o.q_len = big;
    r = search_opts(s, &o);
    CHECK(r && r->n_hits > 0, "10,000 characters find something");
    daleel_results_free(r);
    for (size_t i = 0; i < big; i++)
        q[i] = (char)(0x80 + (i * 7) % 0x7f);
    r = search_opts(s, &o);
    CHECK(r != NULL, "10,000 bytes of junk");
    daleel_results_free(r);
    free(q);

    /* API misuse. */
    CHECK_INT(daleel_search(s, NULL, &r), DALEEL_EINVAL, "NULL options");
    o.q = NULL;
    o.q_len = 3;
    CHECK_INT(daleel_search(s, &o, &r), DALEEL_EINVAL, "NULL query, length 3");
    CHECK(r == NULL, "no results on error");
    o.q_len = 0;
    r = search_opts(s, &o);
    CHECK_INT(r ? r->n_hits : 1, 0, "NULL query of length 0 is empty");
    daleel_results_free(r);
    daleel_results_free(NULL);
    daleel_hits_free(NULL, 0);
    daleel_suggestions_free(NULL, 0);
    daleel_facets_free(NULL, 0);
}

static void test_paging(daleel_searcher *s)
{
    daleel_search_opts o = {0};
    o.q = "your";
    o.q_len = 4;
    o.limit = 2;
    o.lang = DALEEL_LANG_EN;
    daleel_results *r1 = search_opts(s, &o);
    o.offset = 2;
    daleel_results *r2 = search_opts(s, &o);
    CHECK_INT(r1->n_hits, 2, "page 1 has 2 hits");
    CHECK(r2->n_hits >= 1, "page 2 has hits");
    if (r1->n_hits == 2 && r2->n_hits)
        CHECK(strcmp(r1->hits[0].slug, r2->hits[0].slug) != 0 &&
                  strcmp(r1->hits[1].slug, r2->hits[0].slug) != 0,
              "page 2 starts after page 1");
    if (r2->n_hits)
        CHECK_INT(r2->hits[0].rank, 2, "ranks are over the whole set");
    daleel_results_free(r1);
    daleel_results_free(r2);
}

/* After the indexer changes an article, a reopened searcher suggests its
 * new title (suggestions cache titles by docid and revision). */
static void test_reopen_titles(daleel_searcher *s, const char *dir)
{
    daleel_suggestion *v = NULL;
    size_t n = 0;
    daleel_suggest(s, "trac", 4, DALEEL_LANG_EN, 0, 5, &v, &n);
    CHECK(n == 1 && strcmp(v[0].title, "Track your order") == 0,
          "the title before the change");
    daleel_suggestions_free(v, n);

    daleel_index *idx = NULL;
    daleel_analyzer *an = daleel_analyzer_new();
    CHECK_INT(daleel_index_open_writable(dir, 0, &idx), DALEEL_OK,
              "open the index for writing again");
    daleel_section sec = {"", "", 0, "Use the tracking number."};
    daleel_article a = {0};
    a.path = "en/orders/track-order.md";
    a.slug = "en/orders/track-order";
    a.title = "Track your parcel";
    a.lang = DALEEL_LANG_EN;
    a.category = "orders";
    a.summary = "Use the tracking number.";
    a.html = "<p>x</p>";
    a.text = sec.text;
    a.sections = &sec;
    a.n_sections = 1;
    daleel_doc *doc = NULL;
    daleel_index_begin(idx);
    daleel_document_build(&a, an, "hash2", &doc);
    daleel_index_replace(idx, "Qen/orders/track-order", doc);
    daleel_doc_free(doc);
    CHECK_INT(daleel_index_commit(idx), DALEEL_OK, "commit the change");
    daleel_index_close(idx);
    daleel_analyzer_free(an);

    int changed = 0;
    CHECK_INT(daleel_searcher_reopen(s, &changed), DALEEL_OK, "reopen");
    CHECK_INT(changed, 1, "a new revision");
    daleel_suggest(s, "trac", 4, DALEEL_LANG_EN, 0, 5, &v, &n);
    CHECK(n == 1 && strcmp(v[0].title, "Track your parcel") == 0,
          "the new title after the change");
    daleel_suggestions_free(v, n);
}

int main(void)
{
    const char *dir = build_index();
    if (!dir || harness_failed())
        return harness_done();
    test_open(dir);
    daleel_searcher *s = NULL;
    if (daleel_searcher_open(dir, &s) != DALEEL_OK)
        return harness_done();
    test_descriptions(s);
    test_ranking(s);
    test_prefix(s);
    test_did_you_mean(s);
    test_synonyms(s);
    test_filters_facets(s);
    test_snippets(s);
    test_suggest(s);
    test_related(s);
    test_get_translations_categories(s);
    test_bad_input(s);
    test_paging(s);
    test_reopen_titles(s, dir);
    daleel_searcher_close(s);
    return harness_done();
}
