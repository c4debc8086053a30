/* scan.c -- one pass that tells which kinds of damage may be present, so
 * stages with nothing to do are skipped.  Twin: textrepair._fallback.scan_flags
 *
 * Speed: most bytes of Chinese text start a three-byte sequence whose every
 * code point is clean (U+4000..U+DFFF), so a per-byte action table lets the
 * loop skip such a character after two bit tests instead of decoding it. */
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

/* The flag of each ASCII byte (classify on 0..0x7F, spelled out). */
#define INV TR_HAS_INVISIBLE
static const uint16_t ascii_flags[128] = {
    INV, INV, INV, INV, INV, INV, INV, INV, INV, TR_HAS_TAB, 0, INV, INV, TR_HAS_CR, INV, INV,
    INV, INV, INV, INV, INV, INV, INV, INV, INV, INV, INV, INV, INV, INV, INV, INV,
    ['&'] = TR_HAS_AMP, ['('] = TR_HAS_PAREN, ['<'] = TR_HAS_LT, ['?'] = TR_HAS_QMARK,
    [0x7F] = INV,
};
#undef INV

/* What the scanner does on each byte value. */
enum {
    CLEAN = 0,   /* a clean ASCII byte */
    ASCII,       /* an ASCII byte with a flag: classify it */
    SKIP2,       /* lead of U+0100..U+07FF: clean when well formed */
    SKIP3,       /* lead of U+1000..U+1FFF or U+4000..U+DFFF: clean when well formed */
    DECODE       /* anything else: decode and classify */
};

#define A_ ASCII
#define C_ CLEAN
#define D_ DECODE
/* Rows of 16 byte values.  ASCII: controls, '\t' '\r' '&' '(' '<' '?' and
 * DEL carry flags ('\n' is clean but cheap to classify). */
static const uint8_t action[256] = {
    A_, A_, A_, A_, A_, A_, A_, A_, A_, A_, A_, A_, A_, A_, A_, A_, /* 0x00 */
    A_, A_, A_, A_, A_, A_, A_, A_, A_, A_, A_, A_, A_, A_, A_, A_, /* 0x10 */
    C_, C_, C_, C_, C_, C_, A_, C_, A_, C_, C_, C_, C_, C_, C_, C_, /* 0x20 */
    C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, A_, C_, C_, A_, /* 0x30 */
    C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, /* 0x40 */
    C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, /* 0x50 */
    C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, /* 0x60 */
    C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, C_, A_, /* 0x70 */
    D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, /* 0x80 stray */
    D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, /* 0x90 */
    D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, /* 0xA0 */
    D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, /* 0xB0 */
    D_, D_, D_, D_, SKIP2, SKIP2, SKIP2, SKIP2,                     /* 0xC0: C2/C3 Latin-1 */
    SKIP2, SKIP2, SKIP2, SKIP2, SKIP2, SKIP2, SKIP2, SKIP2,
    SKIP2, SKIP2, SKIP2, SKIP2, SKIP2, SKIP2, SKIP2, SKIP2,         /* 0xD0 */
    SKIP2, SKIP2, SKIP2, SKIP2, SKIP2, SKIP2, SKIP2, SKIP2,
    D_, SKIP3, D_, D_, SKIP3, SKIP3, SKIP3, SKIP3,                  /* 0xE0: E0 overlong, E2/E3 flagged */
    SKIP3, SKIP3, SKIP3, SKIP3, SKIP3, SKIP3, D_, D_,               /* EE/EF: PUA, fullwidth, BOM, FFFD */
    D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, /* 0xF0: four bytes, invalid */
};
#undef A_
#undef C_
#undef D_

static int is_cont(uint8_t b) { return (b & 0xC0) == 0x80; }

uint32_t tr_scan_flags(const uint8_t *s, size_t n)
{
    uint32_t flags = 0;
    size_t i = 0;
    while (i < n) {
        uint8_t b = s[i];
        switch (action[b]) {
        case CLEAN:
            i += 1;
            continue;
        case ASCII:
            flags |= ascii_flags[b];
            i += 1;
            continue;
        case SKIP3:
            if (i + 2 < n && is_cont(s[i + 1]) && is_cont(s[i + 2])) {
                i += 3;
                continue;
            }
            break;
        case SKIP2:
            if (i + 1 < n && is_cont(s[i + 1])) {
                i += 2;
                continue;
            }
            break;
        default:
            /* Leads whose characters are mostly clean or already flagged,
             * skipped without decoding when well formed:
             * U+3001..U+3FFF (only U+3000 has a flag; 。、「」 are here),
             * U+2080..U+2FFF (no flags), U+00C0..U+00FF once HAS_LATIN1 is
             * set, U+FF00..U+FF7F once HAS_FULLWIDTH is set (，：is here),
             * U+E000..U+F8FF once HAS_PUA is set. */
            if (b >= 0xE2 && b <= 0xEF && i + 2 < n && is_cont(s[i + 1]) && is_cont(s[i + 2])) {
                uint8_t c = s[i + 1];
                if ((b == 0xE3 && !(c == 0x80 && s[i + 2] == 0x80)) || (b == 0xE2 && c >= 0x82) ||
                    (b == 0xEF && (c == 0xBC || c == 0xBD) && (flags & TR_HAS_FULLWIDTH)) ||
                    ((b == 0xEE || (b == 0xEF && c <= 0xA3)) && (flags & TR_HAS_PUA))) {
                    i += 3;
                    continue;
                }
            } else if (b == 0xC3 && (flags & TR_HAS_LATIN1) && i + 1 < n && is_cont(s[i + 1])) {
                i += 2;
                continue;
            }
            break;
        }
        /* DECODE, or a malformed sequence: decode as the twin's decoder does. */
        size_t len;
        uint32_t cp = tr_utf8_decode_inline(s, n, i, &len);
        flags |= classify(cp);
        i += len;
    }
    return flags;
}
