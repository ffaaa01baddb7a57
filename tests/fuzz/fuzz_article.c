/* fuzz_article.c: front matter + Markdown -> article, on arbitrary bytes.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stddef.h>
#include <stdint.h>

#include "daleel/article.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = { "en/account/x.md", "ar/x.md", "x.md" };
    daleel_article *a = NULL;
    daleel_article_error err;
    const char *path = paths[size % 3];
    if (daleel_article_parse((const char *)data, size, path, 0, &a, &err) == DALEEL_OK)
        daleel_article_free(a);
    return 0;
}
