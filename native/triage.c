/* triage.c -- one call that says which stages may act on a text, so that
 * clean text (most of what a scraper sees) costs little more than reading
 * it once.  Twin: textrepair._fallback.triage (the specification).
 *
 * The text comes as code points (Python encodes a str to UTF-32 at a tenth
 * of the cost of a UTF-8 round trip), so the one pass decodes nothing.  It
 * feeds every stage's trigger: the mojibake scan's windows, chains and ftfy
 * stretches (tr_mj_step, the loop of tr_mojibake_scan), the normalise
 * classes and the characters NFC might compose (nfc_inert), "(letters)" or
 * "(x)" for the annotation scan, '<' '&' for markup, "??" and U+951F 锟 for
 * lost text, the boilerplate phrases' first code points and spaced menus,
 * and whether a byte-shift run can start anywhere; the byte-shift runs are
 * then found over the same array.  The annotation and boilerplate bits say
 * "may": the caller confirms them with those stages' own scans.  The
 * mojibake spans come back for the caller, which weighs the byte-shift runs
 * and ftfy's stretches in Python. */
#include <stdlib.h>
#include <string.h>
#include "textrepair.h"

/* Code points NFC never composes with what precedes them: no combining
 * class, no second half of a canonical pair, no Hangul vowel or final jamo
 * (a test checks every one against unicodedata).  Anything else is handed
 * to the normalise stage. */
static int nfc_inert(uint32_t c)
{
    return c < 0x300 || (c >= 0x2000 && c <= 0x20CF) || (c >= 0x2100 && c <= 0x2BFF) ||
           (c >= 0x3000 && c <= 0x3029) || (c >= 0x3030 && c <= 0x3098) || (c >= 0x309B && c <= 0x33FF) ||
           (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7A3) ||
           (c >= 0xE000 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFFEF);
}

/* The normalise class of c, masked; only U+3001..U+FEFE is skipped unread
 * (no class lies there). */
static uint32_t norm_bits(uint32_t c, uint32_t classes)
{
    if (!classes || (c > 0x3000 && c < 0xFEFF))
        return 0;
    return tr_norm_class(c) & classes;
}

/* ---- the boilerplate trigger ----------------------------------------------
 * A line is a candidate of tr_boilerplate_lines only if it holds a phrase,
 * whose first three code points (or all, when it has fewer) then stand
 * there, or min_items spaced items.  The pass looks up the last one, two
 * and three code points at each step: a bitmap of hashed keys rules out
 * almost every one, a sorted array of the keys confirms. */
#define FILTER_BITS 16
#define HAN_FIRST 0x4E00u
#define HAN_COUNT 0x5200u
typedef struct {
    uint64_t last[0x10000 / 64];   /* the last code point of some key (the BMP; others all pass) */
    uint64_t bitmap[(1u << FILTER_BITS) / 64];
    uint64_t *keys;
    size_t count;
} phrase_filter;

/* What the triage reads besides the text, built once per phrase set. */
struct tr_triage_tables {
    phrase_filter filter;
    /* U+4E00 + c is a plain ideograph (class TR_MJ_CJK alone, not U+951F,
     * ending no key) when bit c & 7 of byte c >> 3 is clear */
    uint8_t busy_han[HAN_COUNT / 8];
    int has_busy_han;              /* 0 when the classes of the range did not fit the bitmap */
};

static inline int ends_key(const phrase_filter *f, uint32_t c)
{
    return c > 0xFFFF || ((f->last[c >> 6] >> (c & 63)) & 1);
}

/* The key of up to three code points (0 for none: phrases hold no NUL). */
static uint64_t pair_key(uint32_t a, uint32_t b, uint32_t c)
{
    return (uint64_t)(a & 0x1FFFFF) << 42 | (uint64_t)(b & 0x1FFFFF) << 21 | (c & 0x1FFFFF);
}

static uint32_t pair_hash(uint64_t key)
{
    return (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> (64 - FILTER_BITS));
}

static int cmp_key(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Fill f (zeroed) from the '\0'-separated phrases; -1 when it cannot allocate. */
static int filter_build(phrase_filter *f, const uint8_t *p, size_t len)
{
    size_t i = 0, count = 0;
    for (i = 0; i < len; i++)
        count += p[i] == 0 || i + 1 == len;
    if (!count)
        return 0;
    f->keys = malloc(count * sizeof *f->keys);
    if (!f->keys)
        return -1;
    for (i = 0; i < len;) {
        const uint8_t *end = memchr(p + i, 0, len - i);
        size_t stop = end ? (size_t)(end - p) : len;
        if (stop > i) {
            uint32_t cp[3] = {0, 0, 0};
            size_t k = 0, at = i, l;
            while (k < 3 && at < stop) {
                cp[k++] = tr_utf8_decode_inline(p, stop, at, &l);
                at += l;
            }
            uint64_t key = k == 1 ? pair_key(0, 0, cp[0]) : k == 2 ? pair_key(0, cp[0], cp[1])
                                                                   : pair_key(cp[0], cp[1], cp[2]);
            f->keys[f->count++] = key;
            if (cp[k - 1] <= 0xFFFF)
                f->last[cp[k - 1] >> 6] |= 1ull << (cp[k - 1] & 63);
            f->bitmap[pair_hash(key) >> 6] |= 1ull << (pair_hash(key) & 63);
        }
        i = stop + 1;
    }
    qsort(f->keys, f->count, sizeof *f->keys, cmp_key);
    return 0;
}

/* Mark the ideographs that end a key of f as busy. */
static void mark_key_ends(tr_triage_tables *tables)
{
    const phrase_filter *f = &tables->filter;
    size_t k;
    for (k = 0; k < f->count; k++) {
        uint32_t h = (uint32_t)(f->keys[k] & 0x1FFFFF) - HAN_FIRST;
        if (h < HAN_COUNT)
            tables->busy_han[h >> 3] |= (uint8_t)(1u << (h & 7));
    }
}

/* Built once per phrase set (the caller keeps it): building costs more than
 * triaging a short text.  Read-only afterwards, so threads may share it. */
tr_triage_tables *tr_triage_tables_new(const uint8_t *phrases, size_t phrases_len)
{
    tr_triage_tables *tables = calloc(1, sizeof *tables);
    uint32_t h = 0x951Fu - HAN_FIRST;  /* lost text's mark */
    if (!tables)
        return NULL;
    if (filter_build(&tables->filter, phrases, phrases_len) != 0) {
        free(tables);
        return NULL;
    }
    /* the rare ideographs first: the bitmap of tr_triage_han_rare */
    tables->has_busy_han = tr_triage_han_rare(tables->busy_han, sizeof tables->busy_han) == HAN_COUNT / 8;
    tables->busy_han[h >> 3] |= (uint8_t)(1u << (h & 7));
    mark_key_ends(tables);
    return tables;
}

void tr_triage_tables_free(tr_triage_tables *tables)
{
    if (tables) {
        free(tables->filter.keys);
        free(tables);
    }
}

static int filter_has(const phrase_filter *f, uint64_t key)
{
    uint32_t h = pair_hash(key);
    size_t lo = 0, hi = f->count;
    if (!((f->bitmap[h >> 6] >> (h & 63)) & 1))
        return 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->keys[mid] == key)
            return 1;
        if (f->keys[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

size_t tr_triage_han_rare(uint8_t *out, size_t cap)
{
    uint32_t c;
    if (cap < HAN_COUNT / 8)
        return 0;
    memset(out, 0, HAN_COUNT / 8);
    for (c = 0; c < HAN_COUNT; c++) {
        uint16_t k = tr_mj_class(HAN_FIRST + c);
        if ((k & ~TR_MJ_RARE) != TR_MJ_CJK)
            return 0;  /* a class the bitmap cannot stand for */
        if (k & TR_MJ_RARE)
            out[c >> 3] |= (uint8_t)(1u << (c & 7));
    }
    return HAN_COUNT / 8;
}

/* Whether the key ending at t[i] = c (after prev2, prev) starts a phrase. */
static inline int has_key(const phrase_filter *f, size_t i, uint32_t prev2, uint32_t prev, uint32_t c)
{
    return ends_key(f, c) &&
           (filter_has(f, pair_key(0, 0, c)) || (i >= 1 && filter_has(f, pair_key(0, prev, c))) ||
            (i >= 2 && filter_has(f, pair_key(prev2, prev, c))));
}

/* A unified ideograph of class TR_MJ_CJK alone, not U+951F, ending no key:
 * the commonest code point of a page, which feeds no trigger. */
static inline int plain_han(uint32_t c, const uint8_t *busy)
{
    uint32_t h = c - HAN_FIRST;
    return h < HAN_COUNT && !((busy[h >> 3] >> (h & 7)) & 1);
}

#define TRIAGE_MARKS 512

uint32_t tr_triage(const uint32_t *t, size_t n, uint32_t norm_classes, const tr_triage_tables *tables,
                   size_t min_items, tr_mojibake_run *out, size_t cap, size_t *found)
{
    uint32_t bits = 0, prev = 0, prev2 = 0;
    size_t i = 0, count = 0, items = 0, letters = 0;
    /* Where ?!;, stand, for tr_mj_shift_runs to visit instead of reading the
     * text again; a text with more of them than fit is read again. */
    size_t marks[TRIAGE_MARKS], nmarks = 0;
    int anchor = 0, in_item = 0, boiler = 0, group = 0;
    const uint8_t *busy = tables && tables->has_busy_han ? tables->busy_han : NULL;
    const phrase_filter *filter = tables && tables->filter.count ? &tables->filter : NULL;
    tr_mj_state st;
    *found = 0;
    tr_mj_begin(&st);
    while (i < n) {
        uint32_t c = t[i];
        uint16_t k;
        /* A stretch of plain ideographs in a quiet state (no group, chain or
         * ftfy stretch open, inside an item, after no mark that anchors):
         * each step of the loop below would only count it. */
        if (busy && plain_han(c, busy) && !group && in_item && prev != '!' && prev != ';' && prev != ',' &&
            tr_mj_quiet(&st, TR_MJ_CJK)) {
            size_t first = i;
            while (++i < n && plain_han(t[i], busy))
                ;
            st.len += i - first - 1;  /* tr_mj_quiet counted the first */
            prev2 = i - first >= 2 ? t[i - 2] : prev;
            prev = t[i - 1];
            continue;
        }
        if (c < 0x80) {
            k = tr_mj_ascii_class(c);
            switch (c) {
            case '(':
                group = 1;  /* the letters after it may be an annotation */
                letters = 0;
                break;
            case ')':
                /* "(x)" (an echo) or "(" and one to eight pinyin letters */
                if ((prev2 == '(' && prev != ')' && i >= 2) || (group && letters >= 1 && letters <= 8))
                    bits |= TR_TRI_ANNOTATIONS;
                group = 0;
                break;
            case '<': case '&': bits |= TR_TRI_MARKUP; break;
            case '?':
                anchor = 1;  /* every '?' may anchor a run */
                if (prev == '?' && i >= 1)
                    bits |= TR_TRI_LOST;
                break;
            default: break;
            }
            if (tr_mj_anchor_char(c)) {
                if (nmarks < TRIAGE_MARKS)
                    marks[nmarks] = i;
                nmarks++;
            }
            if (group && c != '(') {
                if (tr_pinyin_letter(c))
                    letters++;
                else if (c != ')')
                    group = 0;
            }
            if (c < 0x20 || c == 0x7F || c == ' ' || c == ',' || c == '.' || c == ':' || c == ';' || c == '!' ||
                c == '?')
                bits |= norm_bits(c, norm_classes) ? TR_TRI_NORMALISE : 0;
        } else {
            /* '!' ';' ',' anchor a run only before a wide character */
            if (prev == '!' || prev == ';' || prev == ',')
                anchor = 1;
            if ((prev == '!' || prev == ';') && prev2 >= 0x80)
                bits |= TR_TRI_MARK;
            if (group && !tr_pinyin_letter(c))
                group = 0;
            else if (group)
                letters++;
            if (c - HAN_FIRST < HAN_COUNT) {  /* a unified ideograph: inert, no normalise class */
                k = tr_mj_class(c);
                if (c == 0x951F)
                    bits |= TR_TRI_LOST;
            } else {
                k = tr_mj_class(c);
                if (!nfc_inert(c) || norm_bits(c, norm_classes))
                    bits |= TR_TRI_NORMALISE;
            }
        }
        /* boilerplate: a phrase's first code points, or the items of a spaced menu */
        if (!boiler && filter && has_key(filter, i, prev2, prev, c))
            boiler = 1;
        if (c == '\n') {
            items = 0;
            in_item = 0;
        } else if (c == ' ' || c == '\t' || c == 0x3000) {
            in_item = 0;
        } else if (!in_item) {
            in_item = 1;
            if (++items >= min_items && min_items)
                boiler = 1;
        }
        prev2 = prev;
        prev = c;
        if (!tr_mj_quiet(&st, k) && !tr_mj_light(&st, c, k))
            tr_mj_step(&st, c, k, out, cap, &count);
        i++;
    }
    tr_mj_end(&st, out, cap, &count);
    if (anchor)
        tr_mj_shift_runs(t, n, nmarks <= TRIAGE_MARKS ? marks : NULL, nmarks, out, cap, &count);
    *found = count;
    if (count)
        bits |= TR_TRI_MOJIBAKE;
    if (boiler || (filter && filter->count > 4096))  /* tr_boilerplate_lines refuses so many: let the stage say so */
        bits |= TR_TRI_BOILERPLATE;
    return bits;
}
