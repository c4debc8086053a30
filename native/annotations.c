/* annotations.c -- find and remove content-farm pinyin annotations.
 * Twin: textrepair._fallback.annotations.AnnotationScan. */
#include <stdlib.h>
#include <string.h>
#include "textrepair.h"

#define MAX_LETTERS 8   /* code points inside the parentheses */
#define MAX_SPELLED 15  /* bytes of the numbered spelling */

static ptrdiff_t find_cp(const uint32_t *table, size_t count, uint32_t cp)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (table[mid] < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (lo < count && table[lo] == cp) ? (ptrdiff_t)lo : -1;
}

/* Index of cp in the reading table, or -1: the block index narrows the
 * search to at most 256 entries, and a full block is indexed directly. */
static ptrdiff_t find_reading(uint32_t cp)
{
    uint32_t block = cp >> 8;
    if (block < tr_reading_block_base || block - tr_reading_block_base >= tr_reading_block_count)
        return -1;
    size_t first = tr_reading_block[block - tr_reading_block_base];
    size_t end = tr_reading_block[block - tr_reading_block_base + 1];
    if (end - first == 256)
        return (ptrdiff_t)(first + (cp & 0xFF));
    ptrdiff_t k = find_cp(tr_reading_cp + first, end - first, cp);
    return k < 0 ? -1 : (ptrdiff_t)first + k;
}

/* Spell the parenthesised text s[i..] in numbered form ("shu4").  Returns the
 * byte index of ')' or 0 when the text is not a pinyin syllable. */
static size_t spell(const uint8_t *s, size_t n, size_t i, char *out, int *tone_out,
                    size_t *letters_out)
{
    size_t len_out = 0, letters = 0;
    int tone = 0;
    while (i < n && s[i] != ')') {
        size_t len = 1;
        uint32_t cp = s[i] < 0x80 ? s[i] : tr_utf8_decode_inline(s, n, i, &len);
        if (++letters > MAX_LETTERS)
            return 0;
        if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) {
            if (len_out >= MAX_SPELLED) return 0;
            out[len_out++] = (char)(cp | 0x20);
        } else {
            ptrdiff_t k = cp < tr_letter_low_count ? (ptrdiff_t)tr_letter_low[cp] - 1
                                                   : find_cp(tr_letter_cp, tr_letter_count, cp);
            if (k < 0) return 0;
            if (tr_letter_base[k]) {
                if (len_out >= MAX_SPELLED) return 0;
                out[len_out++] = tr_letter_base[k];
            }
            if (tr_letter_tone[k]) {
                if (tone) return 0;
                tone = tr_letter_tone[k];
            }
        }
        i += len;
    }
    if (i >= n || len_out == 0)
        return 0;
    if (tone) {
        if (len_out >= MAX_SPELLED) return 0;
        out[len_out++] = (char)('0' + tone);
    }
    out[len_out] = '\0';
    *tone_out = tone;
    *letters_out = letters;
    return i;
}

/* Is spelled one of the readings listed in the comma-separated list? A
 * toneless spelling matches any reading with the same letters. */
static int is_reading(const char *list, const char *spelled, int toned)
{
    size_t want = strlen(spelled);
    const char *p = list;
    while (*p) {
        const char *end = p;
        while (*end && *end != ',') end++;
        size_t len = (size_t)(end - p);
        if (!toned && len > 0 && p[len - 1] >= '0' && p[len - 1] <= '9') len--;
        if (len == want && memcmp(p, spelled, len) == 0) return 1;
        p = *end ? end + 1 : end;
    }
    return 0;
}

/* Code points in s[a..b): every byte that is not a continuation byte starts
 * one.  Eight bytes at a time: a continuation byte has bit 7 set and bit 6
 * clear, and the per-byte 0/1 results are summed by one multiplication. */
static size_t count_chars(const uint8_t *s, size_t a, size_t b)
{
    size_t count = 0;
    while (a + 8 <= b) {
        uint64_t w;
        memcpy(&w, s + a, 8);
        uint64_t cont = (w & ~(w << 1) & UINT64_C(0x8080808080808080)) >> 7;
        count += 8 - (size_t)((cont * UINT64_C(0x0101010101010101)) >> 56);
        a += 8;
    }
    for (; a < b; a++)
        count += (s[a] & 0xC0) != 0x80;
    return count;
}

/* The code point that ends just before s[i] (0 < i <= n). */
static uint32_t decode_before(const uint8_t *s, size_t n, size_t i)
{
    /* The usual case, a three-byte character, decoded here. */
    if (i >= 3 && (s[i - 3] & 0xF0) == 0xE0 && (s[i - 2] & 0xC0) == 0x80 && (s[i - 1] & 0xC0) == 0x80)
        return ((uint32_t)(s[i - 3] & 0x0F) << 12) | ((uint32_t)(s[i - 2] & 0x3F) << 6) | (s[i - 1] & 0x3F);
    size_t j = i - 1;
    while (j > 0 && i - j < 4 && (s[j] & 0xC0) == 0x80)
        j--;
    size_t len;
    uint32_t cp = tr_utf8_decode_inline(s, n, j, &len);
    return j + len == i ? cp : s[i - 1];
}

/* Count the occurrences of the characters marked in the bitmap, which covers
 * the code points [lo, hi].  Those are all in the reading table, so take
 * three or four bytes: shorter characters are stepped over byte by byte. */
static size_t count_marked(const uint8_t *s, size_t n, const uint8_t *bitmap, uint32_t lo,
                           uint32_t hi)
{
    size_t count = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] < 0xE0) {
            i++;
            continue;
        }
        uint32_t cp;
        if (s[i] < 0xF0 && i + 2 < n && (s[i + 1] & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80) {
            /* the common case, decoded here rather than by a call */
            cp = ((uint32_t)(s[i] & 0x0F) << 12) | ((uint32_t)(s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
            i += 3;
        } else {
            size_t len;
            cp = tr_utf8_decode_inline(s, n, i, &len);
            i += len;
        }
        if (cp >= lo && cp <= hi && (bitmap[(cp - lo) >> 3] >> ((cp - lo) & 7)) & 1)
            count++;
    }
    return count;
}

/* An annotation is "(", at most MAX_LETTERS code points of at most 4 bytes
 * each, and the first ")" after them; so each ")" has one candidate, the last
 * "(" at most MAX_REACH bytes before it.  The scan jumps from ")" to ")" with
 * memchr (a text of "(" alone costs one memchr, a text of ")" one byte each)
 * and counts the code points in between eight bytes at a time. */
#define MAX_REACH (1 + 4 * MAX_LETTERS)

int tr_find_annotations(const uint8_t *s, size_t n, tr_annotation *out, size_t cap,
                        tr_annotation_stats *stats)
{
    size_t pos = 0, chars = 0; /* chars: code points in s[0..pos) */
    /* The annotation found last: one right after it (or after the space of a
     * toneless one) annotates the same character, the converter having run
     * twice; judging it by ")" instead would leave it for the next pass. */
    size_t last_end = 0;
    uint32_t last_han = 0, last_flags = 0;
    memset(stats, 0, sizeof *stats);
    if (tr_reading_count == 0)
        return 0;
    const uint32_t lo = tr_reading_cp[0];

    while (pos < n) {
        const uint8_t *close_p = memchr(s + pos, ')', n - pos);
        if (!close_p)
            break;
        size_t close_at = (size_t)(close_p - s);
        size_t floor = close_at - pos > MAX_REACH ? close_at - MAX_REACH : pos;
        size_t j = close_at;
        while (j > floor && s[j - 1] != '(')
            j--;
        if (j == floor) { /* no "(" can pair with this ")": step past it */
            chars += count_chars(s, pos, close_at + 1);
            pos = close_at + 1;
            continue;
        }
        size_t i = j - 1; /* the candidate "(" */
        chars += count_chars(s, pos, i);
        pos = i;
        uint32_t prev = i > 0 ? decode_before(s, n, i) : 0;
        if (stats->found > 0 && (i == last_end || (i == last_end + 1 && s[last_end] == ' ' &&
                                                    !(last_flags & TR_ANN_TONED))))
            prev = last_han;
        if (prev >= lo) { /* every reading is of a code point >= lo */
            ptrdiff_t k = find_reading(prev);
            char spelled[MAX_SPELLED + 1];
            int tone = 0;
            size_t letters = 0;
            size_t close = k < 0 ? 0 : spell(s, n, i + 1, spelled, &tone, &letters);
            if (close) {
                uint32_t info = tr_reading_info[k];
                if (is_reading(tr_reading_text + (info >> 1), spelled, tone != 0)) {
                    uint32_t flags = (tone ? TR_ANN_TONED : 0) | ((info & 1) ? TR_ANN_TRAD : 0);
                    if (close + 1 < n && s[close + 1] == ' ') flags |= TR_ANN_SPACE_AFTER;
                    if (stats->found < cap) {
                        tr_annotation *a = &out[stats->found];
                        a->start_byte = i;
                        a->end_byte = close + 1;
                        a->start_char = chars;
                        a->end_char = chars + letters + 2;
                        a->han = prev;
                        a->flags = flags;
                    }
                    stats->found++;
                    if (flags & TR_ANN_TRAD) stats->traditional++;
                    if (!tone) {
                        stats->toneless++;
                        if (flags & TR_ANN_SPACE_AFTER) stats->toneless_spaced++;
                    }
                    chars += letters + 2;
                    pos = close + 1;
                    last_end = pos;
                    last_han = prev;
                    last_flags = flags;
                    continue;
                }
            }
        }
        chars += 1;
        pos = i + 1;
    }
    return 0;
}

size_t tr_count_annotated(const uint8_t *s, size_t n, const tr_annotation *found, size_t count)
{
    if (count == 0)
        return 0;
    uint32_t lo_han = UINT32_MAX, hi_han = 0; /* range of the annotated characters */
    for (size_t k = 0; k < count; k++) {
        if (found[k].han < lo_han) lo_han = found[k].han;
        if (found[k].han > hi_han) hi_han = found[k].han;
    }
    /* One bit per code point in [lo_han, hi_han], set for the annotated ones. */
    uint8_t *annotated = calloc((hi_han - lo_han) / 8 + 1, 1);
    if (!annotated)
        return (size_t)-1;
    for (size_t k = 0; k < count; k++) {
        uint32_t d = found[k].han - lo_han;
        annotated[d >> 3] |= (uint8_t)(1u << (d & 7));
    }
    size_t occurrences = count_marked(s, n, annotated, lo_han, hi_han);
    free(annotated);
    return occurrences;
}

size_t tr_remove_annotations(const uint8_t *s, size_t n, const tr_annotation *found,
                             size_t count, int eat_space, uint8_t *out)
{
    size_t pos = 0, written = 0;
    for (size_t k = 0; k < count; k++) {
        size_t start = found[k].start_byte, end = found[k].end_byte;
        if (eat_space && (found[k].flags & TR_ANN_SPACE_AFTER) && !(found[k].flags & TR_ANN_TONED))
            end++;
        if (start < pos || end > n || start > end)
            break; /* not in order: stop rather than read out of bounds */
        memcpy(out + written, s + pos, start - pos);
        written += start - pos;
        pos = end;
    }
    memcpy(out + written, s + pos, n - pos);
    return written + (n - pos);
}
