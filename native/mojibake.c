/* mojibake.c -- find candidate GBK byte-shift runs.
 * Twin: textrepair._fallback.mojibake_runs (the specification).
 *
 * A run is anchored at a '?' (a lone lead byte) followed by what an
 * out-of-step cp936 decoder makes: a wide character, folded split pairs
 * ("?!", "??", "?;") or a pinyin tail whose '(' was swallowed ("?jin)"), or
 * at a folded '!'/';' that starts a piece holding an annotation.  It ends
 * where a trail byte in 0x40-0x7E (an ASCII letter) or the lone byte 0x80
 * (U+20AC) realigns the decoder, at a space or markup, or after RUN_CAP
 * code points.  The text is decoded to code points once; offsets are code
 * points. */
#include <stdlib.h>
#include "textrepair.h"

#define RUN_CAP 48

static int ascii_letter(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_space_wide(uint32_t c)
{
    return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
           c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

static int is_space_ascii(uint32_t c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
}

static int wide(uint32_t c)
{
    return c >= 0x80 && !is_space_wide(c);
}

static int in_str(uint32_t c, const char *set)
{
    for (; *set; set++)
        if ((uint32_t)(unsigned char)*set == c)
            return 1;
    return 0;
}

static int pinyin_letter(uint32_t c)
{
    size_t lo = 0, hi = tr_letter_count;
    if (ascii_letter(c))
        return 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (tr_letter_cp[mid] == c)
            return 1;
        if (tr_letter_cp[mid] < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* End of "letters)" starting at i (1-7 pinyin letters), or 0 if none. */
static size_t tail_end(const uint32_t *t, size_t n, size_t i)
{
    size_t j = i;
    while (j < n && j - i < 8 && pinyin_letter(t[j]))
        j++;
    if (j > i && j <= i + 7 && j < n && t[j] == ')')
        return j + 1;
    return 0;
}

static size_t paren_end(const uint32_t *t, size_t n, size_t i)
{
    if (i < n && t[i] == '(')
        return tail_end(t, n, i + 1);
    return 0;
}

static size_t run_end(const uint32_t *t, size_t n, size_t i)
{
    size_t start = i, cap = i + RUN_CAP;
    while (i < n && i < cap) {
        uint32_t c = t[i];
        size_t end = paren_end(t, n, i);
        if (end) {
            i = end;
            continue;
        }
        if (c == '?') {
            end = tail_end(t, n, i + 1);
            if (!end && i > start + 1 && i + 2 < n && in_str(t[i + 1], "!;,") && wide(t[i + 2]))
                return i;
            i = end ? end : i + 1;
            continue;
        }
        if (c == 0x20AC)
            return i + 1;
        if (wide(c))
            i++;
        else if (c >= 0x40 && c <= 0x7E)
            return i + 1;
        else if (c >= 0x21 && c <= 0x3F && !in_str(c, "<>\"'&()"))
            i++;
        else
            return i;
    }
    return i < n ? i : n;
}

static size_t run_start(const uint32_t *t, size_t p)
{
    if (p >= 2 && t[p - 1] == ')') {
        size_t j = p - 2;
        while (j > 0 && p - j <= 9 && t[j] != '(')
            j--;
        if (j >= 1 && p - j <= 9 && t[j] == '(' && tail_end(t, p, j + 1) == p && wide(t[j - 1]))
            return j - 1;
    }
    if (p >= 1 && wide(t[p - 1]))
        return p - 1;
    return p;
}

static int anchor(const uint32_t *t, size_t n, size_t p)
{
    uint32_t c = t[p];
    if (c == '?') {
        size_t k = p + 1;
        if (k < n && wide(t[k]))
            return 1;
        while (k < n && k - p <= 3 && in_str(t[k], "!,;:?"))
            k++;
        if (k > p + 1 && k < n && wide(t[k]))
            return 1;
        if (k > p + 2 && p > 0 && wide(t[p - 1]) &&
            (k == n || is_space_ascii(t[k]) || is_space_wide(t[k]) || ascii_letter(t[k])))
            return 1;
        return tail_end(t, n, p + 1) != 0;
    }
    if ((c == '!' || c == ';') && p + 1 < n && wide(t[p + 1])) {
        size_t k;
        for (k = p + 2; k < n && k < p + 6; k++) {
            if (paren_end(t, n, k))
                return 1;
            if (!wide(t[k]))
                break;
        }
    }
    return 0;
}

int tr_mojibake_runs(const uint8_t *s, size_t n, tr_mojibake_run *out, size_t cap, size_t *found)
{
    uint32_t *t;
    size_t len = 0, i = 0, p = 0, last_end = 0, count = 0;
    int any = 0;
    *found = 0;
    for (i = 0; i < n; i++)
        if (s[i] == '?' || s[i] == '!' || s[i] == ';')
            any = 1;
    if (!any)
        return 0;
    t = malloc((n ? n : 1) * sizeof *t);
    if (!t)
        return -1;
    for (i = 0; i < n;) {
        size_t l;
        t[len++] = tr_utf8_decode(s, n, i, &l);
        i += l;
    }
    /* The last run stays pending in (rs, re) while the next one may merge. */
    size_t rs = 0, re = 0;
    int pending = 0;
    while (p < len) {
        if ((t[p] == '?' || t[p] == '!' || t[p] == ';') && anchor(t, len, p)) {
            size_t start = run_start(t, p), end = run_end(t, len, p);
            if (start < last_end)
                start = last_end;
            if (pending && start <= re) {
                start = rs;
            } else if (pending) {
                if (count < cap) {
                    out[count].start_char = rs;
                    out[count].end_char = re;
                    out[count].kind = TR_MOJIBAKE_SHIFT;
                }
                count++;
            }
            rs = start;
            re = end;
            pending = 1;
            last_end = end;
            p = end > p + 1 ? end : p + 1;
            continue;
        }
        p++;
    }
    if (pending) {
        if (count < cap) {
            out[count].start_char = rs;
            out[count].end_char = re;
            out[count].kind = TR_MOJIBAKE_SHIFT;
        }
        count++;
    }
    free(t);
    *found = count;
    return 0;
}
