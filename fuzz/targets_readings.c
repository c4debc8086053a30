/* targets_readings.c -- fuzz targets of readings.c (tr_best_gain,
 * tr_utf8_islands).
 *
 * tr_best_gain reads the synthetic model of synth_lm.h.  The input is two runs of
 * code points of one length (any value, every other one folded onto a
 * modelled character so bigrams are met); the target checks what the
 * header promises: a stretch inside the run, and a sum over it, recomputed
 * from tr_char_logp in the same order, that is above 0 when 1 is returned,
 * and no single position that gains more than it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "synth_lm.h"
#include "textrepair.h"

static double gain_at(const tr_char_model *m, const uint32_t *old, const uint32_t *read, size_t k)
{
    double gain = 0.0 - tr_char_logp(m, k ? (int32_t)old[k - 1] : 0, old[k]);
    return gain + tr_char_logp(m, k ? (int32_t)read[k - 1] : 0, read[k]);
}

FUZZ_TARGET(tr_best_gain)
{
    synth_model s;
    size_t words = size / 8, i, k, start = 0, end = 0;
    uint32_t *old = fuzz_alloc(words * sizeof *old), *read = fuzz_alloc(words * sizeof *read);
    double sum = 0.0;
    int found;
    synth_build(&s, size ? data[0] : 0);
    for (i = 0; i < words; i++) {
        memcpy(&old[i], data + 8 * i, 4);
        memcpy(&read[i], data + 8 * i + 4, 4);
        if (i % 2) {
            old[i] = synth_cp(old[i] % N_CHARS);
            read[i] = synth_cp(read[i] % N_CHARS);
        }
    }
    found = tr_best_gain(&s.m, old, read, words, &start, &end);
    FUZZ_CHECK(found == 0 || found == 1);
    if (found) {
        FUZZ_CHECK(start < end && end <= words);
        for (k = start; k < end; k++)
            sum = sum + gain_at(&s.m, old, read, k);
        FUZZ_CHECK(!isnan(sum) && sum > 0);
    }
    /* No single position gains more than the best stretch. */
    for (k = 0; k < words && words <= 64; k++) {
        double g = gain_at(&s.m, old, read, k);
        FUZZ_CHECK(isnan(g) || g <= 0 || (found && g <= sum + 1e-9 * fabs(sum)));
    }
    free(old);
    free(read);
    synth_free(&s);
}

/* tr_utf8_islands: the input as 16-bit codes (any value, so malformed ones
 * too: a first byte not marked, values past 257); the islands come in
 * order, disjoint, inside the window, each of one character or more, and
 * a capacity too small gives the same count and the same first islands. */
FUZZ_TARGET(tr_utf8_islands)
{
    size_t n = size / 2, cap = n + 1, found, again, k, small[4];
    uint16_t *codes = fuzz_alloc(n * sizeof *codes);
    size_t *out = fuzz_alloc(2 * cap * sizeof *out);
    size_t chars = 0, i;
    int lost = size ? data[0] & 1 : 0;
    if (n)
        memcpy(codes, data, n * sizeof *codes);
    for (i = 0; i < n; i++)
        chars += i == 0 || (codes[i] & (1u << 9));
    found = tr_utf8_islands(codes, n, lost, out, cap);
    FUZZ_CHECK(found <= cap);
    for (k = 0; k < found; k++) {
        FUZZ_CHECK(out[2 * k] < out[2 * k + 1] && out[2 * k + 1] <= chars);
        FUZZ_CHECK(k == 0 || out[2 * k - 1] <= out[2 * k]);
    }
    again = tr_utf8_islands(codes, n, lost, small, 2);
    FUZZ_CHECK(again == found);
    for (k = 0; k < found && k < 2; k++)
        FUZZ_CHECK(small[2 * k] == out[2 * k] && small[2 * k + 1] == out[2 * k + 1]);
    free(codes);
    free(out);
}

/* tr_codec_triggers: the input as code points (any value, every other one a
 * character an annotation is made of, so annotations are met), then windows
 * and taken spans from its first bytes (any bounds, so out of range too);
 * the count returned is the number of windows kept, each keep flag is 0 or
 * 1, a window kept holds a rare character, and a window with nothing in
 * range is never kept. */
FUZZ_TARGET(tr_codec_triggers)
{
    static const uint32_t ANNOTATION_CHARS[] = {'(', ')', 's', 'h', 0xF9, 0x101, 0x1CE, ' ', 0x9283, 0xE1A2};
    size_t head = size < 16 ? size : 16, n = (size - head) / 4, count = head / 4, i, kept, sum = 0;
    size_t ntaken = head == 16 ? data[15] % 4 : 0; /* its bounds from data[8..13] */
    uint32_t *t = fuzz_alloc((n ? n : 1) * sizeof *t);
    size_t *windows = fuzz_alloc((2 * count + 1) * sizeof *windows);
    size_t *taken = fuzz_alloc((2 * ntaken + 1) * sizeof *taken);
    uint8_t *keep = fuzz_alloc(count + 1);
    for (i = 0; i < n; i++) {
        memcpy(&t[i], data + head + 4 * i, 4);
        if (i % 2)
            t[i] = ANNOTATION_CHARS[t[i] % (sizeof ANNOTATION_CHARS / sizeof ANNOTATION_CHARS[0])];
    }
    for (i = 0; i < count; i++) {
        size_t a = data[4 * i] % (n + 3), b = data[4 * i + 1] % (n + 3);
        windows[2 * i] = a < b ? a : b;
        windows[2 * i + 1] = a < b ? b : a;
    }
    for (i = 0; i < ntaken; i++) { /* sorted, non-overlapping: increasing cut points */
        taken[2 * i] = (size_t)data[8 + 2 * i] + (i ? taken[2 * i - 1] : 0);
        taken[2 * i + 1] = taken[2 * i] + data[9 + 2 * i];
    }
    kept = tr_codec_triggers(t, n, windows, count, taken, ntaken, keep);
    for (i = 0; i < count; i++) {
        size_t k, end = windows[2 * i + 1] < n ? windows[2 * i + 1] : n;
        int rare = 0;
        FUZZ_CHECK(keep[i] == 0 || keep[i] == 1);
        sum += keep[i];
        for (k = windows[2 * i]; k < end; k++)
            rare |= t[k] >= 0x80;
        FUZZ_CHECK(!keep[i] || rare);
    }
    FUZZ_CHECK(kept == sum);
    free(t);
    free(windows);
    free(taken);
    free(keep);
}
