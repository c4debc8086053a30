/* targets_lm.c -- fuzz targets of lm.c (tr_char_logp, tr_char_score,
 * tr_lm_fold, tr_word_score, tr_word_scores, tr_word_segment, tr_word_fits,
 * tr_char_scores, tr_word_children, tr_char_bigrams).
 *
 * They read the synthetic model of synth_lm.h.  The input is read as code
 * points (any value, in range or not), every other one folded onto a
 * modelled character so bigrams and words are met, and each target checks
 * what the header promises: finite scores, a score that is the sum of its
 * terms in order to the bit, a segmentation that tiles the text, window
 * scores equal to scoring each whole text. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "synth_lm.h"
#include "textrepair.h"

/* The input as code points in a buffer of their own size (*count of them). */
static uint32_t *code_points(const uint8_t *data, size_t size, size_t *count)
{
    size_t words = size / 4, i;
    uint32_t *text = fuzz_alloc(words * sizeof *text);
    if (words)
        memcpy(text, data, words * sizeof *text);
    for (i = 0; i < words; i++)
        if (i % 2)
            text[i] = synth_cp(text[i] % N_CHARS);
    *count = words;
    return text;
}

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

FUZZ_TARGET(tr_char_logp)
{
    synth_model s;
    size_t i;
    synth_build(&s, size ? data[0] : 0);
    for (i = 0; i + 8 <= size; i += 8) {
        int32_t prev;
        uint32_t ch;
        double p;
        memcpy(&prev, data + i, 4);
        memcpy(&ch, data + i + 4, 4);
        p = tr_char_logp(&s.m, prev, ch);
        FUZZ_CHECK(!isnan(p) && p < INFINITY);
        /* A modelled pair too, so the bigram path runs. */
        p = tr_char_logp(&s.m, (int32_t)synth_cp(prev & 0x7F), synth_cp(ch % N_CHARS));
        FUZZ_CHECK(!isnan(p) && p < INFINITY);
    }
    synth_free(&s);
}

FUZZ_TARGET(tr_char_score)
{
    synth_model s;
    size_t words, i;
    uint32_t *text;
    int32_t before = -1, after = -1;
    double whole, terms = 0.0;
    synth_build(&s, size ? data[0] : 0);
    text = code_points(data, size, &words);
    if (words >= 2) {
        before = (int32_t)synth_cp(text[0] % N_CHARS);
        after = (int32_t)(text[words - 1] & 0x1FFFFF) - 1;
    }
    whole = tr_char_score(&s.m, text, words, before, after);
    FUZZ_CHECK(!isnan(whole) && whole < INFINITY);
    /* The sum of the terms tr_char_logp gives, in order, to the bit. */
    for (i = 0; i < words; i++)
        terms = terms + tr_char_logp(&s.m, i ? (int32_t)text[i - 1] : before, text[i]);
    if (after >= 0)
        terms = terms + tr_char_logp(&s.m, words ? (int32_t)text[words - 1] : before, (uint32_t)after);
    FUZZ_CHECK(same_bits(whole, terms) || (isinf(whole) && isinf(terms)));
    free(text);
    synth_free(&s);
}

FUZZ_TARGET(tr_lm_fold)
{
    synth_model s;
    size_t words, i;
    uint32_t *text, *out, *again;
    synth_build(&s, size ? data[0] : 0);
    text = code_points(data, size, &words);
    out = fuzz_alloc(words * sizeof *out);
    again = fuzz_alloc(words * sizeof *again);
    tr_lm_fold(&s.w, text, words, out);
    synth_index(&s);  /* the look-up folds as the search does */
    tr_lm_fold(&s.w, text, words, again);
    for (i = 0; i < words; i++) {
        FUZZ_CHECK(out[i] == again[i]);
        FUZZ_CHECK(out[i] < 0xFF01 || out[i] > 0xFF5E);  /* no fullwidth form survives */
        FUZZ_CHECK(out[i] == text[i] || (text[i] >= 0x4E00 && text[i] < 0x4E00 + 3 * N_FOLDS) ||
                   (text[i] >= 0xFF01 && text[i] <= 0xFF5E));
    }
    free(out);
    free(again);
    free(text);
    synth_free(&s);
}

/* Segments text[0..n) with buffers of 0, 1 and n tokens; checks the tokens
 * tile the text and add up to the score; returns the score. */
static double segment(const synth_model *s, const uint32_t *text, size_t n)
{
    size_t caps[3] = {0, 1, n}, k, i, count = 0;
    double score = 0.0, sum;
    for (k = 0; k < 3; k++) {
        tr_word_token *out = fuzz_alloc(caps[k] * sizeof *out);
        int rc = tr_word_segment(&s->w, text, n, out, caps[k], &count, &score);
        FUZZ_CHECK(rc == 0 || rc == 2);
        FUZZ_CHECK(count <= n && (n == 0 || count > 0));
        FUZZ_CHECK(rc == 2 ? count > caps[k] : count <= caps[k]);
        if (rc == 0) {
            size_t at = 0;
            sum = 0.0;
            for (i = 0; i < count; i++) {
                FUZZ_CHECK(out[i].start_char == at && out[i].end_char > at && out[i].end_char <= n);
                FUZZ_CHECK(out[i].end_char - out[i].start_char <= (out[i].in_table ? s->w.max_len : 1));
                at = out[i].end_char;
                sum = sum + out[i].logp;
            }
            FUZZ_CHECK(at == n && same_bits(sum, score));
        }
        free(out);
    }
    FUZZ_CHECK(!isnan(score) && isfinite(score));
    return score;
}

FUZZ_TARGET(tr_word_score)
{
    synth_model s;
    size_t words;
    uint32_t *text;
    double score = 1.0;
    synth_build(&s, size ? data[0] : 0);
    text = code_points(data, size, &words);
    FUZZ_CHECK(tr_word_score(&s.w, text, words, &score) == 0);
    FUZZ_CHECK(!isnan(score) && isfinite(score) && (words || score == 0.0));
    FUZZ_CHECK(same_bits(score, segment(&s, text, words)));
    free(text);
    synth_free(&s);
}

FUZZ_TARGET(tr_word_segment)
{
    synth_model s;
    size_t words;
    uint32_t *text;
    synth_build(&s, size ? data[0] : 0);
    text = code_points(data, size, &words);
    (void)segment(&s, text, words);
    free(text);
    synth_free(&s);
}

/* The input cut into left context, candidates and right context (a window
 * test of tr_word_scores and tr_char_scores): the text, its parts' lengths,
 * the candidates' ends (some empty). */
typedef struct {
    uint32_t *text, *whole;
    size_t words, nleft, nright, count, *ends;
    double *scores;
} windows;

static void windows_cut(windows *w, const uint8_t *data, size_t size)
{
    size_t k, at;
    w->text = code_points(data, size, &w->words);
    w->nleft = size > 1 ? data[1] % (w->words + 1) : 0;
    w->nright = size > 2 ? data[2] % (w->words - w->nleft + 1) : 0;
    w->count = size > 3 ? data[3] % 5 : 0;
    w->ends = fuzz_alloc(w->count * sizeof *w->ends);
    w->scores = fuzz_alloc(w->count * sizeof *w->scores);
    w->whole = fuzz_alloc((w->words + 1) * sizeof *w->whole);
    for (k = 0, at = 0; k < w->count; k++) {
        size_t room = w->words - w->nleft - w->nright - at;
        at += size > 4 + k ? data[4 + k] % (room + 1) : room;
        w->ends[k] = at;
    }
}

/* Candidate k written whole (left + candidate + right) into w->whole; its length. */
static size_t windows_whole(windows *w, size_t k)
{
    size_t at = k ? w->ends[k - 1] : 0, clen = w->ends[k] - at, n = 0;
    memcpy(w->whole, w->text, w->nleft * sizeof *w->whole);
    n += w->nleft;
    memcpy(w->whole + n, w->text + w->nleft + at, clen * sizeof *w->whole);
    n += clen;
    memcpy(w->whole + n, w->text + w->words - w->nright, w->nright * sizeof *w->whole);
    return n + w->nright;
}

static void windows_free(windows *w)
{
    free(w->whole);
    free(w->scores);
    free(w->ends);
    free(w->text);
}

/* Each window's score is the whole text's tr_word_score, to the bit. */
FUZZ_TARGET(tr_word_scores)
{
    synth_model s;
    windows w;
    size_t k;
    synth_build(&s, size ? data[0] : 0);
    windows_cut(&w, data, size);
    FUZZ_CHECK(tr_word_scores(&s.w, w.text, w.nleft, w.text + w.nleft, w.ends, w.count, w.text + w.words - w.nright,
                              w.nright, w.scores) == 0);
    for (k = 0; k < w.count; k++) {
        double expect = 0.0;
        size_t n = windows_whole(&w, k);
        FUZZ_CHECK(tr_word_score(&s.w, w.whole, n, &expect) == 0);
        FUZZ_CHECK(same_bits(w.scores[k], expect));
    }
    if (w.count) {  /* the same with the look-ups */
        double first = w.scores[0];
        synth_index(&s);
        FUZZ_CHECK(tr_word_scores(&s.w, w.text, w.nleft, w.text + w.nleft, w.ends, w.count,
                                  w.text + w.words - w.nright, w.nright, w.scores) == 0);
        FUZZ_CHECK(same_bits(w.scores[0], first));
        synth_unindex(&s);
    }
    if (w.count > 1) {  /* decreasing ends are refused */
        size_t bad[2] = {2, 1};
        FUZZ_CHECK(tr_word_scores(&s.w, w.text, 0, w.text, bad, 2, w.text, 0, w.scores) == -2);
    }
    windows_free(&w);
    synth_free(&s);
}

/* tr_char_scores: as tr_word_scores, each score equal to the bit to
 * tr_char_score of the whole text left + candidate + right. */
FUZZ_TARGET(tr_char_scores)
{
    synth_model s;
    windows w;
    size_t k;
    synth_build(&s, size ? data[0] : 0);
    windows_cut(&w, data, size);
    FUZZ_CHECK(tr_char_scores(&s.m, w.text, w.nleft, w.text + w.nleft, w.ends, w.count, w.text + w.words - w.nright,
                              w.nright, w.scores) == 0);
    for (k = 0; k < w.count; k++) {
        size_t n = windows_whole(&w, k);
        FUZZ_CHECK(same_bits(w.scores[k], tr_char_score(&s.m, w.whole, n, -1, -1)));
    }
    if (w.count > 1) {  /* decreasing ends are refused */
        size_t bad[2] = {2, 1};
        FUZZ_CHECK(tr_char_scores(&s.m, w.text, 0, w.text, bad, 2, w.text, 0, w.scores) == -2);
    }
    windows_free(&w);
    synth_free(&s);
}

/* Slots between known text: each distinct filling shows, in a block of
 * consecutive slots, characters their options allow; asking again with the
 * room the first call asked for gives them all. */
FUZZ_TARGET(tr_word_fits)
{
    size_t at = 0, nbefore, nafter, slots, reach, total = 0, k, i, j, found = 99, again = 0;
    uint32_t before[4], after[4], *options;
    size_t *ends;
    int32_t *out;
    int rc;
    synth_model s;
#define NEXT() (at < size ? data[at++] : 0)
    synth_build(&s, NEXT());
    nbefore = NEXT() % 5;
    nafter = NEXT() % 5;
    slots = NEXT() % 5;
    reach = NEXT() % 9;
    for (i = 0; i < nbefore; i++)
        before[i] = 0x4E00u + NEXT() % N_HAN;
    for (i = 0; i < nafter; i++)
        after[i] = 0x4E00u + NEXT() % N_HAN;
    ends = fuzz_alloc(slots * sizeof *ends);
    for (k = 0; k < slots; k++) {
        total += NEXT() % 6;
        ends[k] = total;
    }
    options = fuzz_alloc(2 * total * sizeof *options);
    for (i = 0; i < total; i++) {
        uint8_t c = NEXT();
        options[2 * i] = c < 230 ? 0x4E00u + c % N_HAN : synth_cp(c % N_CHARS);
        options[2 * i + 1] = 0x9000u + NEXT();
    }
#undef NEXT
    out = fuzz_alloc(0);
    rc = tr_word_fits(&s.w, before, nbefore, options, ends, slots, after, nafter, reach, out, 0, &found);
    free(out);
    FUZZ_CHECK(rc == 0 || rc == 2);
    FUZZ_CHECK(rc == 2 ? found > 0 : found == 0);
    out = fuzz_alloc(found * slots * sizeof *out);
    FUZZ_CHECK(tr_word_fits(&s.w, before, nbefore, options, ends, slots, after, nafter, reach, out, found,
                            &again) == 0);
    FUZZ_CHECK(again == found);
    for (j = 0; j < found; j++) {
        const int32_t *f = &out[j * slots];
        size_t first = slots, last = 0, from;
        for (k = 0, from = 0; k < slots; from = ends[k], k++) {
            int ok = f[k] == -1;
            for (i = from; i < ends[k] && !ok; i++)
                ok = (uint32_t)f[k] == options[2 * i + 1];
            FUZZ_CHECK(ok);
            if (f[k] != -1) {
                if (first == slots)
                    first = k;
                last = k;
            }
        }
        FUZZ_CHECK(first < slots);  /* the word reaches a slot */
        for (k = first; k <= last; k++)
            FUZZ_CHECK(f[k] != -1);  /* a word is one block */
        for (i = 0; i < j; i++)
            FUZZ_CHECK(memcmp(&out[i * slots], f, slots * sizeof *f) != 0);
    }
    {  /* the look-ups find the same fillings, in the same order */
        int32_t *indexed = fuzz_alloc(found * slots * sizeof *indexed);
        synth_index(&s);
        FUZZ_CHECK(tr_word_fits(&s.w, before, nbefore, options, ends, slots, after, nafter, reach, indexed, found,
                                &again) == 0);
        FUZZ_CHECK(again == found);
        FUZZ_CHECK(found * slots == 0 || memcmp(indexed, out, found * slots * sizeof *out) == 0);
        free(indexed);
    }
    if (slots > 1 && ends[0] > 0) {  /* decreasing ends are refused */
        size_t bad[2] = {ends[0], ends[0] - 1};
        FUZZ_CHECK(tr_word_fits(&s.w, before, nbefore, options, bad, 2, after, nafter, reach, out, 0, &found) == -2);
    }
    free(out);
    free(options);
    free(ends);
    synth_free(&s);
}

/* The trie's index: each node's children by code point, each one the node
 * the table's probe finds; words score the same with it; too small a cap
 * is reported. */
FUZZ_TARGET(tr_word_children)
{
    synth_model s;
    size_t words, n, k, i, cap;
    uint32_t *text, *at, *child;
    double plain = 0.0, indexed = 1.0;
    synth_build(&s, size ? data[0] : 0);
    text = code_points(data, size, &words);
    cap = size > 1 ? data[1] * 4u : 0;
    at = fuzz_alloc((s.w.slots + 1) * sizeof *at);
    child = fuzz_alloc(2 * (cap < s.w.slots ? cap : s.w.slots) * sizeof *child);
    n = tr_word_children(&s.w, at, child, cap < s.w.slots ? cap : s.w.slots);
    FUZZ_CHECK(n <= s.w.slots);
    if (n <= cap) {
        FUZZ_CHECK(at[0] == 0 && at[s.w.slots] == n);
        for (k = 0; k < s.w.slots; k++) {
            FUZZ_CHECK(at[k] <= at[k + 1]);
            for (i = at[k]; i < at[k + 1]; i++) {
                uint32_t c = child[2 * i + 1];
                FUZZ_CHECK(c < s.w.slots && s.slot[3 * c] == k && (s.slot[3 * c + 1] & TR_WORD_CP_MASK) == child[2 * i]);
                FUZZ_CHECK(i == at[k] || child[2 * i - 2] < child[2 * i]);
            }
        }
    }
    free(at);
    free(child);
    FUZZ_CHECK(tr_word_score(&s.w, text, words, &plain) == 0);
    synth_index(&s);
    FUZZ_CHECK(tr_word_score(&s.w, text, words, &indexed) == 0);
    FUZZ_CHECK(same_bits(plain, indexed));
    free(text);
    synth_free(&s);
}

/* The bigram table's indexes: each listed bigram is the slot the probe
 * finds for its key, each list by index, both indexes list the same
 * bigrams; too small a cap is reported. */
FUZZ_TARGET(tr_char_bigrams)
{
    synth_model s;
    size_t n, k, i, cap, side;
    uint32_t *at[2], *list[2];
    synth_build(&s, size ? data[0] : 0);
    cap = size > 1 ? data[1] * 16u : 0;
    if (cap > s.m.slots)
        cap = s.m.slots;
    for (side = 0; side < 2; side++) {
        at[side] = fuzz_alloc((s.m.chars + 1) * sizeof *at[side]);
        list[side] = fuzz_alloc(2 * cap * sizeof *list[side]);
    }
    n = tr_char_bigrams(&s.m, at[0], list[0], at[1], list[1], cap);
    FUZZ_CHECK(n <= s.m.slots);
    if (n <= cap) {
        for (side = 0; side < 2; side++) {
            FUZZ_CHECK(at[side][0] == 0 && at[side][s.m.chars] == n);
            for (k = 0; k < s.m.chars; k++) {
                FUZZ_CHECK(at[side][k] <= at[side][k + 1]);
                for (i = at[side][k]; i < at[side][k + 1]; i++) {
                    uint32_t slot = list[side][2 * i + 1], other = list[side][2 * i], key;
                    FUZZ_CHECK(slot < s.m.slots && other < s.m.chars);
                    key = side ? other << 16 | (uint32_t)k : (uint32_t)k << 16 | other;
                    FUZZ_CHECK(s.bi_key[slot] == key);
                    FUZZ_CHECK(i == at[side][k] || list[side][2 * i - 2] < other);
                }
            }
        }
    }
    for (side = 0; side < 2; side++) {
        free(at[side]);
        free(list[side]);
    }
    synth_free(&s);
}
