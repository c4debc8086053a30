/* normalise.c -- find the characters the normalise stage may change.
 * Twin: textrepair._fallback.normalise.normalise_runs (the specification).
 *
 * One pass reports maximal runs of consecutive code points that belong to
 * an enabled class (TR_NORM_*), with the union of their classes; the stage
 * decides what becomes of each run with its context.  Clean Chinese text
 * has no such code point under the default classes, so it costs one pass:
 * the leads E4..EE (U+4000..U+EFFF, no class) skip three bytes at once. */
#include "textrepair.h"

static uint32_t norm_class(uint32_t cp)
{
    if (cp < 0x80) {
        switch (cp) {
        case ' ': case '\t': case '\n': case '\r':
            return TR_NORM_SPACE;
        case ',': case '.': case ':': case ';': case '!': case '?':
            return TR_NORM_PUNCT;
        default:
            return (cp < 0x20 || cp == 0x7F) ? TR_NORM_INVISIBLE : 0;
        }
    }
    if (cp < 0xA0) return TR_NORM_INVISIBLE;
    if (cp == 0xA0) return TR_NORM_SPACE;
    if (cp == 0xAD) return TR_NORM_INVISIBLE;
    if (cp < 0x2000) return 0;
    if (cp <= 0x200A || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000)
        return TR_NORM_SPACE;
    if (cp <= 0x200D || cp == 0x2060 || cp == 0xFEFF) return TR_NORM_INVISIBLE;
    if ((cp >= 0xFF10 && cp <= 0xFF19) || (cp >= 0xFF21 && cp <= 0xFF3A) || (cp >= 0xFF41 && cp <= 0xFF5A))
        return TR_NORM_FULLWIDTH;
    if (cp == 0xFFFD) return TR_NORM_FFFD;
    return 0;
}

uint32_t tr_norm_class(uint32_t cp)
{
    return norm_class(cp);
}

static int is_cont(uint8_t b) { return (b & 0xC0) == 0x80; }

int tr_normalise_runs(const uint8_t *s, size_t n, uint32_t classes, tr_norm_run *out, size_t cap,
                      size_t *found)
{
    size_t i = 0, chars = 0, count = 0;
    int open = 0;           /* a run is open */
    size_t run_start = 0;   /* its first code point */
    uint32_t run_classes = 0;
    while (i < n) {
        uint8_t b = s[i];
        uint32_t cls;
        size_t len;
        if (b >= 0xE4 && b <= 0xEE && i + 2 < n && is_cont(s[i + 1]) && is_cont(s[i + 2])) {
            cls = 0;  /* U+4000..U+EFFF: Han, Hangul, PUA: no class */
            len = 3;
        } else {
            cls = norm_class(tr_utf8_decode_inline(s, n, i, &len)) & classes;
        }
        if (cls) {
            if (!open) {
                open = 1;
                run_start = chars;
                run_classes = 0;
            }
            run_classes |= cls;
        } else if (open) {
            if (count < cap) {
                out[count].start_char = run_start;
                out[count].end_char = chars;
                out[count].classes = run_classes;
            }
            count++;
            open = 0;
        }
        i += len;
        chars++;
    }
    if (open) {
        if (count < cap) {
            out[count].start_char = run_start;
            out[count].end_char = chars;
            out[count].classes = run_classes;
        }
        count++;
    }
    *found = count;
    return 0;
}
