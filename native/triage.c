/* triage.c -- one call that says which stages may act on a text, so that
 * clean text (most of what a scraper sees) costs little more than reading
 * it once.  Twin: textrepair._fallback.triage (the specification).
 *
 * One pass over the bytes notes what the stages' own scans look for --
 * '(' (annotations), '<' '&' (markup), "??" and U+951F 锟 (lost text), and
 * the characters NFC might compose (anything outside the ranges nfc_inert
 * lists) -- and the exact scans run only where that pass found their
 * trigger: the annotation scan on a '(', the normalise runs on a non-ASCII
 * or control byte.  The boilerplate and mojibake scans run always (their
 * phrases and rare characters are too many for the first pass); the
 * mojibake spans come back for the caller, which weighs the byte-shift runs
 * and ftfy's stretches in Python. */
#include <string.h>
#include "textrepair.h"

/* Code points NFC never composes with what precedes them and that never
 * start a composition of their own: no combining class, no second half of
 * a primary composite, no Hangul vowel or final jamo (a test checks every
 * one against unicodedata).  Everything else is handed to the normalise
 * stage. */
static int nfc_inert(uint32_t c)
{
    return c < 0x300 || (c >= 0x2000 && c <= 0x20CF) || (c >= 0x2100 && c <= 0x2BFF) ||
           (c >= 0x3000 && c <= 0x3029) || (c >= 0x3030 && c <= 0x3098) || (c >= 0x309B && c <= 0x33FF) ||
           (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7A3) ||
           (c >= 0xE000 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFFEF);
}

static int is_cont(uint8_t b) { return (b & 0xC0) == 0x80; }

/* The first pass: TR_TRI_* bits for the byte-level triggers, and whether
 * the normalise runs need looking for (*wide: a non-ASCII or control byte). */
static uint32_t first_pass(const uint8_t *s, size_t n, int *paren, int *wide)
{
    uint32_t bits = 0;
    size_t i = 0;
    *paren = 0;
    *wide = 0;
    while (i < n) {
        uint8_t b = s[i];
        if (b < 0x80) {
            if (b < 0x20 || b == 0x7F)
                *wide = 1;
            else if (b == '(')
                *paren = 1;
            else if (b == '<' || b == '&')
                bits |= TR_TRI_MARKUP;
            else if (b == '?' && i + 1 < n && s[i + 1] == '?')
                bits |= TR_TRI_LOST;
            i++;
            continue;
        }
        *wide = 1;
        /* U+4000..U+9FFF (E4..E9 leads), well formed: inert, and only 锟 matters. */
        if (b >= 0xE4 && b <= 0xE9 && i + 2 < n && is_cont(s[i + 1]) && is_cont(s[i + 2])) {
            if (b == 0xE9 && s[i + 1] == 0x94 && s[i + 2] == 0x9F)
                bits |= TR_TRI_LOST;
            i += 3;
            continue;
        }
        size_t len;
        uint32_t c = tr_utf8_decode_inline(s, n, i, &len);
        if (!nfc_inert(c))
            bits |= TR_TRI_NORMALISE;
        i += len;
    }
    return bits;
}

uint32_t tr_triage(const uint8_t *s, size_t n, uint32_t norm_classes, const uint8_t *phrases, size_t phrases_len,
                   size_t min_items, tr_mojibake_run *out, size_t cap, size_t *found)
{
    int paren, wide;
    size_t count = 0;
    uint32_t bits = first_pass(s, n, &paren, &wide);
    *found = 0;
    if (paren) {
        tr_annotation_stats stats;
        tr_find_annotations(s, n, NULL, 0, &stats);
        if (stats.found)
            bits |= TR_TRI_ANNOTATIONS;
    }
    /* The normalise classes are all controls, or non-ASCII, or (when asked
     * for) ASCII spaces and punctuation. */
    if (norm_classes && (wide || (norm_classes & (TR_NORM_SPACE | TR_NORM_PUNCT))) && !(bits & TR_TRI_NORMALISE)) {
        tr_normalise_runs(s, n, norm_classes, NULL, 0, &count);
        if (count)
            bits |= TR_TRI_NORMALISE;
    }
    if (tr_boilerplate_lines(s, n, phrases, phrases_len, min_items, NULL, 0, &count) != 0 || count)
        bits |= TR_TRI_BOILERPLATE;
    if (tr_mojibake_scan(s, n, out, cap, found) != 0)
        return bits | TR_TRI_FAILED;
    if (*found)
        bits |= TR_TRI_MOJIBAKE;
    return bits;
}
