/* test_document.c: the layout of an article's document (lib/document.c)
 * with the real analyzer: filter terms, exact terms with positions and
 * gaps between fields, the S-weighted title and headings, values, the
 * JSON data, and the words offered to the spelling table.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daleel/document.h"
#include "harness.h"

/* The article the tests index, built by hand (as article.c would). */
static daleel_section en_sections[] = {
    {"", "", 0, "Open the settings page."},
    {"steps", "Steps to follow", 2, "Click the reset link in the email."},
};
static char *en_tags[] = {"Account", "SECURITY"};
static daleel_article en = {
    .path = "en/account/reset.md",
    .slug = "account/reset",
    .title = "Reset your password",
    .lang = DALEEL_LANG_EN,
    .category = "account",
    .tags = en_tags,
    .n_tags = 2,
    .summary = "Open the settings page.",
    .translation = "reset-password",
    .updated = 1700000000,
    .internal = 0,
    .html = "<p>Open the settings page.</p>\n<h2 id=\"steps\">Steps to follow</h2>\n"
            "<p>Click the reset link in the email.</p>\n",
    .text = "Open the settings page.\nClick the reset link in the email.",
    .sections = en_sections,
    .n_sections = 2,
};

/* wdf of 'term' in 'd', -1 when absent. */
static long wdf_of(const daleel_doc *d, const char *term)
{
    unsigned wdf;
    if (daleel_doc_term_info(d, term, &wdf, NULL, NULL) != DALEEL_OK)
        return -1;
    return wdf;
}

/* Positions of 'term' as "p1,p2,...", "" when none, "absent" when the
 * document lacks the term.  Static storage. */
static const char *pos_of(const daleel_doc *d, const char *term)
{
    static char buf[256];
    unsigned wdf, *pos;
    size_t n;
    if (daleel_doc_term_info(d, term, &wdf, &pos, &n) != DALEEL_OK)
        return "absent";
    buf[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < n && used < sizeof buf - 16; i++)
        used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%u",
                                 i ? "," : "", pos[i]);
    free(pos);
    return buf;
}

static void check_value(const daleel_doc *d, unsigned slot, const char *exp,
                        const char *what)
{
    char *v = NULL;
    size_t len;
    CHECK_INT(daleel_doc_get_value(d, slot, &v, &len), DALEEL_OK, "get %s", what);
    CHECK_STR(v, exp, "value %s", what);
    free(v);
}

static void test_layout(daleel_analyzer *an)
{
    daleel_doc *d = NULL;
    CHECK_INT(daleel_document_build(&en, an, "abc123", &d), DALEEL_OK, "build");
    if (!d)
        return;

    /* Filter terms, wdf 0. */
    CHECK_INT(wdf_of(d, "Qaccount/reset"), 0, "unique term Q<slug>");
    CHECK_INT(wdf_of(d, "Len"), 0, "language term");
    CHECK_INT(wdf_of(d, "XKaccount"), 0, "category term");
    CHECK_INT(wdf_of(d, "Kaccount"), 0, "tag term, lower-cased");
    CHECK_INT(wdf_of(d, "Ksecurity"), 0, "second tag, lower-cased");
    CHECK_INT(wdf_of(d, "KAccount"), -1, "no tag term in its original case");
    CHECK_INT(wdf_of(d, "XUpublic"), 0, "audience term");
    CHECK_INT(wdf_of(d, "XTreset-password"), 0, "translation term");

    /* Title: positions from 1, wdf 3, and again with S. */
    CHECK_STR(pos_of(d, "password"), "3", "title word position");
    CHECK_INT(wdf_of(d, "password"), DALEEL_DOC_WDF_TITLE, "title word wdf");
    CHECK_STR(pos_of(d, "Spassword"), "3", "S title word position");
    CHECK_INT(wdf_of(d, "Spassword"), DALEEL_DOC_WDF_TITLE, "S title word wdf");
    CHECK_INT(wdf_of(d, "SZpassword"), DALEEL_DOC_WDF_TITLE, "S stem of a title word");
    CHECK_STR(pos_of(d, "SZpassword"), "", "stems have no positions");

    /* The title ends at 3; section 0's text starts 100 later (103), the
     * heading "Steps to follow" at 206, section 1's text at 308. */
    CHECK_STR(pos_of(d, "open"), "103", "first body field after the gap");
    CHECK_STR(pos_of(d, "steps"), "206", "heading after the gap");
    CHECK_INT(wdf_of(d, "steps"), DALEEL_DOC_WDF_HEADING, "heading wdf");
    CHECK_STR(pos_of(d, "Ssteps"), "206", "S heading word");
    CHECK_INT(wdf_of(d, "SZstep"), DALEEL_DOC_WDF_HEADING, "S stem of a heading word");
    CHECK_STR(pos_of(d, "click"), "308", "second section's text");
    CHECK_INT(wdf_of(d, "click"), DALEEL_DOC_WDF_BODY, "body wdf");
    CHECK_INT(wdf_of(d, "Sclick"), -1, "body words are not S-weighted");
    CHECK_STR(pos_of(d, "reset"), "1,310", "a word of title and body");
    CHECK_INT(wdf_of(d, "reset"), DALEEL_DOC_WDF_TITLE + DALEEL_DOC_WDF_BODY,
              "wdf adds up over fields");
    CHECK_INT(wdf_of(d, "Sreset"), DALEEL_DOC_WDF_TITLE, "S only from the title");
    CHECK_INT(wdf_of(d, "Zreset"), DALEEL_DOC_WDF_TITLE + DALEEL_DOC_WDF_BODY,
              "stem wdf adds up too");
    /* The summary is the first paragraph: not indexed twice. */
    CHECK_INT(wdf_of(d, "settings"), DALEEL_DOC_WDF_BODY,
              "a summary already in the body is not added again");
    /* Tags are words, too. */
    CHECK(wdf_of(d, "security") >= 1, "a tag's word is searchable");

    /* Values. */
    check_value(d, DALEEL_SLOT_LANG, "en", "lang");
    check_value(d, DALEEL_SLOT_CATEGORY, "account", "category");
    check_value(d, DALEEL_SLOT_HASH, "abc123", "hash");
    check_value(d, DALEEL_SLOT_HTML, en.html, "html");
    check_value(d, DALEEL_SLOT_SLUG, "account/reset", "slug");
    check_value(d, DALEEL_SLOT_PATH, "en/account/reset.md", "path");
    check_value(d, DALEEL_SLOT_TRANSLATION, "reset-password", "translation");

    /* The data, exactly. */
    char *data = NULL;
    size_t len;
    daleel_doc_get_data(d, &data, &len);
    CHECK_STR(data,
              "{\"slug\":\"account/reset\",\"title\":\"Reset your password\","
              "\"lang\":\"en\",\"category\":\"account\","
              "\"tags\":[\"Account\",\"SECURITY\"],"
              "\"summary\":\"Open the settings page.\","
              "\"path\":\"en/account/reset.md\",\"translation\":\"reset-password\","
              "\"updated\":1700000000,\"audience\":\"public\","
              "\"sections\":[{\"id\":\"\",\"heading\":\"\",\"level\":0,"
              "\"text\":\"Open the settings page.\"},"
              "{\"id\":\"steps\",\"heading\":\"Steps to follow\",\"level\":2,"
              "\"text\":\"Click the reset link in the email.\"}]}",
              "document data JSON");
    free(data);

    /* Through an index: the number and a search on the S field. */
    daleel_index *w = NULL;
    char path[512];
    snprintf(path, sizeof path, "%s/db", harness_tmpdir());
    CHECK_INT(daleel_index_open_writable(path, 0, &w), DALEEL_OK, "open");
    CHECK_INT(daleel_index_replace(w, "Qaccount/reset", d), DALEEL_OK, "replace");
    unsigned docid = 0;
    CHECK_INT(daleel_index_find(w, "Qaccount/reset", &docid), DALEEL_OK, "find");
    CHECK(daleel_index_get_number(w, docid, DALEEL_SLOT_UPDATED) == 1700000000.0,
          "updated round-trips as a number");
    CHECK_INT(daleel_index_termfreq(w, "SZpassword"), 1, "the S term is indexed");
    daleel_index_close(w);
    daleel_doc_free(d);
}

static void test_arabic_internal(daleel_analyzer *an)
{
    daleel_section secs[] = {{"", "", 0, "يمكنك طلب استرجاع المبلغ خلال ١٤ يوما."}};
    daleel_article a = {
        .path = "ar/payment/refund.md", .slug = "ar/payment/refund",
        .title = "استرجاع المبلغ", .lang = DALEEL_LANG_AR, .category = "payment",
        .tags = NULL, .n_tags = 0, .summary = "ملخص مكتوب",
        .translation = NULL, .updated = 0, .internal = 1, .html = "",
        .text = "يمكنك طلب استرجاع المبلغ خلال ١٤ يوما.", .sections = secs,
        .n_sections = 1,
    };
    daleel_doc *d = NULL;
    CHECK_INT(daleel_document_build(&a, an, "h", &d), DALEEL_OK, "build Arabic");
    if (!d)
        return;
    CHECK_INT(wdf_of(d, "Lar"), 0, "Arabic language term");
    CHECK_INT(wdf_of(d, "XUinternal"), 0, "internal audience term");
    CHECK_STR(pos_of(d, "استرجاع"), "1,104", "Arabic word in title and body");
    CHECK_STR(pos_of(d, "Sاسترجاع"), "1", "S Arabic title word");
    CHECK_STR(pos_of(d, "14"), "107", "Arabic-Indic digits as ASCII");
    /* A front-matter summary that is not in the body is indexed after it. */
    CHECK_STR(pos_of(d, "ملخص"), "208", "front-matter summary indexed");
    char **terms;
    size_t n;
    daleel_doc_terms(d, &terms, &n);
    int has_xt = 0;
    for (size_t i = 0; i < n; i++)
        has_xt |= strncmp(terms[i], "XT", 2) == 0;
    CHECK(!has_xt, "no translation term without a key");
    daleel_strv_free(terms, n);
    char *v;
    size_t len;
    daleel_doc_get_value(d, DALEEL_SLOT_TRANSLATION, &v, &len);
    CHECK_INT(len, 0, "no translation value without a key");
    free(v);
    daleel_doc_get_data(d, &v, &len);
    CHECK(strstr(v, "\"audience\":\"internal\"") != NULL, "internal in the data");
    CHECK(strstr(v, "\"translation\":\"\"") != NULL, "empty translation in the data");
    CHECK(strstr(v, "\"tags\":[]") != NULL, "empty tags in the data");
    free(v);
    daleel_doc_free(d);
}

typedef struct {
    char words[64][48];
    size_t n;
    int stop_after;
} spell_ctx;

static daleel_status spell_cb(void *ctx, const char *word)
{
    spell_ctx *c = ctx;
    if (c->n < 64)
        snprintf(c->words[c->n++], sizeof c->words[0], "%s", word);
    if (c->stop_after && (int)c->n >= c->stop_after)
        return DALEEL_ENOMEM;
    return DALEEL_OK;
}

static int has_word(const spell_ctx *c, const char *w)
{
    int k = 0;
    for (size_t i = 0; i < c->n; i++)
        k += strcmp(c->words[i], w) == 0;
    return k;
}

static void test_spelling(daleel_analyzer *an)
{
    daleel_section secs[] = {
        {"", "", 0, "Reset it with git-commit or x86 ok, then reset carefully."},
        {"more", "Refunds", 2, "إعادة تعيين كلمة المرور"},
    };
    daleel_article a = en;
    a.sections = secs;
    a.n_sections = 2;
    spell_ctx c = {.n = 0};
    CHECK_INT(daleel_document_spelling(&a, an, spell_cb, &c), DALEEL_OK, "spelling");
    CHECK_INT(has_word(&c, "reset"), 1, "a word of title and body, once");
    CHECK_INT(has_word(&c, "password"), 1, "a title word");
    CHECK_INT(has_word(&c, "refunds"), 1, "a heading word, normalized");
    CHECK_INT(has_word(&c, "carefully"), 1, "a body word");
    CHECK_INT(has_word(&c, "with"), 0, "no stopwords");
    CHECK_INT(has_word(&c, "git"), 0, "no parts of code");
    CHECK_INT(has_word(&c, "commit"), 0, "no parts of code (2)");
    CHECK_INT(has_word(&c, "x86"), 0, "no digits");
    CHECK_INT(has_word(&c, "ok"), 0, "nothing under 3 bytes");
    CHECK_INT(has_word(&c, "اعاده"), 1, "Arabic in its normalized exact form");
    int sorted = 1;
    for (size_t i = 1; i < c.n; i++)
        sorted &= strcmp(c.words[i - 1], c.words[i]) < 0;
    CHECK(sorted, "in byte order, no duplicates");

    spell_ctx s = {.n = 0, .stop_after = 2};
    CHECK_INT(daleel_document_spelling(&a, an, spell_cb, &s), DALEEL_ENOMEM,
              "the callback's error stops the walk");
    CHECK_INT(s.n, 2, "no call after the error");
}

static void test_tag(void)
{
    char *t = daleel_document_tag("Refunds ÉTÉ");
    CHECK_STR(t, "refunds été", "tags are case-folded");
    free(t);
    t = daleel_document_tag("استرجاع");
    CHECK_STR(t, "استرجاع", "Arabic tags pass through");
    free(t);
    CHECK(daleel_document_tag("\xff") == NULL, "invalid UTF-8 is refused");
}

int main(void)
{
    daleel_analyzer *an = daleel_analyzer_new();
    CHECK(an != NULL, "an analyzer");
    if (!an)
        return harness_done();
    test_layout(an);
    test_arabic_internal(an);
    test_spelling(an);
    test_tag();
    daleel_analyzer_free(an);
    return harness_done();
}
