/* fuzz_analyzer.c: the analyzer, both modes, on arbitrary bytes; checks
 * that every token's byte range lies inside the input and every term is
 * within the length cap.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daleel/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static daleel_analyzer *an;
    if (!an && !(an = daleel_analyzer_new()))
        abort();
    for (int mode = 0; mode < 2; mode++) {
        const daleel_analysis *res;
        if (daleel_analyze(an, (const char *)data, size,
                           mode ? DALEEL_ANALYZE_QUERY : DALEEL_ANALYZE_INDEX,
                           1, &res) != DALEEL_OK)
            continue;
        for (size_t i = 0; i < res->n_tokens; i++) {
            const daleel_token *t = &res->tokens[i];
            if (t->start > t->end || t->end > size ||
                t->first_term + t->n_terms > res->n_terms)
                abort();
        }
        for (size_t i = 0; i < res->n_terms; i++)
            if (res->terms[i].len > DALEEL_MAX_TERM ||
                strlen(res->terms[i].text) != res->terms[i].len)
                abort();
    }
    char *nf = NULL;
    if (daleel_normal_form(an, (const char *)data, size, &nf) == DALEEL_OK)
        free(nf);
    (void)daleel_guess_lang((const char *)data, size);
    return 0;
}
