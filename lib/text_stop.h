/* text_stop.h: the analyzer's word lists (text_stop.c), as distributed;
 * text.c normalizes and sorts them when an analyzer is created.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef DALEEL_TEXT_STOP_H
#define DALEEL_TEXT_STOP_H

#include <stddef.h>

extern const char *const dli_stop_ar[];
extern const size_t dli_n_stop_ar;
extern const char *const dli_question_ar[];
extern const size_t dli_n_question_ar;
extern const char *const dli_stop_en[];
extern const size_t dli_n_stop_en;
extern const char *const dli_question_en[];
extern const size_t dli_n_question_en;

#endif
