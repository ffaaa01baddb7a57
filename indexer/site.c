/* site.c: the writers' site file (site.yaml at the root of the articles
 * folder, beside synonyms.txt) -> the compact JSON the server reads from
 * the index metadata:
 *
 *     name: {en: Souq Daleel Help Center, ar: مركز مساعدة سوق دليل}
 *     categories:
 *       payment: {en: Payment, ar: الدفع}
 *
 * Everything is optional; a language left out falls back to the folder
 * name (or the UI's default site name) in the server.  Any mistake is
 * reported with its line and the whole file is refused, so a typo never
 * half-renames the site.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <yaml.h>

#include "ix.h"

#define MAX_LABEL 200   /* bytes of one name */

typedef struct {
    yaml_document_t *doc;
    const char *path;
    ix_errors *errs;
    int bad;
} site_ctx;

static int line_of(const yaml_node_t *n)
{
    return (int)n->start_mark.line + 1;
}

static void bad(site_ctx *c, const yaml_node_t *n, const char *msg,
                const char *what)
{
    ix_error_add(c->errs, c->path, n ? line_of(n) : 0, "%s%s%s%s", msg,
                 what ? " '" : "", what ? what : "", what ? "'" : "");
    c->bad = 1;
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value
                                            : NULL;
}

/* {en: .., ar: ..} -> a JSON object with the languages given. */
static json_t *labels(site_ctx *c, yaml_node_t *n)
{
    if (!n || n->type != YAML_MAPPING_NODE) {
        bad(c, n, "expected a mapping of languages, like {en: Payment, ar: الدفع}",
            NULL);
        return NULL;
    }
    json_t *o = json_object();
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
         p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
        const char *lang = scalar(k), *text = scalar(v);
        if (!lang || (strcmp(lang, "en") != 0 && strcmp(lang, "ar") != 0)) {
            bad(c, k, "unknown language (en or ar)", lang);
            continue;
        }
        if (!text || !*text) {
            bad(c, v ? v : k, "expected a non-empty name for", lang);
            continue;
        }
        if (strlen(text) > MAX_LABEL || strchr(text, '\n')) {
            bad(c, v, "name is over 200 bytes or has a line break:", lang);
            continue;
        }
        json_object_set_new(o, lang, json_string(text));
    }
    return o;
}

daleel_status ix_site_parse(const char *data, size_t len, const char *path,
                            char **out, ix_errors *errs)
{
    *out = NULL;
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser))
        return DALEEL_ENOMEM;
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    if (!yaml_parser_load(&parser, &doc)) {
        ix_error_add(errs, path, (int)parser.problem_mark.line + 1, "%s",
                     parser.problem ? parser.problem : "not YAML");
        yaml_parser_delete(&parser);
        return DALEEL_OK;
    }
    site_ctx c = { &doc, path, errs, 0 };
    json_t *site = json_object();
    json_t *cats = json_object();
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root && root->type != YAML_MAPPING_NODE) {
        bad(&c, root, "expected a mapping with 'name' and 'categories'", NULL);
    } else if (root) {
        for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
             p < root->data.mapping.pairs.top; p++) {
            yaml_node_t *k = yaml_document_get_node(&doc, p->key);
            yaml_node_t *v = yaml_document_get_node(&doc, p->value);
            const char *key = scalar(k);
            if (key && strcmp(key, "name") == 0) {
                json_t *l = labels(&c, v);
                if (l)
                    json_object_set_new(site, "name", l);
            } else if (key && strcmp(key, "categories") == 0) {
                if (!v || v->type != YAML_MAPPING_NODE) {
                    bad(&c, v ? v : k, "expected a mapping of category folders",
                        NULL);
                    continue;
                }
                for (yaml_node_pair_t *q = v->data.mapping.pairs.start;
                     q < v->data.mapping.pairs.top; q++) {
                    yaml_node_t *ck = yaml_document_get_node(&doc, q->key);
                    const char *folder = scalar(ck);
                    if (!folder || !*folder || strchr(folder, '/')) {
                        bad(&c, ck, "expected a category folder name", NULL);
                        continue;
                    }
                    json_t *l = labels(&c, yaml_document_get_node(&doc,
                                                                  q->value));
                    if (l)
                        json_object_set_new(cats, folder, l);
                }
            } else {
                bad(&c, k, "unknown key (name or categories):", key);
            }
        }
    }
    json_object_set_new(site, "categories", cats);
    daleel_status st = DALEEL_OK;
    if (!c.bad) {
        *out = json_dumps(site, JSON_COMPACT | JSON_SORT_KEYS);
        if (!*out)
            st = DALEEL_ENOMEM;
    }
    json_decref(site);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return st;
}
