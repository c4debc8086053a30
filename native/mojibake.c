/* mojibake.c -- find candidate GBK byte-shift runs.
 * Twin: textrepair._fallback.mojibake.mojibake_runs (the specification).
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
#include <string.h>
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

int tr_pinyin_letter(uint32_t c)
{
    size_t lo = 0, hi = tr_letter_count;
    if (ascii_letter(c))
        return 1;
    if (c < 0xC0)
        return 0;  /* the table's letters start at U+00C0 */
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
    while (j < n && j - i < 8 && tr_pinyin_letter(t[j]))
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

static uint16_t mj_class(uint32_t c);

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
        /* "?,F在", "?,F(xiàn)": the piece's first pair realigns at once on an ASCII-range trail. */
        if (k > p + 1 && k + 1 < n && t[k] >= 0x40 && t[k] <= 0x7E && (wide(t[k + 1]) || paren_end(t, n, k + 1)) &&
            p > 0 && wide(t[p - 1]))
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
    /* A piece whose lone lead the decoder dropped with no mark: a folded
     * split pair between wide characters, salad right after it ("字!笆"). */
    if (in_str(c, "!;?,") && p > 0 && wide(t[p - 1]) && p + 1 < n && wide(t[p + 1])) {
        size_t k;
        for (k = p + 1; k < n && k < p + 4 && wide(t[k]); k++)
            if (mj_class(t[k]) & TR_MJ_RARE)
                return 1;
    }
    return 0;
}

static void emit(tr_mojibake_run *out, size_t cap, size_t *count, size_t start, size_t end, uint32_t kind)
{
    if (*count < cap) {
        out[*count].start_char = start;
        out[*count].end_char = end;
        out[*count].kind = kind;
    }
    (*count)++;
}

/* The byte-shift runs of the decoded text t[0..len), appended to out; when
 * marks is not NULL it lists, in order, every position of t that holds one
 * of ?!;, (the caller found them in its own pass), and only those are
 * visited: the same runs, without reading the text a second time. */
static void shift_runs_of(const uint32_t *t, size_t len, const size_t *marks, size_t nmarks,
                          tr_mojibake_run *out, size_t cap, size_t *count)
{
    size_t p = 0, last_end = 0, rs = 0, re = 0, m = 0;
    int pending = 0;
    /* The last run stays pending in (rs, re) while the next one may merge. */
    while (p < len) {
        if (marks) {
            while (m < nmarks && marks[m] < p)
                m++;
            if (m == nmarks)
                break;
            p = marks[m];
        }
        if (tr_mj_anchor_char(t[p]) && anchor(t, len, p)) {
            size_t start = run_start(t, p), end = run_end(t, len, p);
            if (start < last_end)
                start = last_end;
            if (pending && start <= re)
                start = rs;
            else if (pending)
                emit(out, cap, count, rs, re, TR_MOJIBAKE_SHIFT);
            rs = start;
            re = end;
            pending = 1;
            last_end = end;
            p = end > p + 1 ? end : p + 1;
            continue;
        }
        p++;
    }
    if (pending)
        emit(out, cap, count, rs, re, TR_MOJIBAKE_SHIFT);
}

static void shift_runs(const uint32_t *t, size_t len, tr_mojibake_run *out, size_t cap, size_t *count)
{
    shift_runs_of(t, len, NULL, 0, out, cap, count);
}

static int has_anchor_byte(const uint8_t *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (tr_mj_anchor_char(s[i]))
            return 1;
    return 0;
}

/* Decode s into a fresh array of code points (*len of them), or NULL. */
static uint32_t *decode_all(const uint8_t *s, size_t n, size_t *len)
{
    uint32_t *t = malloc((n ? n : 1) * sizeof *t);
    size_t i = 0, l;
    *len = 0;
    if (!t)
        return NULL;
    while (i < n) {
        t[(*len)++] = tr_utf8_decode_inline(s, n, i, &l);
        i += l;
    }
    return t;
}

int tr_mojibake_runs(const uint8_t *s, size_t n, tr_mojibake_run *out, size_t cap, size_t *found)
{
    uint32_t *t;
    size_t len, count = 0;
    *found = 0;
    if (!has_anchor_byte(s, n))
        return 0;
    t = decode_all(s, n, &len);
    if (!t)
        return -1;
    shift_runs(t, len, out, cap, &count);
    free(t);
    *found = count;
    return 0;
}

/* ---- tr_mojibake_scan ---------------------------------------------------
 * Twin: textrepair._fallback.mojibake.mojibake_scan.  One pass classifies each code
 * point with the generated table and keeps, per mechanism, the stretch it is
 * in:
 * - RARE: maximal stretches without a space that hold a rare character,
 *   not counting the CJK brackets and corner quotes (window_exempt) nor a
 *   tone letter inside "(letters)" (1-7 pinyin letters): clean pages write
 *   them, and a stretch has other rare characters when it is mojibake;
 * - LATIN1/CP1252/CP1250: maximal chains H (A? H)* A? of that code page's
 *   high characters H, each maybe followed by one ASCII byte A in 0x40-0x7E
 *   (what `(?:[H][\x40-\x7e]?){2,}` matches), with two H or more and a letter;
 * - FTFY: maximal CJK-free stretches holding a C1 control, or a LEAD
 *   character followed by a CONT one.
 * The byte-shift runs need look-behind and look-ahead, so when the text has
 * an anchor byte the pass also keeps the code points for shift_runs. */

static uint16_t mj_class(uint32_t c)
{
    return tr_mj_class(c);
}

/* Rare to the model, yet written by every clean page: 【】「」『』〔〕〖〗.
 * They start no rare window (they still count inside one). */
static int window_exempt(uint32_t c)
{
    return c >= 0x300C && c <= 0x3017 && c != 0x3012 && c != 0x3013;
}

static int group_step(tr_mj_group *g, uint32_t c, uint16_t k, int *counts)
{
    *counts = 0;
    if (g->open) {
        if (c == ')' && g->letters >= 1 && g->letters <= 7) {
            g->open = 0;
            return 0;
        }
        if (g->letters < 7 && tr_pinyin_letter(c)) {
            g->letters++;
            if (k & TR_MJ_RARE)
                g->rare = 1;
            return 1;
        }
        g->open = 0;
        *counts = g->rare;
    }
    if (c == '(') {
        g->open = 1;
        g->letters = 0;
        g->rare = 0;
    }
    return 0;
}

static void chain_step(tr_mj_chain *ch, uint32_t c, uint16_t k, size_t i, tr_mojibake_run *out, size_t cap,
                       size_t *count)
{
    if (k & ch->bit) {
        if (!ch->state) {
            ch->start = i;
            ch->highs = 0;
            ch->letter = 0;
        }
        ch->highs++;
        ch->state = 1;
        if (k & TR_MJ_ALPHA)
            ch->letter = 1;
        return;
    }
    if (ch->state == 1 && c >= 0x40 && c <= 0x7E) {
        ch->state = 2;
        if (ascii_letter(c))
            ch->letter = 1;
        return;
    }
    if (ch->state && ch->highs >= 2 && ch->letter)
        emit(out, cap, count, ch->start, i, ch->kind);
    ch->state = 0;
}

void tr_mj_begin(tr_mj_state *st)
{
    static const uint16_t bits[3] = {TR_MJ_LATIN1, TR_MJ_CP1252, TR_MJ_CP1250};
    static const uint32_t kinds[3] = {TR_MOJIBAKE_LATIN1, TR_MOJIBAKE_CP1252, TR_MOJIBAKE_CP1250};
    size_t j;
    memset(st, 0, sizeof *st);
    for (j = 0; j < 3; j++) {
        st->chains[j].bit = bits[j];
        st->chains[j].kind = kinds[j];
    }
}

void tr_mj_step(tr_mj_state *st, uint32_t c, uint16_t k, tr_mojibake_run *out, size_t cap, size_t *count)
{
    size_t j, len = st->len;
    int counts, inside;
    /* rare windows */
    inside = group_step(&st->group, c, k, &counts);
    if (counts)
        st->word_rare = 1;
    if (k & TR_MJ_SPACE) {
        if (st->word_rare)
            emit(out, cap, count, st->word_start, len, TR_MOJIBAKE_RARE);
        st->word_rare = 0;
        st->word_start = len + 1;
    } else if ((k & TR_MJ_RARE) && !inside && !window_exempt(c)) {
        st->word_rare = 1;
    }
    /* single-byte code page chains */
    for (j = 0; j < 3; j++)
        if (st->chains[j].state || (k & st->chains[j].bit))
            chain_step(&st->chains[j], c, k, len, out, cap, count);
    /* ftfy: the pair (previous LEAD, this CONT) marks the open stretch */
    if (st->prev_lead && st->in_seg && (k & TR_MJ_CONT))
        st->seg_marked = 1;
    if (k & TR_MJ_CJK) {
        if (st->in_seg && st->seg_marked)
            emit(out, cap, count, st->seg_start, len, TR_MOJIBAKE_FTFY);
        st->in_seg = 0;
    } else {
        if (!st->in_seg) {
            st->in_seg = 1;
            st->seg_start = len;
            st->seg_marked = 0;
        }
        if (c >= 0x80 && c <= 0x9F)
            st->seg_marked = 1;
    }
    st->prev_lead = (k & TR_MJ_LEAD) != 0;
    st->len = len + 1;
}

void tr_mj_end(tr_mj_state *st, tr_mojibake_run *out, size_t cap, size_t *count)
{
    size_t j, len = st->len;
    if (st->group.open && st->group.rare)
        st->word_rare = 1;
    if (st->word_rare)
        emit(out, cap, count, st->word_start, len, TR_MOJIBAKE_RARE);
    for (j = 0; j < 3; j++)
        if (st->chains[j].state && st->chains[j].highs >= 2 && st->chains[j].letter)
            emit(out, cap, count, st->chains[j].start, len, st->chains[j].kind);
    if (st->in_seg && st->seg_marked)
        emit(out, cap, count, st->seg_start, len, TR_MOJIBAKE_FTFY);
}

void tr_mj_shift_runs(const uint32_t *t, size_t len, const size_t *marks, size_t nmarks, tr_mojibake_run *out,
                      size_t cap, size_t *count)
{
    shift_runs_of(t, len, marks, nmarks, out, cap, count);
}

int tr_mojibake_scan(const uint8_t *s, size_t n, tr_mojibake_run *out, size_t cap, size_t *found)
{
    uint32_t *t = NULL;
    size_t i = 0, count = 0, l;
    tr_mj_state st;
    *found = 0;
    if (has_anchor_byte(s, n)) {
        t = malloc((n ? n : 1) * sizeof *t);
        if (!t)
            return -1;
    }
    tr_mj_begin(&st);
    while (i < n) {
        uint32_t c;
        uint16_t k;
        if (s[i] < 0x80) {
            c = s[i];
            l = 1;
            k = tr_mj_ascii_class(c);
        } else {
            c = tr_utf8_decode_inline(s, n, i, &l);
            k = mj_class(c);
        }
        i += l;
        if (t)
            t[st.len] = c;
        tr_mj_step(&st, c, k, out, cap, &count);
    }
    tr_mj_end(&st, out, cap, &count);
    if (t) {
        shift_runs(t, st.len, out, cap, &count);
        free(t);
    }
    *found = count;
    return 0;
}
