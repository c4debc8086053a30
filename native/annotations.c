/* annotations.c -- find content-farm pinyin annotations, judge each by the
 * ones around it, and remove those judged converter output.
 * Twin: textrepair._fallback.annotations (the specification). */
#include <stdlib.h>
#include <string.h>
#include "textrepair.h"

#define MAX_LETTERS 8   /* code points inside the parentheses */
#define MAX_SPELLED 15  /* bytes of the numbered spelling */
#define MAX_READINGS 16 /* readings of one character (the table has at most 11) */
#define NOWHERE ((size_t)-1)

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

/* Match the spelling against the comma-separated reading list.  Returns
 * TR_ANN_TONED or TR_ANN_NEUTRAL or 0 for a reading, -1 for none; *letters
 * gets the index of the first reading with the same letters and *reading the
 * index of the reading spelled (exactly, with a tone mark or a neutral tone;
 * else the first with its letters). */
static int match_reading(const char *list, const char *spelled, int toned, uint32_t *reading,
                         uint32_t *letters)
{
    size_t want = strlen(spelled);
    size_t want_letters = toned ? want - 1 : want;
    ptrdiff_t first_letters = -1, exact = -1;
    const char *p = list;
    for (uint32_t k = 0; *p; k++) {
        const char *end = p;
        while (*end && *end != ',') end++;
        size_t len = (size_t)(end - p);
        size_t body = (len > 0 && p[len - 1] >= '0' && p[len - 1] <= '9') ? len - 1 : len;
        if (first_letters < 0 && body == want_letters && memcmp(p, spelled, body) == 0)
            first_letters = k;
        if (exact < 0 && len == want && memcmp(p, spelled, len) == 0)
            exact = k;
        p = *end ? end + 1 : end;
    }
    if (first_letters < 0 || (toned && exact < 0))
        return -1;
    *letters = (uint32_t)first_letters;
    *reading = (uint32_t)(exact >= 0 ? exact : first_letters);
    return toned ? TR_ANN_TONED : exact >= 0 ? TR_ANN_NEUTRAL : 0;
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

/* The code point that ends just before s[i] (0 < i <= n) and its length. */
static uint32_t decode_before(const uint8_t *s, size_t n, size_t i, size_t *len_out)
{
    /* The usual case, a three-byte character, decoded here. */
    if (i >= 3 && (s[i - 3] & 0xF0) == 0xE0 && (s[i - 2] & 0xC0) == 0x80 && (s[i - 1] & 0xC0) == 0x80) {
        *len_out = 3;
        return ((uint32_t)(s[i - 3] & 0x0F) << 12) | ((uint32_t)(s[i - 2] & 0x3F) << 6) | (s[i - 1] & 0x3F);
    }
    size_t j = i - 1;
    while (j > 0 && i - j < 4 && (s[j] & 0xC0) == 0x80)
        j--;
    size_t len;
    uint32_t cp = tr_utf8_decode_inline(s, n, j, &len);
    if (j + len == i) {
        *len_out = len;
        return cp;
    }
    *len_out = 1;
    return s[i - 1];
}

/* Not a visible character: C0/C1 controls, DEL, the space separators. */
static int invisible(uint32_t cp)
{
    return cp <= 0x20 || (cp >= 0x7F && cp <= 0xA0) || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
           cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* A visible character without a reading, other than a parenthesis. */
static int echoable(uint32_t cp)
{
    return !invisible(cp) && cp != '(' && cp != ')' && find_reading(cp) < 0;
}

static size_t utf8_encode(uint32_t cp, uint8_t *out)
{
    if (cp < 0x80) {
        out[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (uint8_t)(0xC0 | (cp >> 6));
        out[1] = (uint8_t)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (uint8_t)(0xE0 | (cp >> 12));
        out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (uint8_t)(0xF0 | ((cp >> 18) & 0x07));
    out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

static int open_quote(uint32_t cp)
{
    return cp == 0x201C || cp == 0x2018 || cp == 0x300C || cp == 0x300E || cp == '"' || cp == '\'';
}

static int close_quote(uint32_t cp)
{
    return cp == 0x201D || cp == 0x2019 || cp == 0x300D || cp == 0x300F || cp == '"' || cp == '\'';
}

/* Flags, reading and letters of the candidate "(...)" at s[i] (its ')' at
 * close) after the character prev, or -1 when it is no annotation.
 * *inside gets the code points between the parentheses. */
static int candidate(const uint8_t *s, size_t n, size_t i, size_t close, uint32_t prev, uint32_t *reading,
                     uint32_t *letters, size_t *inside)
{
    ptrdiff_t k = find_reading(prev);
    if (k >= 0) {
        char spelled[MAX_SPELLED + 1];
        int tone = 0;
        size_t count = 0;
        size_t end = spell(s, n, i + 1, spelled, &tone, &count);
        if (end != close)
            return -1;
        uint32_t info = tr_reading_info[k];
        int kind = match_reading(tr_reading_text + (info >> 1), spelled, tone != 0, reading, letters);
        if (kind < 0)
            return -1;
        *inside = count;
        return kind | ((info & 1) ? TR_ANN_TRAD : 0);
    }
    if (!echoable(prev))
        return -1;
    uint8_t bytes[4];
    size_t len = utf8_encode(prev, bytes);
    if (close - (i + 1) != len || memcmp(s + i + 1, bytes, len) != 0)
        return -1;
    *reading = *letters = 0;
    *inside = 1;
    return TR_ANN_ECHO;
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
    size_t last_end = 0, last_han_byte = 0, last_han_char = 0;
    uint32_t last_han = 0, last_flags = 0;
    memset(stats, 0, sizeof *stats);

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
        if (i > 0 && close_at > i + 1) {
            size_t prev_len = 0;
            uint32_t prev = decode_before(s, n, i, &prev_len);
            size_t han_byte = i - prev_len, han_char = chars - 1;
            int chained = stats->found > 0 && (i == last_end || (i == last_end + 1 && s[last_end] == ' ' &&
                                                                 !(last_flags & TR_ANN_TONED)));
            if (chained) {
                prev = last_han;
                han_byte = last_han_byte;
                han_char = last_han_char;
            }
            uint32_t reading = 0, letters = 0;
            size_t inside = 0;
            int kind = candidate(s, n, i, close_at, prev, &reading, &letters, &inside);
            if (kind >= 0) {
                uint32_t flags = (uint32_t)kind | (chained ? TR_ANN_CHAINED : 0);
                if (close_at + 1 < n && s[close_at + 1] == ' ') flags |= TR_ANN_SPACE_AFTER;
                if (han_byte > 0 && close_at + 1 < n) {
                    size_t len_before, len_after;
                    uint32_t before = decode_before(s, n, han_byte, &len_before);
                    uint32_t after = tr_utf8_decode_inline(s, n, close_at + 1, &len_after);
                    if (open_quote(before) && close_quote(after)) flags |= TR_ANN_QUOTED;
                }
                if (stats->found < cap) {
                    tr_annotation *a = &out[stats->found];
                    a->start_byte = i;
                    a->end_byte = close_at + 1;
                    a->start_char = chars;
                    a->end_char = chars + inside + 2;
                    a->han_byte = han_byte;
                    a->han_char = han_char;
                    a->han = prev;
                    a->flags = flags;
                    a->reading = reading;
                    a->letters = letters;
                }
                stats->found++;
                if (!(flags & TR_ANN_ECHO)) {
                    if (flags & TR_ANN_TRAD) stats->traditional++;
                    if (!(flags & TR_ANN_TONED)) {
                        stats->toneless++;
                        if (flags & TR_ANN_SPACE_AFTER) stats->toneless_spaced++;
                    }
                }
                chars += inside + 2;
                pos = close_at + 1;
                last_end = pos;
                last_han = prev;
                last_han_byte = han_byte;
                last_han_char = han_char;
                last_flags = flags;
                continue;
            }
        }
        chars += 1;
        pos = i + 1;
    }
    return 0;
}

/* ---- the judgement ------------------------------------------------------- */

#define SIG_T 1  /* traditional forms */
#define SIG_EO 2 /* every character, tone marks omitted */
#define SIG_EE 4 /* every character, punctuation echoed, tone marks shown */
enum { V_NONE, V_CLEAN, V_CONV };

/* Per-annotation counts; a half's are sums over its annotations (and over
 * the gaps between them: han, vis, miss). */
enum { F_PLAIN, F_ECHO, F_UNCHAINED, F_TRAD, F_TONED, F_OMITTED, F_GLOSS, F_SPACED, F_UNTONED,
       F_HAN, F_VIS, F_MISS, F_COUNT };

typedef struct {
    size_t v[F_COUNT];
} half_t;

static int share(size_t part, size_t whole, size_t num, size_t den)
{
    return den * part >= num * whole;
}

static int plain(const tr_annotation *a)
{
    return !(a->flags & TR_ANN_ECHO);
}

/* Sort the indices keys[0..m) of plain annotations by character, keeping
 * index order among equal ones: a stable radix sort on the code point, 11
 * bits at a time (code points have 21), so the cost is linear. */
static void sort_by_han(const tr_annotation *found, size_t *keys, size_t *tmp, size_t m)
{
    size_t counts[1 << 11];
    for (int shift = 0; shift < 22; shift += 11) {
        memset(counts, 0, sizeof counts);
        for (size_t t = 0; t < m; t++)
            counts[(found[keys[t]].han >> shift) & 0x7FF]++;
        size_t total = 0;
        for (size_t b = 0; b < (1 << 11); b++) {
            size_t c = counts[b];
            counts[b] = total;
            total += c;
        }
        for (size_t t = 0; t < m; t++)
            tmp[counts[(found[keys[t]].han >> shift) & 0x7FF]++] = keys[t];
        memcpy(keys, tmp, m * sizeof *keys);
    }
}

/* Is there a plain annotation of cp at most TR_ANN_WINDOW from position q?
 * order[0..m) sorts them by (han, position). */
static int annotated_near(const tr_annotation *found, const size_t *order, size_t m, uint32_t cp, size_t q)
{
    size_t lo = 0, hi = m;
    size_t from = q > TR_ANN_WINDOW ? q - TR_ANN_WINDOW : 0;
    while (lo < hi) { /* first entry >= (cp, from) */
        size_t mid = lo + (hi - lo) / 2;
        const tr_annotation *a = &found[order[mid]];
        if (a->han < cp || (a->han == cp && a->han_char < from))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m && found[order[lo]].han == cp && found[order[lo]].han_char <= q + TR_ANN_WINDOW;
}

/* Han characters, other visible characters and misses between annotation
 * k-1 and the character of annotation k (see _fallback.annotations._gaps). */
static void gap(const uint8_t *s, size_t n, const tr_annotation *found, size_t k, const size_t *order, size_t m,
                size_t *han, size_t *vis, size_t *miss)
{
    const tr_annotation *prev = &found[k - 1], *a = &found[k];
    *han = *vis = *miss = 0;
    if (a->han_char - prev->han_char > TR_ANN_WINDOW || a->han_char <= prev->end_char)
        return;
    size_t i = prev->end_byte, q = prev->end_char;
    size_t stop = a->han_byte < n ? a->han_byte : n;
    while (i < stop && q < a->han_char) {
        size_t len;
        uint32_t cp = tr_utf8_decode_inline(s, n, i, &len);
        if (find_reading(cp) >= 0) {
            (*han)++;
            if (annotated_near(found, order, m, cp, q)) (*miss)++;
        } else if (echoable(cp)) {
            (*vis)++;
        }
        i += len;
        q++;
    }
}

static size_t distance(size_t a, size_t b)
{
    return a > b ? a - b : b - a;
}

/* Mark the teachers' glosses among one character's annotations
 * members[0..m) (see _fallback.annotations._glosses), walking both ways. */
static void glosses(const tr_annotation *found, const size_t *members, size_t m, uint8_t *gloss,
                    uint8_t *scratch)
{
    uint8_t *conflict = scratch, *unquoted = scratch + m;
    memset(scratch, 0, 2 * m);
    for (int dir = 0; dir < 2; dir++) {
        /* The nearest position seen so far of each letters, reading and
         * unquoted letters, and which ones were seen (usually one or two). */
        size_t last_letters[MAX_READINGS], last_reading[MAX_READINGS], last_unquoted[MAX_READINGS];
        uint32_t seen_letters[MAX_READINGS], seen_reading[MAX_READINGS];
        size_t n_letters = 0, n_reading = 0;
        for (size_t r = 0; r < MAX_READINGS; r++)
            last_letters[r] = last_reading[r] = last_unquoted[r] = NOWHERE;
        for (size_t step = 0; step < m; step++) {
            size_t t = dir == 0 ? step : m - 1 - step;
            const tr_annotation *a = &found[members[t]];
            size_t pos = a->han_char;
            uint32_t flags = a->flags, reading = a->reading < MAX_READINGS ? a->reading : MAX_READINGS - 1;
            uint32_t letters = a->letters < MAX_READINGS ? a->letters : MAX_READINGS - 1;
            int informed = (flags & (TR_ANN_TONED | TR_ANN_NEUTRAL)) != 0;
            for (size_t r = 0; r < n_letters; r++) {
                uint32_t other = seen_letters[r];
                if (other != letters && distance(pos, last_letters[other]) <= TR_ANN_WINDOW)
                    conflict[t] = 1;
            }
            if (informed) {
                for (size_t r = 0; r < n_reading; r++) {
                    uint32_t other = seen_reading[r];
                    if (other != reading && distance(pos, last_reading[other]) <= TR_ANN_WINDOW)
                        conflict[t] = 1;
                }
            }
            if (last_unquoted[letters] != NOWHERE && distance(pos, last_unquoted[letters]) <= TR_ANN_WINDOW)
                unquoted[t] = 1;
            if (last_letters[letters] == NOWHERE) seen_letters[n_letters++] = letters;
            last_letters[letters] = pos;
            if (informed) {
                if (last_reading[reading] == NOWHERE) seen_reading[n_reading++] = reading;
                last_reading[reading] = pos;
            }
            if (!(flags & TR_ANN_QUOTED)) last_unquoted[letters] = pos;
        }
    }
    for (size_t t = 0; t < m; t++)
        gloss[members[t]] = conflict[t] || ((found[members[t]].flags & TR_ANN_QUOTED) && !unquoted[t]);
}

/* Counts over annotations a..b and the gaps a+1..b, from the prefix sums
 * (row k: the sums over annotations 0..k-1, F_COUNT to a row). */
static half_t half(const size_t *sums, size_t a, size_t b)
{
    half_t h;
    const size_t *end = sums + (b + 1) * F_COUNT, *from = sums + a * F_COUNT, *gaps_from = from + F_COUNT;
    for (int f = 0; f < F_HAN; f++)
        h.v[f] = end[f] - from[f];
    for (int f = F_HAN; f < F_COUNT; f++)
        h.v[f] = end[f] - gaps_from[f];
    return h;
}

static int verdict(const half_t *h, int *sigs_out)
{
    size_t n = h->v[F_PLAIN], e = h->v[F_ECHO];
    size_t styled = h->v[F_TONED] + h->v[F_OMITTED];
    int sigs = 0;
    *sigs_out = 0;
    if (n < 1 || n + e < 2)
        return V_NONE;
    if (n >= 2 && share(h->v[F_TRAD], n, TR_ANN_TRAD_NUM, TR_ANN_TRAD_DEN)) /* echoes are no evidence of this one */
        sigs |= SIG_T;
    if (share(h->v[F_UNCHAINED], h->v[F_UNCHAINED] + h->v[F_HAN], TR_ANN_DENSE_NUM, TR_ANN_DENSE_DEN)) {
        if (h->v[F_OMITTED] > 0 && share(h->v[F_OMITTED], styled, TR_ANN_STYLE_NUM, TR_ANN_STYLE_DEN))
            sigs |= SIG_EO;
        if (e > 0 && share(e, e + h->v[F_VIS], TR_ANN_ECHO_NUM, TR_ANN_ECHO_DEN) &&
            share(h->v[F_TONED], styled, TR_ANN_STYLE_NUM, TR_ANN_STYLE_DEN))
            sigs |= SIG_EE;
    }
    if (!sigs || !share(n, n + h->v[F_MISS], TR_ANN_COVER_NUM, TR_ANN_COVER_DEN) ||
        share(h->v[F_GLOSS], n + e, TR_ANN_GLOSSY_NUM, TR_ANN_GLOSSY_DEN))
        return V_CLEAN;
    *sigs_out = sigs;
    return V_CONV;
}

static int fits(uint32_t flags, const half_t *h, int sigs, int contested)
{
    if (contested && sigs == SIG_T && !(flags & TR_ANN_TRAD))
        return 0;
    if (flags & (TR_ANN_ECHO | TR_ANN_NEUTRAL))
        return 1;
    if (flags & TR_ANN_TONED)
        return (sigs & SIG_EE) || ((sigs & SIG_T) && h->v[F_TONED] >= h->v[F_OMITTED]);
    return (sigs & SIG_EO) || ((sigs & SIG_T) && h->v[F_OMITTED] >= h->v[F_TONED]);
}

int tr_judge_annotations(const uint8_t *s, size_t n, tr_annotation *found, size_t count)
{
    if (count == 0)
        return 0;
    size_t *order = malloc(count * sizeof *order);
    uint8_t *gloss = calloc(count, 1);
    uint8_t *scratch = malloc(2 * count);
    size_t *cells = malloc((size_t)F_COUNT * (count + 1) * sizeof *cells);
    int status = -1;
    if (!order || !gloss || !scratch || !cells)
        goto done;
    size_t m = 0;
    for (size_t k = 0; k < count; k++)
        if (plain(&found[k])) order[m++] = k;
    sort_by_han(found, order, cells, m); /* cells: scratch until the sums */
    for (size_t g = 0; g < m;) {
        size_t h = g;
        while (h < m && found[order[h]].han == found[order[g]].han)
            h++;
        glosses(found, order + g, h - g, gloss, scratch);
        g = h;
    }

    memset(cells, 0, F_COUNT * sizeof *cells);
    for (size_t k = 0; k < count; k++) {
        const tr_annotation *a = &found[k];
        uint32_t flags = a->flags;
        size_t row[F_COUNT] = {0};
        int is_plain = plain(a), toned = is_plain && (flags & TR_ANN_TONED);
        row[F_PLAIN] = (size_t)is_plain;
        row[F_ECHO] = (size_t)!is_plain;
        row[F_UNCHAINED] = (size_t)(is_plain && !(flags & TR_ANN_CHAINED));
        row[F_TRAD] = (size_t)(is_plain && (flags & TR_ANN_TRAD));
        row[F_TONED] = (size_t)toned;
        row[F_OMITTED] = (size_t)(is_plain && !(flags & (TR_ANN_TONED | TR_ANN_NEUTRAL)));
        row[F_GLOSS] = gloss[k];
        row[F_SPACED] = (size_t)(is_plain && !toned && (flags & TR_ANN_SPACE_AFTER));
        row[F_UNTONED] = (size_t)(is_plain && !toned);
        if (k > 0)
            gap(s, n, found, k, order, m, &row[F_HAN], &row[F_VIS], &row[F_MISS]);
        for (int f = 0; f < F_COUNT; f++)
            cells[(k + 1) * F_COUNT + f] = cells[k * F_COUNT + f] + row[f];
    }

    size_t lo = 0, hi = 0;
    for (size_t k = 0; k < count; k++) {
        size_t pos = found[k].han_char;
        while (found[lo].han_char + TR_ANN_WINDOW < pos)
            lo++;
        while (hi + 1 < count && found[hi + 1].han_char <= pos + TR_ANN_WINDOW)
            hi++;
        uint32_t flags = found[k].flags;
        if (gloss[k]) {
            found[k].flags = flags | TR_ANN_GLOSS;
            continue;
        }
        half_t left = half(cells, lo, k), right = half(cells, k, hi);
        int ls, rs;
        int lv = verdict(&left, &ls), rv = verdict(&right, &rs);
        if ((lv == V_CONV && fits(flags, &left, ls, rv == V_CLEAN)) ||
            (rv == V_CONV && fits(flags, &right, rs, lv == V_CLEAN))) {
            flags |= TR_ANN_REMOVE;
            half_t whole = half(cells, lo, hi);
            if ((flags & TR_ANN_SPACE_AFTER) && !(flags & (TR_ANN_TONED | TR_ANN_ECHO)) &&
                2 * whole.v[F_SPACED] > whole.v[F_UNTONED])
                flags |= TR_ANN_EAT_SPACE;
        }
        found[k].flags = flags;
    }
    status = 0;
done:
    free(order);
    free(gloss);
    free(scratch);
    free(cells);
    return status;
}

size_t tr_remove_annotations(const uint8_t *s, size_t n, const tr_annotation *found,
                             size_t count, int eat_space, uint8_t *out)
{
    size_t pos = 0, written = 0;
    for (size_t k = 0; k < count; k++) {
        if (!(found[k].flags & TR_ANN_REMOVE))
            continue;
        size_t start = found[k].start_byte, end = found[k].end_byte;
        if (start < pos || end > n || start > end)
            break; /* not in order: stop rather than read out of bounds */
        if (eat_space && (found[k].flags & TR_ANN_EAT_SPACE) && end < n && s[end] == ' ')
            end++;
        memcpy(out + written, s + pos, start - pos);
        written += start - pos;
        pos = end;
    }
    memcpy(out + written, s + pos, n - pos);
    return written + (n - pos);
}
