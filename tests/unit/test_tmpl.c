/* test_tmpl.c: the template engine, construct by construct, with exact
 * outputs and exact error messages; then every page of templates/ rendered
 * with the sample contexts of tests/data/tmpl/ (the examples of
 * templates/README.md) in English and Arabic.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "daleel/tmpl.h"
#include "harness.h"

/* Render 'src' with the JSON context 'ctx_json' (NULL: no context) and
 * return the output (static storage) or "ERR <status>: <message>". */
static const char *render_ex(daleel_tmpl_set *set, const char *src,
                             const char *ctx_json)
{
    static char result[8192];
    json_t *ctx = NULL;
    if (ctx_json) {
        json_error_t je;
        ctx = json_loads(ctx_json, JSON_ALLOW_NUL, &je);
        if (!ctx) {
            snprintf(result, sizeof result, "BAD TEST JSON: %s", je.text);
            return result;
        }
    }
    daleel_status st = daleel_tmpl_add(set, "t", src, strlen(src));
    if (st != DALEEL_OK) {
        snprintf(result, sizeof result, "ERR %d: %s", (int)st,
                 daleel_tmpl_errmsg(set));
        json_decref(ctx);
        return result;
    }
    daleel_buf out;
    daleel_buf_init(&out, 1 << 20);
    char msg[256];
    st = daleel_tmpl_render_msg(set, "t", ctx, &out, msg, sizeof msg);
    if (st != DALEEL_OK)
        snprintf(result, sizeof result, "ERR %d: %s", (int)st, msg);
    else
        snprintf(result, sizeof result, "%s", out.data ? out.data : "");
    daleel_buf_free(&out);
    json_decref(ctx);
    return result;
}

static const char *render(const char *src, const char *ctx_json)
{
    daleel_tmpl_set *set = daleel_tmpl_new();
    const char *r = render_ex(set, src, ctx_json);
    daleel_tmpl_free(set);
    return r;
}

static void test_variables(void)
{
    CHECK_STR(render("Hello, {{name}}!", "{\"name\":\"Ada\"}"), "Hello, Ada!",
              "a string variable");
    CHECK_STR(render("{{ name }}", "{\"name\":\"Ada\"}"), "Ada",
              "spaces inside the tag");
    CHECK_STR(render("[{{x}}]", "{\"x\":\"<a href=\\\"u\\\">'&'</a>\"}"),
              "[&lt;a href=&quot;u&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;]",
              "{{x}} escapes & < > \" '");
    CHECK_STR(render("[{{{x}}}]", "{\"x\":\"<mark>a&b</mark>\"}"),
              "[<mark>a&b</mark>]", "{{{x}}} is raw");
    CHECK_STR(render("[{{{ x }}}]", "{\"x\":\"<b>\"}"), "[<b>]",
              "spaces inside triple braces");
    CHECK_STR(render("{{n}} {{m}} {{r}} {{big}} {{neg}}",
                     "{\"n\":42,\"m\":3.0,\"r\":0.42,\"big\":-7,\"neg\":-0.0}"),
              "42 3 0.42 -7 0", "numbers: integral reals as integers");
    CHECK_STR(render("{{r}}", "{\"r\":0.1234567890123456789}"),
              "0.12345678901234568", "a real that needs 17 digits");
    CHECK_STR(render("{{t}}/{{f}}/{{z}}", "{\"t\":true,\"f\":false,\"z\":null}"),
              "true/false/", "true, false and null");
    CHECK_STR(render("<{{a}}{{o}}{{missing}}>", "{\"a\":[1],\"o\":{\"k\":1}}"),
              "<>", "arrays, objects and missing names render nothing");
    CHECK_STR(render("{{a.b.c}}|{{a.x.c}}|{{a.b.c.d}}",
                     "{\"a\":{\"b\":{\"c\":\"deep\"}}}"),
              "deep||", "dotted names");
    CHECK_STR(render("{{x}}", NULL), "", "no context at all");
    CHECK_STR(render("{{x}}", "[1,2]"), "", "a context that is not an object");
    CHECK_STR(render("a{b}c}}d{", "{}"), "a{b}c}}d{",
              "single braces and stray closers are text");
    CHECK_STR(render("{{{x}}}}", "{\"x\":\"1\"}"), "1}",
              "a fourth brace is text");
    CHECK_STR(render("{{s}}", "{\"s\":\"a\\u0000b\"}"), "ab",
              "NUL bytes in values are dropped when escaping");
    CHECK_STR(render("{{s}}", "{\"s\":\"مرحبا\"}"), "مرحبا",
              "UTF-8 passes through");
    CHECK_STR(render("", "{}"), "", "an empty template");
    CHECK_STR(render("{{! a comment }}x{{!\nmulti\nline}}y", "{}"), "xy",
              "comments render nothing");
}

static void test_sections(void)
{
    CHECK_STR(render("{{#items}}<{{.}}>{{/items}}", "{\"items\":[\"a\",\"<b>\",3]}"),
              "<a><&lt;b&gt;><3>", "a list of strings with {{.}}");
    CHECK_STR(render("{{#items}}{{name}}={{n}};{{/items}}",
                     "{\"items\":[{\"name\":\"x\",\"n\":1},{\"name\":\"y\",\"n\":2}]}"),
              "x=1;y=2;", "a list of objects");
    CHECK_STR(render("{{#items}}{{name}}@{{site}} {{/items}}",
                     "{\"site\":\"S\",\"items\":[{\"name\":\"x\"},{\"name\":\"y\",\"site\":\"T\"}]}"),
              "x@S y@T ", "lookup goes outwards, innermost first");
    CHECK_STR(render("{{#a}}{{#b}}{{c}}{{d}}{{/b}}{{/a}}",
                     "{\"d\":\"D\",\"a\":{\"b\":[{\"c\":1},{\"c\":2}]}}"),
              "1D2D", "nested sections");
    CHECK_STR(render("{{#rows}}[{{#.}}{{.}},{{/.}}]{{/rows}}",
                     "{\"rows\":[[1,2],[3]]}"),
              "[1,2,][3,]", "a list of lists");
    CHECK_STR(render("{{#o}}{{k}}{{/o}}", "{\"o\":{\"k\":\"v\"}}"), "v",
              "an object section becomes the context");
    CHECK_STR(render("{{#s}}<{{.}}>{{/s}}", "{\"s\":\"str\"}"), "<str>",
              "a string section: shown once, {{.}} is the string");
    CHECK_STR(render("{{#t}}yes{{/t}}{{#f}}no{{/f}}", "{\"t\":true,\"f\":false}"),
              "yes", "true and false sections");
    CHECK_STR(render("{{#a.b}}{{c}}{{/a.b}}", "{\"a\":{\"b\":{\"c\":\"in\"}}}"),
              "in", "a dotted section name");
    const char *falsy[] = { "{}", "{\"x\":null}", "{\"x\":false}", "{\"x\":0}",
                            "{\"x\":0.0}", "{\"x\":\"\"}", "{\"x\":[]}",
                            "{\"x\":{}}" };
    for (size_t i = 0; i < sizeof falsy / sizeof *falsy; i++) {
        CHECK_STR(render("{{#x}}shown{{/x}}", falsy[i]), "",
                  "section hidden for %s", falsy[i]);
        CHECK_STR(render("{{^x}}empty{{/x}}", falsy[i]), "empty",
                  "inverted shown for %s", falsy[i]);
    }
    const char *truthy[] = { "{\"x\":1}", "{\"x\":-1}", "{\"x\":0.5}",
                             "{\"x\":\"0\"}", "{\"x\":[0]}", "{\"x\":{\"a\":0}}",
                             "{\"x\":true}" };
    for (size_t i = 0; i < sizeof truthy / sizeof *truthy; i++) {
        CHECK_STR(render("{{#x}}shown{{/x}}", truthy[i]), "shown",
                  "section shown for %s", truthy[i]);
        CHECK_STR(render("{{^x}}empty{{/x}}", truthy[i]), "",
                  "inverted hidden for %s", truthy[i]);
    }
    CHECK_STR(render("{{#l.length}}<ul>{{#l}}<li>{{.}}{{/l}}</ul>{{/l.length}}"
                     "{{^l.length}}none{{/l.length}} {{l.length}}",
                     "{\"l\":[\"a\",\"b\"]}"),
              "<ul><li>a<li>b</ul> 2", "list.length: once over a non-empty list");
    CHECK_STR(render("{{#l.length}}<ul>{{/l.length}}{{^l.length}}none{{/l.length}}"
                     " {{l.length}}", "{\"l\":[]}"),
              "none 0", "list.length of an empty list");
    CHECK_STR(render("{{#l.length}}{{x}}{{/l.length}}",
                     "{\"x\":\"out\",\"l\":[{\"x\":\"in\"}]}"),
              "out", "list.length keeps the outer context");
    CHECK_STR(render("[{{o.length}}][{{s.length}}][{{m.length}}]{{^m.length}}-{{/m.length}}",
                     "{\"o\":{\"length\":7},\"s\":\"abc\"}"),
              "[7][][]-", "length is only special after an array");
    CHECK_STR(render("{{#x}}a{{/x}}{{^x}}b{{/x}}c", "{\"x\":[1,2]}"), "aac",
              "a section and its inverse");
    CHECK_STR(render("{{#x}}{{^y}}-{{/y}}{{y}}{{/x}}",
                     "{\"x\":[{\"y\":\"1\"},{}]}"),
              "1-", "inverted inside a list");
}

static void test_standalone(void)
{
    CHECK_STR(render("<ul>\n  {{#i}}\n  <li>{{.}}</li>\n  {{/i}}\n</ul>\n",
                     "{\"i\":[\"a\",\"b\"]}"),
              "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n",
              "section tags alone on their lines leave no blank lines");
    CHECK_STR(render("a\r\n{{#x}}\r\nb\r\n{{/x}}\r\nc", "{\"x\":1}"),
              "a\r\nb\r\nc", "standalone with CRLF");
    CHECK_STR(render("a {{#x}}b{{/x}} c\n", "{\"x\":1}"), "a b c\n",
              "inline section tags keep their spaces");
    CHECK_STR(render("{{#x}}\nb\n{{/x}}", "{\"x\":1}"), "b\n",
              "standalone at the start and at the end of the template");
    CHECK_STR(render("a\n  {{! note }}  \nb", "{}"), "a\nb",
              "a standalone comment takes its line");
    CHECK_STR(render("a\n  {{v}}\nb", "{\"v\":\"V\"}"), "a\n  V\nb",
              "a variable is never standalone");
    CHECK_STR(render("{{#x}}{{/x}}\n", "{\"x\":1}"), "\n",
              "two tags on one line are not standalone");
}

static void test_partials(void)
{
    daleel_tmpl_set *set = daleel_tmpl_new();
    const char *head = "<h1>{{title}}</h1>";
    CHECK_INT(daleel_tmpl_add(set, "head", head, strlen(head)), DALEEL_OK,
              "add a partial");
    CHECK_STR(render_ex(set, "{{>head}}<p>{{body}}</p>",
                        "{\"title\":\"<T>\",\"body\":\"b\"}"),
              "<h1>&lt;T&gt;</h1><p>b</p>", "a partial with the same context");
    CHECK_STR(render_ex(set, "{{#items}}{{> head }}{{/items}}",
                        "{\"title\":\"out\",\"items\":[{\"title\":\"a\"},{}]}"),
              "<h1>a</h1><h1>out</h1>", "a partial inside a list");
    CHECK_STR(render_ex(set, "x\n  {{>head}}\ny", "{\"title\":\"T\"}"),
              "x\n<h1>T</h1>y", "a standalone partial takes its line");
    CHECK_STR(render_ex(set, "{{>nope}}", "{}"),
              "ERR 4: t:1: no template \"nope\" for the partial",
              "a missing partial at render time");
    CHECK_INT(daleel_tmpl_check(set), DALEEL_ENOTFOUND,
              "check finds the missing partial");
    CHECK_STR(daleel_tmpl_errmsg(set), "t:1: no template \"nope\" for the partial",
              "check's message");
    CHECK_STR(render_ex(set, "{{>head}}", "{}"), "<h1></h1>",
              "replace a template by name");
    CHECK_INT(daleel_tmpl_check(set), DALEEL_OK, "check passes once it is gone");
    CHECK(daleel_tmpl_has(set, "head") && !daleel_tmpl_has(set, "nope"),
          "daleel_tmpl_has");

    /* A tree rendered by a recursive partial.  Leaves need "kids": [], or
     * the lookup would find their parent's kids (Mustache's rule). */
    const char *node = "({{name}}{{#kids}}{{>node}}{{/kids}})";
    daleel_tmpl_add(set, "node", node, strlen(node));
    CHECK_STR(render_ex(set, "{{>node}}",
                        "{\"name\":\"r\",\"kids\":[{\"name\":\"a\",\"kids\":"
                        "[{\"name\":\"b\",\"kids\":[]}]},{\"name\":\"c\",\"kids\":[]}]}"),
              "(r(a(b))(c))", "recursion that ends renders");
    const char *loop = "x{{>loop}}";
    daleel_tmpl_add(set, "loop", loop, strlen(loop));
    daleel_buf out;
    daleel_buf_init(&out, 1 << 20);
    daleel_buf_puts(&out, "before;");
    char msg[256];
    CHECK_INT(daleel_tmpl_render_msg(set, "loop", NULL, &out, msg, sizeof msg),
              DALEEL_EPARSE, "endless recursion is stopped");
    CHECK_STR(msg, "loop:1: partials nested deeper than 16", "its message");
    CHECK_STR(out.data, "before;", "the output is cut back after the error");
    CHECK_INT(daleel_tmpl_render_msg(set, "zzz", NULL, &out, msg, sizeof msg),
              DALEEL_ENOTFOUND, "rendering an unknown template");
    CHECK_STR(msg, "no template \"zzz\"", "its message");
    CHECK_INT(daleel_tmpl_render(set, "zzz", NULL, &out), DALEEL_ENOTFOUND,
              "the same without a message buffer");
    daleel_buf_free(&out);

    /* Exponential work with no output must stop too (a fuzzer's find). */
    char deep[2048] = "";
    for (int i = 0; i < 40; i++)
        strcat(deep, "{{#l}}");
    for (int i = 0; i < 40; i++)
        strcat(deep, "{{/l}}");
    CHECK_STR(render_ex(set, deep, "{\"l\":[1,2]}"),
              "ERR 3: t: more than 4194304 steps: a template recurses without end",
              "2^40 empty iterations are cut off");
    daleel_tmpl_free(set);

    /* The output cap is the buffer's: a page over it gives DALEEL_ETOOBIG. */
    set = daleel_tmpl_new();
    const char *big = "{{#l}}{{s}}{{/l}}";
    daleel_tmpl_add(set, "big", big, strlen(big));
    json_t *ctx = json_pack("{s:[i,i,i,i], s:s}", "l", 1, 2, 3, 4, "s", "0123456789");
    daleel_buf_init(&out, 25);
    CHECK_INT(daleel_tmpl_render_msg(set, "big", ctx, &out, msg, sizeof msg),
              DALEEL_ETOOBIG, "the buffer's cap");
    CHECK_STR(msg, "big: too big", "its message");
    daleel_buf_free(&out);
    json_decref(ctx);
    daleel_tmpl_free(set);
}

static void test_errors(void)
{
    CHECK_STR(render("a\nb {{x", "{}"), "ERR 3: t:2: unclosed tag",
              "a tag without }}");
    CHECK_STR(render("{{{x}}", "{}"), "ERR 3: t:1: unclosed tag",
              "triple braces closed by two");
    CHECK_STR(render("a\n\n{{#items}}\nx\n", "{}"),
              "ERR 3: t:3: unclosed section \"items\"", "an unclosed section");
    CHECK_STR(render("{{#a.b}}{{^c}}", "{}"),
              "ERR 3: t:1: unclosed section \"c\"", "the innermost unclosed one");
    CHECK_STR(render("{{#results}}\n\n{{/hits}}", "{}"),
              "ERR 3: t:3: {{/hits}} closes {{#results}} of line 1",
              "a mismatched close");
    CHECK_STR(render("{{^a.b}}{{/a}}", "{}"),
              "ERR 3: t:1: {{/a}} closes {{^a.b}} of line 1",
              "a mismatched close of an inverted dotted section");
    CHECK_STR(render("x\n{{/a}}", "{}"),
              "ERR 3: t:2: {{/a}} without an open section", "a close with no open");
    CHECK_STR(render("{{}}", "{}"), "ERR 3: t:1: empty tag", "an empty tag");
    CHECK_STR(render("{{#}}", "{}"), "ERR 3: t:1: empty tag", "an empty section");
    CHECK_STR(render("{{{ }}}", "{}"), "ERR 3: t:1: empty tag", "an empty raw tag");
    CHECK_STR(render("{{a b}}", "{}"), "ERR 3: t:1: bad name \"a b\"",
              "a space in a name");
    CHECK_STR(render("{{a..b}}", "{}"), "ERR 3: t:1: bad name \"a..b\"",
              "two dots");
    CHECK_STR(render("{{.a}}", "{}"), "ERR 3: t:1: bad name \".a\"",
              "a leading dot");
    CHECK_STR(render("{{a.}}", "{}"), "ERR 3: t:1: bad name \"a.\"",
              "a trailing dot");
    CHECK_STR(render("{{<script>}}", "{}"), "ERR 3: t:1: unsupported tag {{<",
              "parent tags are not supported");
    CHECK_STR(render("{{=<% %>=}}", "{}"), "ERR 3: t:1: unsupported tag {{=",
              "set-delimiter tags are not supported");
    CHECK_STR(render("{{&x}}", "{}"),
              "ERR 3: t:1: {{&...}} is not supported: use {{{name}}} for raw output",
              "{{&x}} is refused");
    CHECK_STR(render("{{>.}}", "{}"), "ERR 3: t:1: bad name \".\"",
              "a partial called \".\"");
    CHECK_STR(render("{{! a\nb\n}}\n{{x", "{}"), "ERR 3: t:4: unclosed tag",
              "lines inside comments count");

    char deep[2048] = "";
    for (int i = 0; i < 65; i++)
        strcat(deep, "{{#a}}");
    CHECK_STR(render(deep, "{}"), "ERR 3: t:1: sections nested deeper than 64",
              "nesting cap");

    daleel_tmpl_set *set = daleel_tmpl_new();
    CHECK_INT(daleel_tmpl_add(set, "", "x", 1), DALEEL_EINVAL, "an empty name");
    CHECK_INT(daleel_tmpl_add(set, "ok", "fine", 4), DALEEL_OK, "a good one");
    CHECK_INT(daleel_tmpl_add(set, "ok", "{{#x}}", 6), DALEEL_EPARSE,
              "a bad replacement");
    daleel_buf out;
    daleel_buf_init(&out, 1024);
    CHECK_INT(daleel_tmpl_render(set, "ok", NULL, &out), DALEEL_OK,
              "a failed add leaves the old template");
    CHECK_STR(out.data, "fine", "the old template renders");
    daleel_buf_free(&out);
    CHECK_INT(daleel_tmpl_load_dir(set, "/nonexistent/dir"), DALEEL_EIO,
              "a missing folder");
    CHECK_STR(daleel_tmpl_errmsg(set), "/nonexistent/dir: No such file or directory",
              "its message");
    daleel_tmpl_free(set);
    daleel_tmpl_free(NULL);
}

static void write_file(const char *path, const char *s)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs(s, f);
        fclose(f);
    }
}

static void test_load_dir(void)
{
    const char *dir = harness_tmpdir();
    char p[512];
    snprintf(p, sizeof p, "%s/a.html", dir);
    write_file(p, "A{{>b}}");
    snprintf(p, sizeof p, "%s/b.xml", dir);
    write_file(p, "<b>{{x}}</b>");
    snprintf(p, sizeof p, "%s/notes.txt", dir);
    write_file(p, "{{#broken");
    snprintf(p, sizeof p, "%s/.hidden.html", dir);
    write_file(p, "{{#broken");
    snprintf(p, sizeof p, "%s/sub.html", dir);
    mkdir(p, 0700);
    daleel_tmpl_set *set = daleel_tmpl_new();
    CHECK_INT(daleel_tmpl_load_dir(set, dir), DALEEL_OK,
              "load .html and .xml, skip others, hidden files and folders");
    CHECK_INT(daleel_tmpl_check(set), DALEEL_OK, "partials resolve");
    CHECK(!daleel_tmpl_has(set, "notes") && !daleel_tmpl_has(set, "sub") &&
          !daleel_tmpl_has(set, ".hidden"), "only templates are loaded");
    daleel_buf out;
    daleel_buf_init(&out, 1024);
    json_t *ctx = json_pack("{s:s}", "x", "&");
    CHECK_INT(daleel_tmpl_render(set, "a", ctx, &out), DALEEL_OK, "render a");
    CHECK_STR(out.data, "A<b>&amp;</b>", "a with partial b from the .xml");
    json_decref(ctx);
    daleel_buf_free(&out);

    snprintf(p, sizeof p, "%s/c.html", dir);
    write_file(p, "ok\n{{#x}}\n");
    CHECK_INT(daleel_tmpl_load_dir(set, dir), DALEEL_EPARSE, "a bad file");
    char expect[600];
    snprintf(expect, sizeof expect, "%s/c.html:2: unclosed section \"x\"", dir);
    CHECK_STR(daleel_tmpl_errmsg(set), expect, "the message names the file");
    daleel_tmpl_free(set);
}

/* ---- the real templates ---- */

static json_t *load_json(const char *rel)
{
    json_error_t je;
    json_t *j = json_load_file(harness_src(rel), 0, &je);
    CHECK(j != NULL, "%s parses (%s line %d)", rel, j ? "" : je.text, je.line);
    return j;
}

/* Both languages have the same keys, every string non-empty. */
static void same_keys(json_t *a, json_t *b, const char *an, const char *bn,
                      const char *path)
{
    const char *k;
    json_t *v;
    json_object_foreach(a, k, v) {
        char sub[256];
        snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", k);
        json_t *w = json_object_get(b, k);
        CHECK(w != NULL, "%s has %s like %s", bn, sub, an);
        if (!w)
            continue;
        CHECK(json_typeof(v) == json_typeof(w), "%s: same type in %s and %s",
              sub, an, bn);
        if (json_is_object(v))
            same_keys(v, w, an, bn, sub);
        else
            CHECK(json_is_string(v) && json_string_length(v) > 0,
                  "%s.json: %s is a non-empty string", an, sub);
    }
}

static json_t *get_dotted(json_t *o, const char *name)
{
    char part[128];
    while (o && *name) {
        size_t n = strcspn(name, ".");
        if (n >= sizeof part)
            return NULL;
        memcpy(part, name, n);
        part[n] = '\0';
        o = json_object_get(o, part);
        name += n + (name[n] == '.');
    }
    return o;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    daleel_buf b;
    daleel_buf_init(&b, 1 << 24);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        daleel_buf_append(&b, chunk, n);
    fclose(f);
    return daleel_buf_steal(&b, NULL);
}

/* Every {{t.x}} a template uses exists in both string files. */
static void check_strings_used(json_t *en, json_t *ar)
{
    static const char *files[] = {
        "article", "confirm", "error", "footer", "gaps", "header", "home",
        "login", "related", "search", "search_box", "thanks" };
    int n_refs = 0;
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char rel[128];
        snprintf(rel, sizeof rel, "templates/%s.html", files[i]);
        char *src = slurp(harness_src(rel));
        CHECK(src != NULL, "read %s", rel);
        for (const char *p = src; p && (p = strstr(p, "{{")); ) {
            p += 2;
            while (*p == '#' || *p == '^' || *p == '/' || *p == '{' || *p == ' ')
                p++;
            if (strncmp(p, "t.", 2) != 0)
                continue;
            p += 2;
            char name[128];
            size_t n = 0;
            while (n + 1 < sizeof name && (isalnum((unsigned char)p[n]) ||
                                           p[n] == '_' || p[n] == '.' || p[n] == '-'))
                n++;
            memcpy(name, p, n);
            name[n] = '\0';
            n_refs++;
            CHECK(json_is_string(get_dotted(en, name)), "%s: t.%s in en.json", rel, name);
            CHECK(json_is_string(get_dotted(ar, name)), "%s: t.%s in ar.json", rel, name);
        }
        free(src);
    }
    CHECK(n_refs > 150, "the templates use the UI strings (%d uses)", n_refs);
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* Page-wide rules: lang/dir, no inline script or style, unique ids, a label
 * for every visible form field. */
static void check_page(const char *file, const char *html, const char *lang,
                       int is_html)
{
    CHECK(strstr(html, "{{") == NULL && strstr(html, "}}") == NULL,
          "%s: no tag left unrendered", file);
    if (!is_html)
        return;
    char want[64];
    snprintf(want, sizeof want, "<html lang=\"%s\" dir=\"%s\">", lang,
             strcmp(lang, "ar") == 0 ? "rtl" : "ltr");
    CHECK(strncmp(html, "<!DOCTYPE html>\n", 16) == 0, "%s: starts with the doctype", file);
    CHECK(strstr(html, want) != NULL, "%s: %s", file, want);
    CHECK(strstr(html, "<meta charset=\"utf-8\">") != NULL, "%s: charset", file);
    CHECK(strstr(html, "<meta name=\"viewport\" content=\"width=device-width, "
                       "initial-scale=1\">") != NULL, "%s: viewport", file);
    CHECK_INT(count(html, "<script"), 1, "%s: one script element", file);
    CHECK(strstr(html, "<script src=\"/static/app.js\" defer></script>") != NULL,
          "%s: the script is external", file);
    CHECK(strstr(html, " style=") == NULL && strstr(html, "<style") == NULL,
          "%s: no inline style (CSP)", file);
    static const char *handlers[] = { " onclick=", " onload=", " onerror=",
                                      " onsubmit=", " onmouseover=", " onfocus=" };
    for (size_t i = 0; i < sizeof handlers / sizeof *handlers; i++)
        CHECK(strstr(html, handlers[i]) == NULL, "%s: no%s", file, handlers[i]);
    CHECK(strstr(html, "<script>") == NULL && strstr(html, "alert(1)</script>") == NULL,
          "%s: no script from the data", file);
    CHECK_INT(count(html, "<header class=\"site-header\">"), 1, "%s: banner", file);
    CHECK_INT(count(html, "<main id=\"main\""), 1, "%s: main", file);
    CHECK_INT(count(html, "<footer class=\"site-footer\">"), 1, "%s: footer", file);
    CHECK_INT(count(html, "<h1"), 1, "%s: one h1", file);

    /* Unique ids. */
    char ids[128][64];
    int n_ids = 0;
    for (const char *p = html; (p = strstr(p, " id=\"")); ) {
        p += 5;
        size_t n = strcspn(p, "\"");
        if (n >= sizeof ids[0] || n_ids == 128)
            break;
        char id[64];
        memcpy(id, p, n);
        id[n] = '\0';
        for (int i = 0; i < n_ids; i++)
            CHECK(strcmp(ids[i], id) != 0, "%s: id \"%s\" is unique", file, id);
        memcpy(ids[n_ids++], id, n + 1);
    }
    /* Labels: every visible input, select and textarea has a <label for>. */
    static const char *fields[] = { "<input ", "<select ", "<textarea " };
    for (size_t f = 0; f < 3; f++) {
        for (const char *p = html; (p = strstr(p, fields[f])); p++) {
            size_t n = strcspn(p, ">");
            char tag[512];
            if (n >= sizeof tag)
                n = sizeof tag - 1;
            memcpy(tag, p, n);
            tag[n] = '\0';
            if (strstr(tag, "type=\"hidden\""))
                continue;
            const char *id = strstr(tag, " id=\"");
            CHECK(id != NULL, "%s: %s has an id", file, tag);
            if (!id)
                continue;
            char lab[128];
            snprintf(lab, sizeof lab, " for=\"%.*s\"",
                     (int)strcspn(id + 5, "\""), id + 5);
            CHECK(strstr(html, lab) != NULL, "%s: %s has %s>", file, tag, lab);
        }
    }
}

struct page_case {
    const char *file;          /* tests/data/tmpl/<file>.json */
    const char *must[12];
    const char *must_not[6];
};

static const struct page_case pages[] = {
    { "home.en", {
        "<title>Help Center</title>",
        "<link rel=\"canonical\" href=\"http://127.0.0.1:8080/?lang=en\">",
        "<link rel=\"search\" type=\"application/opensearchdescription+xml\" title=\"Help Center\" href=\"/opensearch.xml?lang=en\">",
        "<a href=\"/?lang=ar\" lang=\"ar\" hreflang=\"ar\">العربية</a>",
        "<h1 id=\"home-title\">How can we help?</h1>",
        "<input id=\"q-main\" type=\"search\" name=\"q\" value=\"\"",
        "<a href=\"/search?category=accounts&amp;lang=en\"><bdi>accounts</bdi> <span class=\"count\"><span class=\"visually-hidden\">Articles: </span>12</span></a>",
        "<bdi>billing &lt;script&gt;</bdi>",
        "<a href=\"/a/refunds\"><bdi>&lt;script&gt;alert(1)&lt;/script&gt; Refunds</bdi></a>",
        "<p class=\"summary\" dir=\"auto\">Change a forgotten password from the sign-in page.</p>" },
      { "id=\"q-top\"", "class=\"badge\"", "audience", "<p class=\"summary\" dir=\"auto\"></p>" } },
    { "home.ar", {
        "<title>مركز المساعدة</title>",
        "<a class=\"brand\" href=\"/?lang=ar\">مركز المساعدة</a>",
        "<h1 id=\"home-title\">كيف يمكننا مساعدتك؟</h1>",
        "<a href=\"/?lang=en\" lang=\"en\" hreflang=\"en\">English</a>",
        "<input type=\"hidden\" name=\"audience\" value=\"internal\">",
        "<p class=\"agent-bar wrap\">",
        "<bdi>استرداد المبلغ عبر PayPal</bdi></a> <span class=\"badge\">داخلي</span>" },
      { NULL } },
    { "search.en", {
        "<title>reset pasword &lt;script&gt; · Help Center</title>",
        "<meta name=\"robots\" content=\"noindex\">",
        "<input id=\"q-top\" type=\"search\" name=\"q\" value=\"reset pasword &lt;script&gt;\"",
        "<h1 class=\"results-title\">Results for “<bdi>reset pasword &lt;script&gt;</bdi>”</h1>",
        "<p class=\"notice\" role=\"status\">Showing results for <a href=\"/search?q=reset%20password&amp;lang=en\"><bdi>reset password</bdi></a>. Search instead for <a href=\"/search?q=reset%20pasword%20%3Cscript%3E&amp;lang=en&amp;nocorrect=1\"><bdi>reset pasword &lt;script&gt;</bdi></a></p>",
        "<p class=\"result-count\">Results: <strong>12</strong> <span class=\"range\">(1–2)</span></p>",
        "<li class=\"result\" lang=\"en\">\n<h2 class=\"result-title\"><a href=\"/a/reset-password?s=812&amp;r=1\"><bdi>Reset your &lt;script&gt;alert(1)&lt;/script&gt; password</bdi></a></h2>",
        "<p class=\"snippet\" dir=\"auto\">To <mark>reset</mark> your <mark>password</mark>, open &lt;Settings&gt;.</p>",
        "<span class=\"visually-hidden\">Section: </span><a href=\"/a/reset-password?s=812&amp;r=1#change-it\"><bdi>Change it</bdi></a>",
        "<button type=\"button\" class=\"copy\" data-markdown=\"[Reset your password](http://127.0.0.1:8080/a/reset-password#change-it)\" hidden>Copy as Markdown</button>",
        "<bdi>إعادة تعيين كلمة المرور</bdi></a> <span class=\"badge\">Internal</span></h2>",
        "<span aria-current=\"page\"><span class=\"visually-hidden\">Page </span>1</span>" },
      { "did you mean", "rel=\"prev\"", "No articles match" } },
    { "search.en", {
        "<li><a href=\"/search?q=reset%20password&amp;lang=en&amp;page=2\" rel=\"next\">Next</a></li>",
        "<span aria-current=\"true\" lang=\"en\">English</span>",
        "<a href=\"/search?q=reset%20password&amp;lang=ar\" lang=\"ar\" hreflang=\"ar\">العربية</a>",
        "<li><a href=\"/search?q=reset%20password\">All languages</a></li>",
        "<a href=\"/search?q=reset%20password&amp;category=billing&amp;lang=en\"><bdi>billing</bdi> <span class=\"count\">2</span></a>",
        "<form method=\"post\" action=\"/gap\" data-enhance data-done=\"Thank you. Our writers will see what you were looking for.\">",
        "<input type=\"hidden\" name=\"q\" value=\"reset pasword &lt;script&gt;\">",
        "<input type=\"hidden\" name=\"token\" value=\"tok-gap-1\">",
        "<input type=\"text\" id=\"gap-website\" name=\"website\" value=\"\" tabindex=\"-1\" autocomplete=\"off\">",
        "<textarea id=\"gap-text\" name=\"text\" maxlength=\"500\"",
        "<ol class=\"results\" start=\"1\">" },
      { "All categories" } },
    { "search-none.ar", {
        "<html lang=\"ar\" dir=\"rtl\">",
        "<h1 class=\"results-title\">نتائج البحث عن «<bdi>استرداد مبلغ git</bdi>»</h1>",
        "<p class=\"notice\" role=\"status\">هل تقصد <a href=\"/search?q=%D8%A7%D8%B3&amp;lang=ar\"><bdi>استرداد المبلغ</bdi></a>؟</p>",
        "<h2 id=\"noresults-title\">لم نجد مقالات تطابق بحثك</h2>",
        "<li>تحقّق من الإملاء.</li>",
        "<h2 id=\"gap-title\">لم تجد ما تبحث عنه؟</h2>",
        "<input type=\"hidden\" name=\"lang\" value=\"ar\">" },
      { "<ol class=\"results\"", "result-count", "class=\"facets\"" } },
    { "search-empty.en", {
        "<h1 class=\"results-title\">Search</h1>",
        "<p>Type a question or a few words in the search box.</p>" },
      { "gap-title", "noresults-title", "result-count" } },
    { "article.en", {
        "<title>Reset your &lt;script&gt;alert(1)&lt;/script&gt; password · Help Center</title>",
        "<link rel=\"alternate\" hreflang=\"ar\" href=\"http://127.0.0.1:8080/a/reset-password-ar\">",
        "<li><a href=\"/search?category=accounts&amp;lang=en\"><bdi>accounts</bdi></a></li>",
        "<article class=\"article\" lang=\"en\" dir=\"ltr\" data-url=\"http://127.0.0.1:8080/a/reset-password\" aria-labelledby=\"article-title\">",
        "<h1 id=\"article-title\">Reset your &lt;script&gt;alert(1)&lt;/script&gt; password</h1>",
        "Last updated: <time datetime=\"2024-05-01\">1 May 2024</time>",
        "Also available in:\n<a href=\"/a/reset-password-ar\" lang=\"ar\" hreflang=\"ar\">العربية</a>",
        "<li class=\"toc-l3\"><a href=\"#on-a-phone\">On a phone</a></li>",
        "<div class=\"article-body\">\n<p>Open the sign-in page.</p>\n<h2 id=\"change-it\">Change it</h2>",
        "<li>Yes: <span class=\"url\" dir=\"ltr\">http://127.0.0.1:8080/f/sig-yes</span></li>",
        "data-markdown=\"Did this answer help? [Yes](http://127.0.0.1:8080/f/sig-yes) / [No](http://127.0.0.1:8080/f/sig-no)\"" },
      { "class=\"badge\"" } },
    { "article.en", {
        "<form class=\"fb-form\" method=\"post\" action=\"/feedback\" data-enhance data-done-yes=\"We&#39;re glad this article helped.\"",
        "<input type=\"hidden\" name=\"slug\" value=\"reset-password\">",
        "<input type=\"hidden\" name=\"token\" value=\"tok-fb-1\">",
        "<input type=\"hidden\" name=\"s\" value=\"812\">",
        "<div class=\"hp\" aria-hidden=\"true\"><label for=\"fb-website\">Leave this field empty</label><input type=\"text\" id=\"fb-website\" name=\"website\" value=\"\" tabindex=\"-1\" autocomplete=\"off\"></div>",
        "<button type=\"submit\" name=\"vote\" value=\"yes\" class=\"fb-yes\">Yes</button>",
        "<summary>No</summary>",
        "<input type=\"radio\" id=\"fb-r-outdated\" name=\"reason\" value=\"outdated\"><label for=\"fb-r-outdated\">It is out of date</label>",
        "name=\"reason\" value=\"not_answered\"", "name=\"reason\" value=\"hard_to_follow\"",
        "<textarea id=\"fb-comment\" name=\"comment\" maxlength=\"500\"",
        "<button type=\"submit\" name=\"vote\" value=\"no\">Send feedback</button>" },
      { NULL } },
    { "article.en", {
        "<h2 id=\"related-title\">Related articles</h2>",
        "<li lang=\"en\"><a href=\"/a/change-email\"><bdi>Change your e-mail address</bdi></a>",
        "<h2 id=\"agent-title\">For support agents</h2>" },
      { NULL } },
    { "article.ar", {
        "<article class=\"article\" lang=\"ar\" dir=\"rtl\"",
        "<h1 id=\"article-title\">إعادة تعيين كلمة المرور في GitHub</h1>",
        "<li class=\"toc-l2\"><a href=\"#%D8%BA%D9%8A%D8%B1%D9%87%D8%A7\">غيّرها</a></li>",
        "<h2 id=\"fb-title\">هل أفادتك هذه المقالة؟</h2>",
        "<summary>لا</summary>",
        "<a href=\"/a/reset-password\" lang=\"en\" hreflang=\"en\">English</a>" },
      { "related-title", "name=\"s\"", "agent-title", "<link rel=\"alternate\"" } },
    { "thanks-no.en", {
        "<h1 id=\"thanks-title\">Thank you for your feedback</h1>",
        "<p class=\"lead\">Sorry this article didn&#39;t help.",
        "<p class=\"notice\">Your comment was longer than 500 characters",
        "<a href=\"/a/reset-password\">Back to the article: <bdi>Reset your &lt;script&gt;x&lt;/script&gt; password</bdi></a>",
        "<input id=\"q-main\"",
        "<bdi>Change your e-mail address</bdi>" },
      { "We&#39;re glad", "replaced by this one" } },
    { "thanks-yes.ar", {
        "<p class=\"lead\">يسعدنا أن المقالة أفادتك.</p>",
        "<p class=\"notice\">حلّت هذه الإجابة محل إجابتك السابقة عن هذه المقالة.</p>" },
      { "q-main", "لن تظهر", "related-title" } },
    { "thanks-gap.en", {
        "<p class=\"lead\">Thank you. Our writers will see what you were looking for.</p>",
        "<input id=\"q-main\" type=\"search\" name=\"q\" value=\"refund paypal\"" },
      { "Back to the article", "related-title" } },
    { "confirm.en", {
        "<h1 id=\"confirm-title\">Did this answer help?</h1>",
        "<p>Article: <a href=\"/a/reset-password\"><bdi>Reset your &lt;b&gt;password&lt;/b&gt;</bdi></a></p>",
        "<p class=\"lead\">You chose: <strong>No</strong></p>",
        "<form method=\"post\" action=\"/f/sig-no\">\n<input type=\"hidden\" name=\"token\" value=\"sig-no\">",
        "<textarea id=\"cf-comment\" name=\"comment\" maxlength=\"500\"",
        "<button type=\"submit\">Confirm my answer</button>",
        "<a href=\"/f/sig-yes\">Change my answer to Yes</a>" },
      { NULL } },
    { "confirm.ar", {
        "<p class=\"lead\">اخترت: <strong>نعم</strong></p>",
        "<button type=\"submit\">تأكيد إجابتي</button>" },
      { "cf-comment", "تغيير إجابتي" } },
    { "error-404.en", {
        "<h1 id=\"error-title\">Page not found</h1>",
        "<p>Search for: <a href=\"/search?q=reset%20%3Cscript%3E%20password&amp;lang=en\"><bdi>reset &lt;script&gt; password</bdi></a></p>",
        "<input id=\"q-main\" type=\"search\" name=\"q\" value=\"reset &lt;script&gt; password\"",
        "<p class=\"hint\">Error code: 404</p>" },
      { "Seconds to wait", "answer again" } },
    { "error-429.ar", {
        "<h1 id=\"error-title\">طلبات كثيرة جدًا</h1>",
        "<p>عدد الثواني قبل المحاولة من جديد: 30</p>",
        "<p class=\"hint\">رمز الخطأ: 429</p>" },
      { NULL } },
    { "error-403.en", {
        "<p><a href=\"/a/reset-password#fb-title\">Go back to the article and answer again</a></p>" },
      { NULL } },
    { "login.en", {
        "<p class=\"notice notice-error\" role=\"alert\">This token is not valid.</p>",
        "<input type=\"hidden\" name=\"next\" value=\"/gaps?lang=ar&amp;days=30\">",
        "<input type=\"password\" id=\"login-token\" name=\"token\" required" },
      { NULL } },
    { "opensearch.ar", {
        "<ShortName>مركز المساعدة</ShortName>",
        "<Url type=\"text/html\" method=\"get\" template=\"http://127.0.0.1:8080/search?q={searchTerms}&amp;lang=ar\"/>",
        "<Language>ar</Language>" },
      { NULL } },
    { "gaps.en", {
        "<option value=\"\">All languages</option>",
        "<option value=\"ar\" selected>العربية</option>",
        "<option value=\"30\" selected>30</option>",
        "<a href=\"/gaps.csv?lang=ar&amp;days=30\" type=\"text/csv\">CSV</a>",
        "<div><dt>Searches</dt><dd>1200</dd></div>",
        "<rect x=\"30\" y=\"20\" width=\"6\" height=\"140\"><title>2024-04-01 · Searches: 120</title></rect>",
        "<rect x=\"36\" y=\"150\" width=\"6\" height=\"10\"><title>2024-04-01 · Searches with no results: 8</title></rect>",
        "<tr><th scope=\"row\"><bdi>2024-04-01</bdi></th><td>120</td><td>8</td><td>3</td></tr>",
        "<li><bdi>الاسترداد</bdi></li><li><bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi></li>",
        "<td>0.052</td><td>2</td><td>9</td><td>5</td><td>3</td><td>1</td><td>0</td>",
        "<summary>Comments (1)</summary>",
        "<p dir=\"auto\">The &lt;b&gt;button&lt;/b&gt; moved</p><p class=\"hint\">It is out of date · <bdi>2024-04-10</bdi></p>" },
      { "Nothing for this period." } },
    { "gaps-empty.ar", {
        "<h1>ثغرات المحتوى</h1>",
        "<option value=\"\" selected>كل اللغات</option>" },
      { "<svg", "<table" } },
};

static void test_pages(void)
{
    daleel_tmpl_set *set = daleel_tmpl_new();
    CHECK_INT(daleel_tmpl_load_dir(set, harness_src("templates")), DALEEL_OK,
              "templates/ loads (%s)", daleel_tmpl_errmsg(set));
    CHECK_INT(daleel_tmpl_check(set), DALEEL_OK, "every partial exists (%s)",
              daleel_tmpl_errmsg(set));
    json_t *en = load_json("templates/i18n/en.json");
    json_t *ar = load_json("templates/i18n/ar.json");
    if (!en || !ar) {
        json_decref(en);
        json_decref(ar);
        daleel_tmpl_free(set);
        return;
    }
    same_keys(en, ar, "en", "ar", "");
    same_keys(ar, en, "ar", "en", "");
    check_strings_used(en, ar);
    CHECK_STR(json_string_value(json_object_get(ar, "yes")), "نعم", "Arabic strings are Arabic");

    mkdir("tmpl-out", 0755);  /* rendered pages, for a look in a browser */
    const char *done[64];
    size_t n_done = 0;
    for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
        const struct page_case *pc = &pages[i];
        char rel[128];
        snprintf(rel, sizeof rel, "tests/data/tmpl/%s.json", pc->file);
        json_t *ctx = load_json(rel);
        if (!ctx)
            continue;
        const char *dot = strrchr(pc->file, '.');
        const char *lang = dot + 1;
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)strcspn(pc->file, "-."), pc->file);
        json_object_set(ctx, "t", strcmp(lang, "ar") == 0 ? ar : en);
        daleel_buf out;
        daleel_buf_init(&out, 1 << 20);
        char msg[256];
        daleel_status st = daleel_tmpl_render_msg(set, name, ctx, &out, msg, sizeof msg);
        CHECK_INT(st, DALEEL_OK, "%s renders (%s)", pc->file, msg);
        const char *html = out.data ? out.data : "";
        int seen = 0;
        for (size_t k = 0; k < n_done; k++)
            seen |= strcmp(done[k], pc->file) == 0;
        if (!seen && n_done < 64) {
            done[n_done++] = pc->file;
            check_page(pc->file, html, lang, strcmp(name, "opensearch") != 0);
            char path[160];
            snprintf(path, sizeof path, "tmpl-out/%s.%s", pc->file,
                     strcmp(name, "opensearch") == 0 ? "xml" : "html");
            FILE *f = fopen(path, "wb");
            if (f) {
                fwrite(html, 1, out.len, f);
                fclose(f);
            }
        }
        for (size_t k = 0; k < 12 && pc->must[k]; k++)
            CHECK(strstr(html, pc->must[k]) != NULL, "%s has: %s", pc->file, pc->must[k]);
        for (size_t k = 0; k < 6 && pc->must_not[k]; k++)
            CHECK(strstr(html, pc->must_not[k]) == NULL, "%s lacks: %s", pc->file,
                  pc->must_not[k]);
        daleel_buf_free(&out);
        json_decref(ctx);
    }
    CHECK_INT(n_done, 19, "every sample context was rendered");
    json_decref(en);
    json_decref(ar);
    daleel_tmpl_free(set);
}

int main(void)
{
    test_variables();
    test_sections();
    test_standalone();
    test_partials();
    test_errors();
    test_load_dir();
    test_pages();
    return harness_done();
}
