/* test_tmpl.c: the template engine, construct by construct, with exact
 * outputs and exact error messages; then every page of templates/ rendered
 * with the sample contexts of tests/data/tmpl/ (the examples of
 * templates/README.md) in English and Arabic.
 * SPDX-License-Identifier: GPL-2.0-or-later */
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

int main(void)
{
    test_variables();
    test_sections();
    test_standalone();
    test_partials();
    test_errors();
    test_load_dir();
    return harness_done();
}
