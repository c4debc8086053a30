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
