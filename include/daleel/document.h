/* document.h: what an article becomes in the index (DESIGN.md "The index"):
 * the analyzer's terms for title, headings and body (title and headings
 * again under S / ZS so they weigh more), filter terms, values and the
 * document data the server shows results and articles from.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DALEEL_DOCUMENT_H
#define DALEEL_DOCUMENT_H

#include "daleel/article.h"
#include "daleel/index.h"
#include "daleel/text.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Filter term prefixes. */
#define DALEEL_PREFIX_ID        "Q"    /* Q<slug>, unique */
#define DALEEL_PREFIX_LANG      "L"    /* Lar, Len */
#define DALEEL_PREFIX_CATEGORY  "XK"   /* XK<category> */
#define DALEEL_PREFIX_TAG       "K"    /* K<tag> */
#define DALEEL_PREFIX_AUDIENCE  "XU"   /* XUpublic, XUinternal */
#define DALEEL_PREFIX_TRANS     "XT"   /* XT<translation key> */
#define DALEEL_PREFIX_TITLE     "S"    /* title and heading terms: S<E>, SZ<stem> */

/* Build the document for 'a'.  'hash' is the source file's content hash,
 * stored so an unchanged file can be skipped.  Free '*out' with
 * daleel_doc_free().  Errors: DALEEL_ENOMEM.
 *
 * The document data is a JSON object:
 *   {"slug","title","lang","category","tags":[...],"summary","path",
 *    "translation","updated":<unix seconds>,"audience":"public"|"internal",
 *    "sections":[{"id","heading","level","text"}...]}
 * and the HTML sits in value DALEEL_SLOT_HTML. */
daleel_status daleel_document_build(const daleel_article *a,
                                    daleel_analyzer *an, const char *hash,
                                    daleel_doc **out);

/* Words worth adding to the spelling table for 'a' (the normalized exact
 * forms of its non-code words), passed one by one to 'cb'. */
daleel_status daleel_document_spelling(const daleel_article *a,
                                       daleel_analyzer *an,
                                       daleel_status (*cb)(void *ctx,
                                                           const char *word),
                                       void *ctx);

#ifdef __cplusplus
}
#endif
#endif
