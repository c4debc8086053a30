/* readings.c -- inner loops of the wrong-codec readers of the mojibake
 * stage (stages/mojibake/codecs_*.py).
 *
 * Twin: textrepair._fallback.readings (the specification).  The same doubles
 * are added in the same order, so results agree to the bit.  No globals;
 * every buffer is freed before a function returns. */
#include <stdlib.h>

#include "textrepair.h"

int tr_best_gain(const tr_char_model *m, const uint32_t *old, const uint32_t *read, size_t len, size_t *start,
                 size_t *end)
{
    tr_char_prev p;
    double best = 0.0, run_sum = 0.0;
    size_t best_start = 0, best_end = 0, run_start = 0, k;
    int32_t prev_old = 0, prev_read = 0; /* U+0000 before the first character */
    for (k = 0; k < len; k++) {
        double gain;
        tr_char_prev_of(m, prev_old, &p);
        gain = 0.0 - tr_char_logp_after(m, &p, old[k]);
        tr_char_prev_of(m, prev_read, &p);
        gain = gain + tr_char_logp_after(m, &p, read[k]);
        prev_old = (int32_t)old[k];
        prev_read = (int32_t)read[k];
        if (run_sum <= 0) {
            run_sum = 0.0;
            run_start = k;
        }
        run_sum = run_sum + gain;
        if (run_sum > best) {
            best = run_sum;
            best_start = run_start;
            best_end = k + 1;
        }
    }
    *start = best_start;
    *end = best_end;
    return best > 0;
}

/* ---- UTF-8 read as GBK: where the islands are ------------------------------ */

#define CODE_FIRST (1u << 9)
#define CODE_QMARK (1u << 10)
#define BYTE_NONE (-2)
#define BYTE_HOLE (-1)

static int code_byte(uint16_t c)
{
    return (int)(c & 0x1FF) - 2;
}

/* Whether b may follow the lead byte of a UTF-8 character as its second
 * byte (well-formed UTF-8: E0 A0-BF, ED 80-9F, F0 90-BF; else 80-BF). */
static int second_byte_ok(int lead, int b)
{
    if (lead == 0xE0)
        return b >= 0xA0;
    if (lead == 0xED)
        return b <= 0x9F;
    if (lead == 0xF0)
        return b >= 0x90;
    return 1;
}

/* The longest island from byte pos (the twin's _parse): where parsing
 * stopped, and in *island whether one starts there. */
static size_t parse_island(const uint16_t *codes, size_t n, size_t pos, int lost, int *island)
{
    size_t j = pos, good = pos, good_wide = 0, good_holes = 0, good_inserted = 0;
    size_t wide = 0, holes = 0, inserted = 0, length = 0;
    long cut = -1;
    int need = 0, broke = 0, lead = 0;
    while (j < n) {
        int b = code_byte(codes[j]);
        int first = (codes[j] & CODE_FIRST) != 0;
        if (need == 0) {
            if (first) {
                good = j;
                good_wide = wide;
                good_holes = holes;
                good_inserted = inserted;
            }
            if (b == BYTE_NONE || b == BYTE_HOLE) {
                broke = 1;
                break;
            }
            if (b < 0x80) {
                j++;
                continue;
            }
            if (b >= 0xC2 && b <= 0xDF)
                need = 1;
            else if (b >= 0xE0 && b <= 0xEF)
                need = 2;
            else if (b == 0xF0)
                need = 3; /* F1-F4 lead planes 4-16: no text there */
            else {
                broke = 1;
                break;
            }
            lead = b;
            length = 1;
            cut = -1;
            j++;
            continue;
        }
        if (b == BYTE_HOLE || (b >= 0x80 && b <= 0xBF && (length > 1 || second_byte_ok(lead, b)))) {
            if (first)
                cut = (long)length;
            length++;
            holes += b == BYTE_HOLE;
        } else if (b == 0x3F && (codes[j] & CODE_QMARK)) {
            cut = (long)length;
            length++;
            holes++;
        } else if (lost && need <= 2 && (first || cut > 0)) {
            holes += (size_t)need;
            inserted += (size_t)need;
            need = 0;
            wide++;
            continue;
        } else {
            broke = 1;
            break;
        }
        j++;
        need--;
        if (need == 0)
            wide++;
    }
    if (!broke) {
        if (need && lost && need <= 2) {
            holes += (size_t)need;
            inserted += (size_t)need;
            wide++;
            need = 0;
        }
        if (need == 0) {
            good = n;
            good_wide = wide;
            good_holes = holes;
            good_inserted = inserted;
        }
    }
    *island = !(good_wide < 2 && !(good_wide && good_holes > good_inserted));
    return good;
}

size_t tr_utf8_islands(const uint16_t *codes, size_t n, int lost, size_t *out, size_t cap)
{
    size_t pos = 0, found = 0, token = 0, j;
    size_t *owner;
    if (n == 0)
        return 0;
    /* owner of each byte: the index of its character (a running count of starts) */
    owner = malloc(n * sizeof *owner);
    if (!owner)
        return (size_t)-1;
    for (j = 0; j < n; j++) {
        if (j && (codes[j] & CODE_FIRST))
            token++;
        owner[j] = token;
    }
    while (pos < n) {
        int b = code_byte(codes[pos]);
        size_t end;
        int island;
        if (!(codes[pos] & CODE_FIRST) || b < 0 || (b >= 0x80 && b < 0xC2) || b > 0xF0) {
            pos++;
            continue;
        }
        end = parse_island(codes, n, pos, lost, &island);
        if (island) {
            if (found < cap) {
                out[2 * found] = owner[pos];
                out[2 * found + 1] = owner[end - 1] + 1;
            }
            found++;
        }
        pos = end > pos + 1 ? end : pos + 1;
    }
    free(owner);
    return found;
}

/* ---- which rare-character windows start a reading ---------------------------- */

/* Pinyin letters with a tone mark (and ü, ê), as a converter's annotations write them. */
static const uint32_t TONE_LETTERS[] = {
    0x101, 0xE1, 0x1CE, 0xE0, 0x113, 0xE9, 0x11B, 0xE8, 0xEA, 0x12B, 0xED, 0x1D0, 0xEC, 0x14D, 0xF3, 0x1D2, 0xF2,
    0x16B, 0xFA, 0x1D4, 0xF9, 0x1D6, 0x1D8, 0x1DA, 0x1DC, 0xFC, 0x144, 0x148, 0x1F9, 0x1E3F,
};

static int tone_letter(uint32_t c)
{
    size_t k;
    for (k = 0; k < sizeof TONE_LETTERS / sizeof TONE_LETTERS[0]; k++)
        if (TONE_LETTERS[k] == c)
            return 1;
    return 0;
}

static int rare_cp(uint32_t c)
{
    if (c < 0x80 || c >= 0x110000)
        return 0;
    return (tr_mj_class_data[(size_t)tr_mj_class_index[c >> 8] * 256 + (c & 255)] & TR_MJ_RARE) != 0;
}

/* Whether t[at] (a tone letter) lies inside an annotation "(" [a-z tone]{1,8} ")". */
static int in_annotation(const uint32_t *t, size_t n, size_t at)
{
    size_t low = at >= 8 ? at - 8 : 0, p = at, k, m = 0;
    while (p > low && t[p - 1] != '(')
        p--;
    if (p == low)
        return 0;
    p--; /* the "(" */
    for (k = p + 1; k < n && m < 8; k++, m++)
        if (!((t[k] >= 'a' && t[k] <= 'z') || tone_letter(t[k])))
            break;
    return m >= 1 && k < n && t[k] == ')' && at < k + 1;
}

size_t tr_codec_triggers(const uint32_t *t, size_t n, const size_t *windows, size_t count, const size_t *taken,
                         size_t ntaken, uint8_t *keep)
{
    size_t w, j = 0, kept = 0;
    for (w = 0; w < count; w++) {
        size_t end = windows[2 * w + 1] < n ? windows[2 * w + 1] : n;
        size_t i = windows[2 * w] < end ? windows[2 * w] : end;
        keep[w] = 0;
        for (; i < end; i++) {
            if (!rare_cp(t[i]))
                continue;
            /* the first taken span that ends after i (windows come in any order: search from the start when behind) */
            if (j && taken[2 * (j - 1) + 1] > i)
                j = 0;
            while (j < ntaken && taken[2 * j + 1] <= i)
                j++;
            if (j < ntaken && taken[2 * j] <= i)
                continue; /* inside a span taken */
            if (tone_letter(t[i]) && in_annotation(t, n, i))
                continue;
            keep[w] = 1;
            kept++;
            break;
        }
    }
    return kept;
}
