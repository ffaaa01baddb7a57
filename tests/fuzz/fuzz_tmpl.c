/* fuzz_tmpl.c: compile arbitrary template text and render it with a fixed
 * context; the output must never contain the context's raw markup unless
 * the template asked for it with triple braces.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "daleel/tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static json_t *ctx;
    if (!ctx)
        ctx = json_pack("{s:s, s:[s,s], s:{s:i, s:b}, s:s}", "title", "<b>x</b>",
                        "list", "a", "<i>", "obj", "n", 3, "flag", 1,
                        "partial", "{{title}}");
    daleel_tmpl_set *set = daleel_tmpl_new();
    if (!set)
        abort();
    daleel_tmpl_add(set, "part", "[{{title}}]", 11);
    if (daleel_tmpl_add(set, "t", (const char *)data, size) == DALEEL_OK) {
        daleel_buf out;
        daleel_buf_init(&out, 1 << 20);
        daleel_tmpl_render(set, "t", ctx, &out);
        daleel_buf_free(&out);
    }
    daleel_tmpl_free(set);
    return 0;
}
