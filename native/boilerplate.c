/* boilerplate.c -- which lines a boilerplate rule could apply to.
 *
 * One pass over the UTF-8 text.  A line (split at '\n') is a candidate when
 * it contains one of the given phrases, or when it holds at least min_items
 * items separated by runs of ' ', '\t' or U+3000 (a spaced menu).  The
 * boilerplate stage (src/textrepair/stages/boilerplate.py) examines only the
 * candidates and their neighbours, so clean text costs this scan.
 * Twin: _fallback.boilerplate.boilerplate_lines.
 *
 * Phrases arrive as one buffer of '\0'-terminated UTF-8 strings.  A bitmap of
 * their first one, two or three bytes (hashed) rules out almost every
 * position at the cost of one lookup; hits are verified with memcmp.
 */
#include <stdlib.h>
#include <string.h>

#include "textrepair.h"

#define TR_BP_MAX_PHRASES 4096

typedef struct {
    const uint8_t *text;
    size_t len;
    uint32_t head;   /* first min(len, 3) bytes, big-endian */
} phrase;

static uint32_t head_of(const uint8_t *p, size_t len)
{
    uint32_t h = 0;
    for (size_t k = 0; k < len && k < 3; k++)
        h = (h << 8) | p[k];
    return h;
}

/* Phrases sorted by (length class, head), so the ones a position may start
 * are one contiguous range found by binary search. */
static int cmp_phrase(const void *a, const void *b)
{
    const phrase *x = a, *y = b;
    size_t cx = x->len < 3 ? x->len : 3, cy = y->len < 3 ? y->len : 3;
    if (cx != cy)
        return cx < cy ? -1 : 1;
    return x->head < y->head ? -1 : x->head > y->head;
}

/* Does a phrase of length class cls (1, 2, or 3 = three or more bytes) start at s[i]? */
static int class_at(const uint8_t *s, size_t n, size_t i, const phrase *ph, size_t count, size_t cls)
{
    if (n - i < cls)
        return 0;
    phrase key = {s + i, cls, head_of(s + i, cls)};
    size_t lo = 0, hi = count;
    while (lo < hi) {   /* first phrase not below key */
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_phrase(&ph[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < count && cmp_phrase(&ph[lo], &key) == 0; lo++) {
        if (ph[lo].len <= n - i && memcmp(ph[lo].text, s + i, ph[lo].len) == 0)
            return 1;
    }
    return 0;
}

/* Length of the string at p, stopping at '\0' or after max bytes (C99 has no strnlen). */
static size_t bounded_len(const uint8_t *p, size_t max)
{
    const uint8_t *end = memchr(p, 0, max);
    return end ? (size_t)(end - p) : max;
}

static uint32_t key3(const uint8_t *p)
{
    return (((uint32_t)p[0] * 31u + p[1]) * 31u + p[2]) & 0xFFFFu;
}

static int is_sep(const uint8_t *s, size_t n, size_t i, size_t *len)
{
    if (s[i] == ' ' || s[i] == '\t') {
        *len = 1;
        return 1;
    }
    if (s[i] == 0xE3 && i + 2 < n && s[i + 1] == 0x80 && s[i + 2] == 0x80) {
        *len = 3;   /* U+3000 */
        return 1;
    }
    return 0;
}

/* Does a phrase start at s[i]?  The bitmaps rule out most positions. */
static int phrase_at(const uint8_t *s, size_t n, size_t i, const phrase *ph, size_t count,
                     const uint64_t *one, const uint64_t *two, const uint64_t *three)
{
    uint8_t b = s[i];
    if (((one[b >> 6] >> (b & 63)) & 1) && class_at(s, n, i, ph, count, 1))
        return 1;
    if (i + 1 < n) {
        uint32_t k2 = ((uint32_t)b << 8) | s[i + 1];
        if (((two[k2 >> 6] >> (k2 & 63)) & 1) && class_at(s, n, i, ph, count, 2))
            return 1;
    }
    if (i + 2 < n) {
        uint32_t k3 = key3(s + i);
        if (((three[k3 >> 6] >> (k3 & 63)) & 1) && class_at(s, n, i, ph, count, 3))
            return 1;
    }
    return 0;
}

/* Bytes of the UTF-8 sequence a lead byte starts (1 for a stray byte). */
static size_t seq_len(uint8_t b)
{
    return b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
}

int tr_boilerplate_lines(const uint8_t *s, size_t n, const uint8_t *phrases, size_t phrases_len,
                         size_t min_items, size_t *out, size_t cap, size_t *found)
{
    uint64_t one[4] = {0}, two[1024] = {0}, three[1024] = {0};
    size_t count = 0;
    phrase *ph = NULL;
    /* Count, then index, the non-empty phrases. */
    for (size_t i = 0; i < phrases_len;) {
        size_t len = bounded_len(phrases + i, phrases_len - i);
        if (len)
            count++;
        i += len + 1;
    }
    if (count > TR_BP_MAX_PHRASES)
        return -2;
    if (count) {
        ph = malloc(count * sizeof *ph);
        if (!ph)
            return -1;
    }
    count = 0;
    for (size_t i = 0; i < phrases_len;) {
        size_t len = bounded_len(phrases + i, phrases_len - i);
        if (len) {
            const uint8_t *t = phrases + i;
            ph[count].text = t;
            ph[count].len = len;
            ph[count].head = head_of(t, len);
            count++;
            if (len == 1) {
                one[t[0] >> 6] |= 1ull << (t[0] & 63);
            } else if (len == 2) {
                uint32_t k2 = ((uint32_t)t[0] << 8) | t[1];
                two[k2 >> 6] |= 1ull << (k2 & 63);
            } else {
                uint32_t k3 = key3(t);
                three[k3 >> 6] |= 1ull << (k3 & 63);
            }
        }
        i += len + 1;
    }

    if (count)
        qsort(ph, count, sizeof *ph, cmp_phrase);

    size_t line = 0, items = 0, total = 0;
    int in_item = 0, hit = 0;
    for (size_t i = 0; i <= n;) {
        if (i == n || s[i] == '\n') {
            if (hit || (min_items && items >= min_items)) {
                if (total < cap)
                    out[total] = line;
                total++;
            }
            line++;
            items = 0;
            in_item = 0;
            hit = 0;
            i++;
            continue;
        }
        if (hit) {   /* decided: run to the end of the line */
            const uint8_t *nl = memchr(s + i, '\n', n - i);
            i = nl ? (size_t)(nl - s) : n;
            continue;
        }
        if (count && phrase_at(s, n, i, ph, count, one, two, three)) {
            hit = 1;
            continue;
        }
        size_t sep_len;
        if (is_sep(s, n, i, &sep_len)) {
            in_item = 0;
            i += sep_len;
            continue;
        }
        if (!in_item) {
            in_item = 1;
            items++;
        }
        /* Phrases start at character starts: step over the whole character. */
        size_t step = seq_len(s[i]);
        i += step <= n - i ? step : 1;
    }
    free(ph);
    *found = total;
    return 0;
}
