/* scan.c -- one pass that tells which kinds of damage may be present, so
 * stages with nothing to do are skipped.  Twin: textrepair._fallback.scan_flags */
#include "textrepair.h"

static uint32_t classify(uint32_t cp)
{
    if (cp < 0x80) {
        switch (cp) {
        case '<': return TR_HAS_LT;
        case '&': return TR_HAS_AMP;
        case '(': return TR_HAS_PAREN;
        case '?': return TR_HAS_QMARK;
        case '\r': return TR_HAS_CR;
        case '\t': return TR_HAS_TAB;
        case '\n': return 0;
        default: return (cp < 0x20 || cp == 0x7F) ? TR_HAS_INVISIBLE : 0;
        }
    }
    if (cp < 0xA0) return TR_HAS_INVISIBLE | TR_HAS_LATIN1;
    if (cp == 0xA0) return TR_HAS_SPACE | TR_HAS_LATIN1;
    if (cp == 0xAD) return TR_HAS_INVISIBLE | TR_HAS_LATIN1;
    if (cp < 0x100) return TR_HAS_LATIN1;
    if ((cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F || cp == 0x3000)
        return TR_HAS_SPACE;
    if ((cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
        (cp >= 0x2060 && cp <= 0x2064) || cp == 0xFEFF)
        return TR_HAS_INVISIBLE;
    if (cp >= 0xE000 && cp <= 0xF8FF) return TR_HAS_PUA;
    if (cp >= 0xFF01 && cp <= 0xFF5E) return TR_HAS_FULLWIDTH;
    if (cp == 0xFFFD) return TR_HAS_FFFD;
    if (cp >= 0xF0000) return TR_HAS_PUA;
    return 0;
}

uint32_t tr_scan_flags(const uint8_t *s, size_t n)
{
    uint32_t flags = 0;
    size_t i = 0;
    while (i < n) {
        uint8_t b = s[i];
        if (b >= 0x80) {
            size_t len;
            uint32_t cp = tr_utf8_decode(s, n, i, &len);
            flags |= classify(cp);
            i += len;
        } else {
            /* ASCII letters, digits and most punctuation are clean. */
            if (b < 0x40 || b == 0x7F)
                flags |= classify(b);
            i += 1;
        }
    }
    return flags;
}
