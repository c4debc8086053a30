/* markup.c -- where HTML markup may start.
 *
 * One pass over the UTF-8 text: a '<' followed by an ASCII letter, '/' or
 * '!', or an '&' followed by an ASCII letter or '#', is a candidate.  The
 * markup stage (src/textrepair/stages/markup.py) tokenizes only there, so
 * clean text costs this scan and nothing more.  Twin: _fallback.markup.markup_candidates.
 */
#include "textrepair.h"

static int is_alpha(uint8_t b)
{
    return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
}

size_t tr_markup_candidates(const uint8_t *s, size_t n, size_t *out, size_t cap)
{
    size_t found = 0;
    size_t chars = 0;   /* code points before s[i] */
    for (size_t i = 0; i < n; i++) {
        uint8_t b = s[i];
        if ((b & 0xC0) == 0x80)
            continue;   /* continuation byte: same code point */
        if ((b == '<' || b == '&') && i + 1 < n) {
            uint8_t c = s[i + 1];
            int hit = b == '<' ? (is_alpha(c) || c == '/' || c == '!') : (is_alpha(c) || c == '#');
            if (hit && found < cap)
                out[found++] = chars;
        }
        chars++;
    }
    return found;
}
