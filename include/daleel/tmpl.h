/* tmpl.h: a small logic-less template engine in the spirit of Mustache,
 * over jansson values (Debian has no C Mustache library).  The pages of
 * the help center and the exact context each one expects are documented
 * in templates/README.md.
 *
 *   {{name}}  {{a.b}}     the value, HTML-escaped: & < > " ' become
 *                         entities.  A string as it is; an integer, or a
 *                         real with no fractional part, in decimal without
 *                         a point ("3", not "3.0"); another real with up to
 *                         17 significant digits ("0.42"); true and false as
 *                         "true" and "false"; null, an array, an object or
 *                         a missing name as nothing.
 *   {{{name}}}            the same value unescaped: only for sanitized
 *                         article HTML and highlight marks built by the
 *                         server.  There is no other way to get raw output
 *                         ({{&name}} is refused).
 *   {{#name}}...{{/name}} a section: repeated for each element of an array,
 *                         with the element as the innermost context; shown
 *                         once for any other true value, with that value as
 *                         the innermost context (so {{.}} inside
 *                         {{#name}} is the value itself)
 *   {{^name}}...{{/name}} an inverted section: shown once when the value is
 *                         false
 *   {{>partial}}          another template of the set, same context
 *   {{! comment }}
 *   {{.}}                 the innermost context (in a list of strings)
 *
 * False values: a missing name, null, false, 0, "", [] and {}.  Every other
 * value is true.
 *
 * Names are letters, digits, '_' and '-', joined by '.'.  The first part of
 * a dotted name is looked up from the innermost context outwards, the rest
 * inside what it found ({{t.search}} finds "t" in any enclosing context).
 * "length" after an array is its number of elements, as in mustache.js:
 * {{#list.length}}<h2>...</h2>{{/list.length}} shows a heading only over a
 * non-empty list (in the same context, without iterating), and
 * {{^list.length}} shows the empty state; {{list.length}} prints it.
 *
 * A tag alone on its line (section, inverted section, close, comment or
 * partial, with only spaces or tabs around it) takes its whole line away,
 * newline included, so control tags leave no blank lines.  Partials are not
 * re-indented.
 *
 * Threads: a set is read-only while rendering, so several threads may
 * render from one set at once; daleel_tmpl_add(), daleel_tmpl_load_dir()
 * and daleel_tmpl_free() must not run while anything renders from it.
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

#define DALEEL_TMPL_MAX_SIZE (16u * 1024 * 1024)  /* bytes of one template */
#define DALEEL_TMPL_MAX_NESTING 64     /* sections inside sections */
#define DALEEL_TMPL_MAX_PARTIALS 16    /* partials inside partials */
#define DALEEL_TMPL_MAX_STEPS (1u << 22) /* tags and texts visited by one
                                            render: stops runaway loops */

typedef struct daleel_tmpl_set daleel_tmpl_set;

/* A new empty set, or NULL on OOM. */
daleel_tmpl_set *daleel_tmpl_new(void);

/* Free the set and all its templates.  NULL does nothing. */
void daleel_tmpl_free(daleel_tmpl_set *set);

/* Compile 'len' bytes of 'src' and add it as 'name' (replacing one of that
 * name).  'src' is copied.  Errors: DALEEL_EPARSE (unclosed tag, unclosed
 * or mismatched section, bad name, unsupported tag, nesting deeper than
 * DALEEL_TMPL_MAX_NESTING; daleel_tmpl_errmsg() says what and where, as
 * "NAME:LINE: message", for example
 *   "page:3: unclosed section \"results\""
 *   "page:7: {{/hits}} closes {{#results}} of line 3"),
 * DALEEL_ETOOBIG (over DALEEL_TMPL_MAX_SIZE), DALEEL_EINVAL (empty name),
 * DALEEL_ENOMEM.  On error the set is unchanged. */
daleel_status daleel_tmpl_add(daleel_tmpl_set *set, const char *name,
                              const char *src, size_t len);

/* Add every "*.html" and "*.xml" file of 'dir' (not its subfolders, not
 * hidden files) under its name without the extension ("search.html" is
 * "search", "opensearch.xml" is "opensearch"), in name order.  Messages
 * name the file: "DIR/search.html:3: unclosed tag".  Errors: DALEEL_EIO
 * (folder or file unreadable), DALEEL_EPARSE, DALEEL_ETOOBIG,
 * DALEEL_ENOMEM; the templates added before the error stay in the set. */
daleel_status daleel_tmpl_load_dir(daleel_tmpl_set *set, const char *dir);

/* Check that every partial of every template names a template of the set,
 * so a page cannot fail at render time for a missing partial.  Call it once
 * after loading.  Errors: DALEEL_ENOTFOUND ("page:4: no template \"x\" for
 * the partial" in daleel_tmpl_errmsg()). */
daleel_status daleel_tmpl_check(daleel_tmpl_set *set);

/* 1 if the set has a template called 'name', else 0. */
int daleel_tmpl_has(const daleel_tmpl_set *set, const char *name);

/* Render template 'name' with context 'ctx' (an object, or NULL for
 * none), appending to 'out'.  Allocates nothing but what 'out' needs.
 * Errors: DALEEL_ENOTFOUND (no such template or partial), DALEEL_EPARSE
 * (partials nested deeper than DALEEL_TMPL_MAX_PARTIALS, or more than
 * DALEEL_TMPL_MAX_STEPS steps: a template that recurses without end),
 * whatever 'out' reports (DALEEL_ETOOBIG, DALEEL_ENOMEM: its sticky error).
 * On a template error 'out' is cut back to what it held before the call. */
daleel_status daleel_tmpl_render(const daleel_tmpl_set *set, const char *name,
                                 json_t *ctx, daleel_buf *out);

/* The same, and on error a sentence saying what and where goes into 'msg'
 * ('msg_len' bytes, always NUL-terminated; 'msg' may be NULL), for example
 * "search:12: no template \"results\" for the partial".  Since a set is
 * shared by threads, render errors are never stored on it. */
daleel_status daleel_tmpl_render_msg(const daleel_tmpl_set *set,
                                     const char *name, json_t *ctx,
                                     daleel_buf *out, char *msg,
                                     size_t msg_len);

/* The message of the last failed daleel_tmpl_add(), daleel_tmpl_load_dir()
 * or daleel_tmpl_check() on 'set' ("" if none).  Owned by the set; valid
 * until the next call on it. */
const char *daleel_tmpl_errmsg(const daleel_tmpl_set *set);

#ifdef __cplusplus
}
#endif
#endif
