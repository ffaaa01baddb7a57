/* test_buf.c: the capped buffer and its escaping.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "daleel/buf.h"
#include "harness.h"

static void test_append_and_cap(void)
{
    daleel_buf b;
    daleel_buf_init(&b, 8);
    CHECK_INT(daleel_buf_puts(&b, "abcd"), DALEEL_OK, "append within the cap");
    CHECK_INT(daleel_buf_printf(&b, "%d", 123), DALEEL_OK, "printf within the cap");
    CHECK_STR(b.data, "abcd123", "content after two appends");
    CHECK_INT(daleel_buf_puts(&b, "xy"), DALEEL_ETOOBIG, "append past the cap fails");
    CHECK_STR(b.data, "abcd123", "a failed append leaves the content");
    CHECK_INT(daleel_buf_puts(&b, ""), DALEEL_ETOOBIG, "the error is sticky");
    size_t len;
    CHECK(daleel_buf_steal(&b, &len) == NULL, "steal after an error gives NULL");
    CHECK_INT(len, 0, "and length 0");
    daleel_buf_free(&b);
}

static void test_html_url(void)
{
    daleel_buf b;
    daleel_buf_init(&b, 1 << 20);
    const char in[] = "<a href=\"x\">'&'</a>";
    daleel_buf_append_html(&b, in, sizeof in - 1);
    CHECK_STR(b.data, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
              "HTML escaping of all five characters");
    daleel_buf_reset(&b);
    daleel_buf_append_html(&b, "a\0b", 3);
    CHECK_STR(b.data, "ab", "NUL bytes are dropped when escaping");
    daleel_buf_reset(&b);
    daleel_buf_append_url(&b, "a b/ك", strlen("a b/ك"));
    CHECK_STR(b.data, "a%20b%2F%D9%83", "URL encoding of space, slash and Arabic");
    size_t len;
    char *s = daleel_buf_steal(&b, &len);
    CHECK_STR(s, "a%20b%2F%D9%83", "steal returns the bytes");
    CHECK_INT(len, 14, "steal returns the length");
    free(s);
}

int main(void)
{
    test_append_and_cap();
    test_html_url();
    return harness_done();
}
