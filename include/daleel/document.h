/* document.h: what an article becomes in the index (DESIGN.md "The index"):
 * the analyzer's terms for title, headings and body (title and headings
 * again with "S" before each term, S<exact>, SZ<stem>, so they can weigh
 * more), filter terms, values and the document data the server shows
 * results and articles from.
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
#define DALEEL_PREFIX_TAG       "K"    /* K<tag>, tag case-folded: daleel_document_tag() */
#define DALEEL_PREFIX_AUDIENCE  "XU"   /* XUpublic, XUinternal */
#define DALEEL_PREFIX_TRANS     "XT"   /* XT<translation key> */
#define DALEEL_PREFIX_TITLE     "S"    /* title and heading terms: S<E>, SZ<stem>,
                                          SXA<alt>, SXC<code>: "S" before the
                                          analyzer's term */

/* How the terms weigh: every analyzer term of a field is added with this
 * wdf per occurrence (title, heading, body), exact forms with positions;
 * the title's and headings' terms again with DALEEL_PREFIX_TITLE, same wdf
 * and positions.  Fields (title, each heading, each section's text, a
 * front-matter summary not in the body, each tag) start
 * DALEEL_DOC_POS_GAP positions after the previous one ends, so phrases do
 * not match across them. */
#define DALEEL_DOC_WDF_TITLE 3
#define DALEEL_DOC_WDF_HEADING 2
#define DALEEL_DOC_WDF_BODY 1
#define DALEEL_DOC_POS_GAP 100

/* Build the document for 'a'.  'hash' is the source file's content hash,
 * stored so an unchanged file can be skipped.  Free '*out' with
 * daleel_doc_free().  Errors: DALEEL_ENOMEM.
 *
 * The document data is a JSON object:
 *   {"slug","title","lang","category","tags":[...],"summary","path",
 *    "translation","updated":<unix seconds>,"audience":"public"|"internal",
 *    "sections":[{"id","heading","level","text"}...]}
 * and the HTML sits in value DALEEL_SLOT_HTML.
 *
 * Value DALEEL_SLOT_HIT holds what a search hit shows, so that a search
 * reads it without inflating and parsing the data: "D1", then the fields
 * slug, title, lang, category, summary, path, translation, audience,
 * updated (decimal), each as a 4-byte little-endian length, the bytes and
 * a NUL; then the number of sections (4 bytes) and each section's id,
 * heading and text the same way. */
daleel_status daleel_document_build(const daleel_article *a,
                                    daleel_analyzer *an, const char *hash,
                                    daleel_doc **out);

/* Words worth adding to the spelling table for 'a', passed one by one to
 * 'cb', each once, in byte order: the normalized exact forms of the
 * title's, headings' and sections' words that are not stopwords and not
 * part of code, made of letters only, 3 to 40 bytes long.  'word' is valid
 * only during the call.  A status other than DALEEL_OK from 'cb' stops
 * the walk and is returned.  Errors: DALEEL_ENOMEM. */
daleel_status daleel_document_spelling(const daleel_article *a,
                                       daleel_analyzer *an,
                                       daleel_status (*cb)(void *ctx,
                                                           const char *word),
                                       void *ctx);

/* The tag part of a K term: 'tag' case-folded (utf8proc, NFC), so
 * "Refunds" and "refunds" are one filter.  The caller frees it with
 * free().  NULL when 'tag' is not valid UTF-8 or on OOM. */
char *daleel_document_tag(const char *tag);

#ifdef __cplusplus
}
#endif
#endif
