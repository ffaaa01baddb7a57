/* text_stop.c: the stopword and question-word lists of the analyzer, kept
 * verbatim (as distributed) so their licence notices stay with them.  The
 * analyzer normalizes the Arabic list with its own exact-term fold when it
 * starts (text.c), because the list is "not normalized, so use before
 * normalization" and holds both أ and ا spellings: 119 entries become 88
 * distinct exact terms.
 * SPDX-License-Identifier: GPL-2.0-or-later (this file's code; the lists
 * below keep their own BSD licence notices) */
#include <stddef.h>

#include "text_stop.h"

/* Arabic: the Lucene analysis-common stopwords.txt (Lucene 4.7.2), whose
 * header reads:
 *   # This file was created by Jacques Savoy and is distributed under the
 *   # BSD license.
 *   # See http://members.unine.ch/jacques.savoy/clef/index.html.
 *   # Also see http://www.opensource.org/licenses/bsd-license.html
 *   # Cleaned on October 11, 2009 (not normalized, so use before
 *   # normalization)
 *   # This means that when modifying this list, you might need to add some
 *   # redundant entries, for example containing forms with both أ and ا
 * The analyzer adds single letters and a bare ال (text.c). */
const char *const dli_stop_ar[] = {
    "من", "ومن", "منها", "منه", "في", "وفي", "فيها", "فيه", "و", "ف", "ثم",
    "او", "أو", "ب", "بها", "به", "ا", "أ", "اى", "اي", "أي", "أى", "لا",
    "ولا", "الا", "ألا", "إلا", "لكن", "ما", "وما", "كما", "فما", "عن",
    "مع", "اذا", "إذا", "ان", "أن", "إن", "انها", "أنها", "إنها", "انه",
    "أنه", "إنه", "بان", "بأن", "فان", "فأن", "وان", "وأن", "وإن", "التى",
    "التي", "الذى", "الذي", "الذين", "الى", "الي", "إلى", "إلي", "على",
    "عليها", "عليه", "اما", "أما", "إما", "ايضا", "أيضا", "كل", "وكل", "لم",
    "ولم", "لن", "ولن", "هى", "هي", "هو", "وهى", "وهي", "وهو", "فهى", "فهي",
    "فهو", "انت", "أنت", "لك", "لها", "له", "هذه", "هذا", "تلك", "ذلك",
    "هناك", "كانت", "كان", "يكون", "تكون", "وكانت", "وكان", "غير", "بعض",
    "قد", "نحو", "بين", "بينما", "منذ", "ضمن", "حيث", "الان", "الآن",
    "خلال", "بعد", "قبل", "حتى", "عند", "عندما", "لدى", "جميع",};
const size_t dli_n_stop_ar = sizeof dli_stop_ar / sizeof dli_stop_ar[0];

/* Arabic question words, dropped from queries only (ANALYSIS.md 4): a
 * how-to query loses nothing without them. */
const char *const dli_question_ar[] = {
    "كيف", "ماذا", "لماذا", "هل", "متى", "أين", "كم",
};
const size_t dli_n_question_ar =
    sizeof dli_question_ar / sizeof dli_question_ar[0];

/* English: the Snowball English stop list (stop.txt), all 174 words that
 * are not commented out there.  Its notice:
 *   From svn.tartarus.org/snowball/trunk/website/algorithms/english/stop.txt
 *   This file is distributed under the BSD License.
 *   See http://snowball.tartarus.org/license.php
 *   Also see http://www.opensource.org/licenses/bsd-license.html
 * Snowball licence (https://snowballstem.org/license.html; as in Debian's
 * libstemmer copyright file):
 *   Copyright 2001 Dr Martin Porter, 2004-2005 Richard Boulton,
 *   2006-2021 Olly Betts, 2013 Yoshiki Shibukawa, 2020 Stephane Carrez.
 *   Redistribution and use in source and binary forms, with or without
 *   modification, are permitted provided that the following conditions are
 *   met: 1. Redistributions of source code must retain the above copyright
 *   notice, this list of conditions and the following disclaimer.
 *   2. Redistributions in binary form must reproduce the above copyright
 *   notice, this list of conditions and the following disclaimer in the
 *   documentation and/or other materials provided with the distribution.
 *   3. Neither the name of the Snowball project nor the names of its
 *   contributors may be used to endorse or promote products derived from
 *   this software without specific prior written permission.
 *   THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS
 *   "AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT
 *   LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A
 *   PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT OWNER
 *   OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL,
 *   EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO,
 *   PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR
 *   PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF
 *   LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING
 *   NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS
 *   SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE. */
const char *const dli_stop_en[] = {
    "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you",
    "your", "yours", "yourself", "yourselves", "he", "him", "his",
    "himself", "she", "her", "hers", "herself", "it", "its", "itself",
    "they", "them", "their", "theirs", "themselves", "what", "which", "who",
    "whom", "this", "that", "these", "those", "am", "is", "are", "was",
    "were", "be", "been", "being", "have", "has", "had", "having", "do",
    "does", "did", "doing", "would", "should", "could", "ought", "i'm",
    "you're", "he's", "she's", "it's", "we're", "they're", "i've", "you've",
    "we've", "they've", "i'd", "you'd", "he'd", "she'd", "we'd", "they'd",
    "i'll", "you'll", "he'll", "she'll", "we'll", "they'll", "isn't",
    "aren't", "wasn't", "weren't", "hasn't", "haven't", "hadn't", "doesn't",
    "don't", "didn't", "won't", "wouldn't", "shan't", "shouldn't", "can't",
    "cannot", "couldn't", "mustn't", "let's", "that's", "who's", "what's",
    "here's", "there's", "when's", "where's", "why's", "how's", "a", "an",
    "the", "and", "but", "if", "or", "because", "as", "until", "while",
    "of", "at", "by", "for", "with", "about", "against", "between", "into",
    "through", "during", "before", "after", "above", "below", "to", "from",
    "up", "down", "in", "out", "on", "off", "over", "under", "again",
    "further", "then", "once", "here", "there", "when", "where", "why",
    "how", "all", "any", "both", "each", "few", "more", "most", "other",
    "some", "such", "no", "nor", "not", "only", "own", "same", "so", "than",
    "too", "very",};
const size_t dli_n_stop_en = sizeof dli_stop_en / sizeof dli_stop_en[0];

/* English question and filler words of how-to queries, dropped from
 * queries only ("how do i refund my order" keeps "refund order").  "can"
 * and "for" are not in the Snowball list. */
const char *const dli_question_en[] = {
    "how", "what", "why", "when", "where", "which", "who", "can", "do",
    "does", "i", "my", "for",
};
const size_t dli_n_question_en =
    sizeof dli_question_en / sizeof dli_question_en[0];
