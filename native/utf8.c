/* utf8.c -- UTF-8 decoding shared by the scanners (the body is the inline
 * copy in textrepair.h, so hot loops in other files can inline it). */
#include "textrepair.h"

uint32_t tr_utf8_decode(const uint8_t *s, size_t n, size_t i, size_t *len)
{
    return tr_utf8_decode_inline(s, n, i, len);
}
