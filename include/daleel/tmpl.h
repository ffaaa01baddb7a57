/* tmpl.h: a small logic-less template engine in the spirit of Mustache,
 * over jansson values (Debian has no C Mustache library).
 *
 *   {{name}}  {{a.b}}     the value, HTML-escaped (strings, numbers, bools)
 *   {{{name}}}            the value unescaped: only for sanitized article
 *                         HTML and highlight marks built by the server
 *   {{#name}}...{{/name}} a section: repeated for each element of an array
 *                         (with the element as context), shown once for a
 *                         true/non-empty value (an object becomes context)
 *   {{^name}}...{{/name}} shown when the value is missing/false/empty
 *   {{>partial}}          another template of the set, same context
 *   {{! comment }}
 *   {{.}}                 the current context (in a list of strings)
 * Names are looked up from the innermost context outwards.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DALEEL_TMPL_H
#define DALEEL_TMPL_H

#include <stddef.h>

#include <jansson.h>

#include "daleel/buf.h"
#include "daleel/daleel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct daleel_tmpl_set daleel_tmpl_set;

/* A new empty set, or NULL on OOM. */
daleel_tmpl_set *daleel_tmpl_new(void);
void daleel_tmpl_free(daleel_tmpl_set *set);

/* Compile 'src' and add it as 'name' (replacing one of that name).
 * Errors: DALEEL_EPARSE (unbalanced or unknown tag: the message, with the
 * line, is in daleel_tmpl_errmsg()), DALEEL_ENOMEM. */
daleel_status daleel_tmpl_add(daleel_tmpl_set *set, const char *name,
                              const char *src, size_t len);

/* Add every "*.html" file of 'dir' under its name without ".html".
 * Errors: DALEEL_EIO, DALEEL_EPARSE, DALEEL_ENOMEM. */
daleel_status daleel_tmpl_load_dir(daleel_tmpl_set *set, const char *dir);

/* Render template 'name' with context 'ctx', appending to 'out'.
 * Errors: DALEEL_ENOTFOUND (no such template or partial), whatever 'out'
 * reports (DALEEL_ETOOBIG, DALEEL_ENOMEM). */
daleel_status daleel_tmpl_render(const daleel_tmpl_set *set, const char *name,
                                 json_t *ctx, daleel_buf *out);

const char *daleel_tmpl_errmsg(const daleel_tmpl_set *set);

#ifdef __cplusplus
}
#endif
#endif
