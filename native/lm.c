/* lm.c -- the language model of the mojibake stage: the character bigram
 * model's scores, the word model's best segmentation, and the walk of the
 * word table that proposes the fillings of lost characters (tr_word_fits).
 *
 * Twin: textrepair._fallback.lm (the specification).  Both read the same
 * bytes (the data files, mapped by the caller) and add the same doubles in
 * the same order, so results agree to the bit: a word's ln P is the float32
 * of the table widened to double, a backoff character costs
 * ln_beta + ln_uni[c] (that sum first), and the lattice takes a candidate
 * only when it is strictly better, candidates reaching an end in order of
 * their start and, from one start, shortest first.  No globals; every
 * buffer is freed before a function returns. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "textrepair.h"

/* ---- the character model ------------------------------------------------- */

double tr_char_logp(const tr_char_model *m, int32_t prev, uint32_t ch)
{
    tr_char_prev p;
    tr_char_prev_of(m, prev, &p);
    return tr_char_logp_after(m, &p, ch);
}

double tr_char_score(const tr_char_model *m, const uint32_t *text, size_t len, int32_t before, int32_t after)
{
    tr_char_prev p;
    double total = 0.0;
    int32_t prev = before;
    size_t i;
    for (i = 0; i < len; i++) {
        tr_char_prev_of(m, prev, &p);
        total = total + tr_char_logp_after(m, &p, text[i]);
        prev = (int32_t)text[i];
    }
    if (after >= 0) {
        tr_char_prev_of(m, prev, &p);
        total = total + tr_char_logp_after(m, &p, (uint32_t)after);
    }
    return total;
}

/* The sum runs over left, the candidate, right in order, as tr_char_score's
 * over their concatenation: the partial sum after left is the same double for
 * every candidate, so it is taken once. */
int tr_char_scores(const tr_char_model *m, const uint32_t *left, size_t left_len, const uint32_t *cands,
                   const size_t *ends, size_t count, const uint32_t *right, size_t right_len, double *scores)
{
    tr_char_prev p;
    double base = 0.0, *terms = NULL;
    int32_t base_prev = -1;
    size_t i, k, from = 0;
    for (k = 0; k < count; k++)
        if (ends[k] < (k ? ends[k - 1] : 0))
            return -2;
    /* The right context's terms after its first character are the same for
     * every candidate: looked up once, then added in order as before (without
     * room for them, each candidate looks them up again). */
    if (right_len > 1 && count > 1 && right_len < SIZE_MAX / sizeof *terms)
        terms = malloc(right_len * sizeof *terms);
    if (terms)
        for (i = 1; i < right_len; i++) {
            tr_char_prev_of(m, (int32_t)right[i - 1], &p);
            terms[i] = tr_char_logp_after(m, &p, right[i]);
        }
    for (i = 0; i < left_len; i++) {
        tr_char_prev_of(m, base_prev, &p);
        base = base + tr_char_logp_after(m, &p, left[i]);
        base_prev = (int32_t)left[i];
    }
    for (k = 0; k < count; k++) {
        double total = base;
        int32_t prev = base_prev;
        for (i = from; i < ends[k]; i++) {
            tr_char_prev_of(m, prev, &p);
            total = total + tr_char_logp_after(m, &p, cands[i]);
            prev = (int32_t)cands[i];
        }
        for (i = 0; i < right_len; i++) {
            if (i && terms) {
                total = total + terms[i];
                continue;
            }
            tr_char_prev_of(m, prev, &p);
            total = total + tr_char_logp_after(m, &p, right[i]);
            prev = (int32_t)right[i];
        }
        scores[k] = total;
        from = ends[k];
    }
    free(terms);
    return 0;
}

/* ---- indexes of the two hash tables (no twin: only sooner) ---------------------- */

/* Which occupied slots of a linear-probing table the probe reaches from
 * their home without meeting a free slot: reach[s] = 1 for those.  home[s]
 * is the home of slot s's entry (its value for a free slot is not read);
 * free_at(s) says whether slot s is free.  A table with no free slot is
 * walked whole: every entry is reached.  (A key held twice is found at the
 * first copy only; the builders check for that.) */
static void reached(size_t slots, const uint32_t *home, const unsigned char *is_free, unsigned char *reach)
{
    size_t s, k, start = slots, last;
    for (s = 0; s < slots; s++)
        if (is_free[s]) {
            start = s;
            break;
        }
    if (start == slots) {
        for (s = 0; s < slots; s++)
            reach[s] = 1;
        return;
    }
    last = start;
    s = start;
    for (k = 1; k <= slots; k++) {  /* from the slot after a free one, round the table */
        size_t to_home, to_free;
        if (++s == slots)
            s = 0;
        if (is_free[s]) {
            reach[s] = 0;
            last = s;
            continue;
        }
        /* reached iff the walk from home to s passes no free slot: home lies after the last free one */
        to_home = s >= home[s] ? s - home[s] : s + slots - home[s];
        to_free = s >= last ? s - last : s + slots - last;
        reach[s] = (unsigned char)(to_home < to_free);
    }
}

/* Counting sort of the pairs src[0..n) (key, value) into dst, stable, by
 * bits [shift, shift + width) of the key; count has 2^width + 1 entries. */
static void radix_pass(const uint32_t *src, uint32_t *dst, size_t n, unsigned shift, unsigned width, size_t *count)
{
    size_t i, buckets = (size_t)1 << width, mask = buckets - 1;
    for (i = 0; i <= buckets; i++)
        count[i] = 0;
    for (i = 0; i < n; i++)
        count[((src[2 * i] >> shift) & mask) + 1]++;
    for (i = 1; i <= buckets; i++)
        count[i] += count[i - 1];
    for (i = 0; i < n; i++) {
        size_t k = count[(src[2 * i] >> shift) & mask]++;
        dst[2 * k] = src[2 * i];
        dst[2 * k + 1] = src[2 * i + 1];
    }
}

/* Distributes the pairs src[0..n) (key, value), stably, into groups by
 * group[i] < groups: out[2k] = key, out[2k + 1] = value; at[g] the start of
 * group g (groups + 1 offsets).  A group's pairs keep src's order. */
static void group_pairs(const uint32_t *src, const uint32_t *group, size_t n, size_t groups, uint32_t *at,
                        uint32_t *out)
{
    size_t i;
    for (i = 0; i <= groups; i++)
        at[i] = 0;
    for (i = 0; i < n; i++)
        at[group[i] + 1]++;
    for (i = 1; i <= groups; i++)
        at[i] += at[i - 1];
    for (i = 0; i < n; i++) {
        size_t k = at[group[i]]++;
        out[2 * k] = src[2 * i];
        out[2 * k + 1] = src[2 * i + 1];
    }
    for (i = groups; i > 0; i--)
        at[i] = at[i - 1];
    at[0] = 0;
}

/* Does some group of the index hold a key twice (adjacent: sorted)? */
static int repeats(const uint32_t *at, const uint32_t *list, size_t groups)
{
    size_t g, i;
    for (g = 0; g < groups; g++)
        for (i = at[g] + 1; i < at[g + 1]; i++)
            if (list[2 * i] == list[2 * i - 2])
                return 1;
    return 0;
}

size_t tr_char_bigrams(const tr_char_model *m, uint32_t *next_at, uint32_t *next, uint32_t *prev_at, uint32_t *prev,
                       size_t cap)
{
    size_t s, n = 0, k, slots = m->slots, chars = m->chars;
    uint32_t *home = calloc(slots ? slots : 1, sizeof *home), *pairs = NULL, *group = NULL;
    unsigned char *is_free = calloc(slots ? slots : 1, 1), *reach = calloc(slots ? slots : 1, 1);
    size_t result = SIZE_MAX;
    if (!home || !is_free || !reach)
        goto done;
    for (s = 0; s < slots; s++) {
        uint32_t key = m->bi_key[s];
        is_free[s] = key == TR_SLOT_EMPTY;
        home[s] = (uint32_t)tr_bigram_slot(key, slots);
    }
    reached(slots, home, is_free, reach);
    for (s = 0; s < slots; s++) {  /* listed: reached, of two modelled characters */
        uint32_t key = m->bi_key[s];
        reach[s] = reach[s] && !is_free[s] && (key >> 16) < chars && (key & 0xFFFF) < chars;
        n += reach[s];
    }
    if (n > cap) {
        result = n;
        goto done;
    }
    pairs = calloc(n ? 2 * n : 1, sizeof *pairs);
    group = calloc(n ? n : 1, sizeof *group);
    if (!pairs || !group)
        goto done;
    /* (next character, slot) in slot order, grouped by previous character:
     * sorted by next character first, each group is so sorted too. */
    for (s = k = 0; s < slots; s++)
        if (reach[s]) {
            prev[2 * k] = m->bi_key[s] & 0xFFFF;
            prev[2 * k + 1] = (uint32_t)s;
            k++;
        }
    {
        size_t count[257];
        radix_pass(prev, pairs, n, 0, 8, count);
        radix_pass(pairs, prev, n, 8, 8, count);
    }
    for (k = 0; k < n; k++)
        group[k] = m->bi_key[prev[2 * k + 1]] >> 16;
    group_pairs(prev, group, n, chars, next_at, next);
    /* (previous character, slot) grouped by next character, from the index
     * by previous character (sorted by it): each group sorted by it. */
    for (k = 0; k < n; k++) {
        pairs[2 * k] = m->bi_key[next[2 * k + 1]] >> 16;
        pairs[2 * k + 1] = next[2 * k + 1];
        group[k] = next[2 * k];
    }
    group_pairs(pairs, group, n, chars, prev_at, prev);
    result = repeats(next_at, next, chars) ? SIZE_MAX : n;  /* a key twice: no index, the probes stay */
done:
    free(home);
    free(is_free);
    free(reach);
    free(pairs);
    free(group);
    return result;
}

/* ---- the fold ---------------------------------------------------------------- */

/* fold_map: the table's simplified character, then fullwidth ASCII to ASCII. */
static uint32_t fold_cp(const tr_word_model *w, uint32_t c)
{
    size_t lo = 0, hi = w->folds;
    if (c < 0x10000 && w->fold_bmp)
        return w->fold_bmp[c];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (w->fold_from[mid] < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < w->folds && w->fold_from[lo] == c)
        c = w->fold_to[lo];
    return c >= 0xFF01 && c <= 0xFF5E ? c - 0xFEE0 : c;
}

void tr_lm_fold(const tr_word_model *w, const uint32_t *text, size_t len, uint32_t *out)
{
    size_t i;
    for (i = 0; i < len; i++)
        out[i] = fold_cp(w, text[i]);
}

/* ---- the word table ------------------------------------------------------------ */

/* Home slot of the node (parent, cp) (lm.child_slot): murmur3's finaliser, scaled. */
static size_t word_slot(uint32_t parent, uint32_t cp, size_t slots)
{
    uint32_t x = parent ^ (cp * 0x9E3779B1u);
    x ^= x >> 16;
    x *= 0x85EBCA6Bu;
    x ^= x >> 13;
    x *= 0xC2B2AE35u;
    x ^= x >> 16;
    return (size_t)(((uint64_t)x * (uint64_t)slots) >> 32);
}

/* The node (parent, cp), or -1 (WordModel.child): the table's probe. */
static long probe_child(const tr_word_model *w, uint32_t parent, uint32_t cp)
{
    size_t s, n;
    if (!w->slots)
        return -1;
    s = word_slot(parent, cp, w->slots);
    for (n = 0; n < w->slots; n++) {
        uint32_t p = w->slot[3 * s];
        if (p == parent && (w->slot[3 * s + 1] & TR_WORD_CP_MASK) == cp)
            return (long)s;
        if (p == TR_SLOT_EMPTY)
            return -1;
        if (++s == w->slots)
            s = 0;
    }
    return -1;
}

/* The node (parent, cp), or -1: a binary search of the parent's children
 * when the index is there (a short list in one place, where a probe is a
 * cache miss in megabytes), else the probe. */
static long word_child(const tr_word_model *w, uint32_t parent, uint32_t cp)
{
    if (w->child_at && parent < w->slots) {
        size_t lo = w->child_at[parent], hi = w->child_at[parent + 1], end = hi;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (w->child[2 * mid] < cp)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo < end && w->child[2 * lo] == cp ? (long)w->child[2 * lo + 1] : -1;
    }
    return probe_child(w, parent, cp);
}

/* Sorts the pairs v[0..n) by their first value (heapsort, in place). */
static void sort_pairs(uint32_t *v, size_t n)
{
    size_t end, i;
    for (i = n / 2; i-- > 0;) {
        size_t r = i;
        uint32_t a = v[2 * r], b = v[2 * r + 1];
        for (;;) {
            size_t c = 2 * r + 1;
            if (c >= n)
                break;
            if (c + 1 < n && v[2 * (c + 1)] > v[2 * c])
                c++;
            if (!(v[2 * c] > a))
                break;
            v[2 * r] = v[2 * c];
            v[2 * r + 1] = v[2 * c + 1];
            r = c;
        }
        v[2 * r] = a;
        v[2 * r + 1] = b;
    }
    for (end = n; end > 1; end--) {
        size_t r = 0, last = end - 1;
        uint32_t a = v[2 * last], b = v[2 * last + 1];
        v[2 * last] = v[0];
        v[2 * last + 1] = v[1];
        for (;;) {
            size_t c = 2 * r + 1;
            if (c >= last)
                break;
            if (c + 1 < last && v[2 * (c + 1)] > v[2 * c])
                c++;
            if (!(v[2 * c] > a))
                break;
            v[2 * r] = v[2 * c];
            v[2 * r + 1] = v[2 * c + 1];
            r = c;
        }
        v[2 * r] = a;
        v[2 * r + 1] = b;
    }
}

size_t tr_word_children(const tr_word_model *w, uint32_t *at, uint32_t *child, size_t cap)
{
    size_t s, n = 0, k, slots = w->slots;
    uint32_t *home = calloc(slots ? slots : 1, sizeof *home), *pairs = NULL, *group = NULL;
    unsigned char *is_free = calloc(slots ? slots : 1, 1), *reach = calloc(slots ? slots : 1, 1);
    size_t result = SIZE_MAX;
    if (!home || !is_free || !reach)
        goto done;
    for (s = 0; s < slots; s++) {
        uint32_t parent = w->slot[3 * s];
        is_free[s] = parent == TR_SLOT_EMPTY;
        home[s] = (uint32_t)word_slot(parent, w->slot[3 * s + 1] & TR_WORD_CP_MASK, slots);
    }
    reached(slots, home, is_free, reach);
    for (s = 0; s < slots; s++) {  /* listed: reached, under a node (the root's are probed) */
        reach[s] = reach[s] && !is_free[s] && w->slot[3 * s] < slots;
        n += reach[s];
    }
    if (n > cap) {
        result = n;
        goto done;
    }
    pairs = calloc(n ? 2 * n : 1, sizeof *pairs);
    group = calloc(n ? n : 1, sizeof *group);
    if (!pairs || !group)
        goto done;
    /* (code point, slot) sorted by code point (21 bits), then grouped by parent. */
    for (s = k = 0; s < slots; s++)
        if (reach[s]) {
            child[2 * k] = w->slot[3 * s + 1] & TR_WORD_CP_MASK;
            child[2 * k + 1] = (uint32_t)s;
            k++;
        }
    {
        size_t count[129];
        radix_pass(child, pairs, n, 0, 7, count);
        radix_pass(pairs, child, n, 7, 7, count);
        radix_pass(child, pairs, n, 14, 7, count);
    }
    for (k = 0; k < n; k++)
        group[k] = w->slot[3 * (size_t)pairs[2 * k + 1]];
    group_pairs(pairs, group, n, slots, at, child);
    result = repeats(at, child, slots) ? SIZE_MAX : n;  /* a node twice: no index, the probes stay */
done:
    free(home);
    free(is_free);
    free(reach);
    free(pairs);
    free(group);
    return result;
}

static double word_logp(const tr_word_model *w, size_t s)
{
    float f;
    memcpy(&f, &w->slot[3 * s + 2], sizeof f);
    return (double)f;
}

/* What a character in no word costs (WordModel.backoff). */
static double backoff(const tr_word_model *w, uint32_t c)
{
    long q = tr_char_index(w->chars, c);
    double u = q >= 0 ? w->chars->ln_uni[q] : w->chars->ln_uni_unknown;
    return w->ln_beta + u;
}

/* Where the lattice keeps the last token of each end (NULL: scores only). */
typedef struct {
    size_t *start;
    double *token;
    unsigned char *in_table;
} lattice_trace;

static void take(double *best, lattice_trace *tr, size_t j, double cand, size_t i, double lp, int in_table)
{
    if (!(cand > best[j]))
        return;
    best[j] = cand;
    if (tr) {
        tr->start[j] = i;
        tr->token[j] = lp;
        tr->in_table[j] = (unsigned char)in_table;
    }
}

/* WordModel.best over t[0..n) (folded), for the starts from..until-1
 * (until <= n): best[0..n] must hold the scores of the ends up to from and
 * -inf after (or what the starts before from took there). */
static void lattice(const tr_word_model *w, const uint32_t *t, size_t n, size_t from, double *best,
                    lattice_trace *tr, size_t until)
{
    size_t i;
    for (i = from; i < until; i++) {
        double base = best[i];
        int single = 0;
        uint32_t node = TR_WORD_ROOT;
        size_t j = i;
        while (j < n && j - i < w->max_len) {
            long s = word_child(w, node, t[j]);
            uint32_t flags;
            if (s < 0)
                break;
            node = (uint32_t)s;
            j++;
            flags = w->slot[3 * (size_t)s + 1];
            if (flags & TR_WORD_IS_WORD) {
                double lp = word_logp(w, (size_t)s);
                single = single || j == i + 1;
                take(best, tr, j, base + lp, i, lp, 1);
            }
            if (!(flags & TR_WORD_HAS_CHILDREN))
                break;
        }
        if (!single) {
            double lp = backoff(w, t[i]);
            take(best, tr, i + 1, base + lp, i, lp, 0);
        }
    }
}

/* Folded copy of text and a lattice row of n + 1 scores, or -1. */
static int alloc_work(size_t n, uint32_t **t, double **best)
{
    *t = NULL;
    *best = NULL;
    if (n >= SIZE_MAX / sizeof(double) - 1)
        return -1;
    *t = malloc((n ? n : 1) * sizeof **t);
    *best = malloc((n + 1) * sizeof **best);
    if (!*t || !*best) {
        free(*t);
        free(*best);
        *t = NULL;
        *best = NULL;
        return -1;
    }
    return 0;
}

static void reset(double *best, size_t from, size_t to)
{
    size_t j;
    for (j = from; j <= to; j++)
        best[j] = -INFINITY;
}

int tr_word_score(const tr_word_model *w, const uint32_t *text, size_t len, double *score)
{
    uint32_t *t;
    double *best;
    *score = 0.0;
    if (alloc_work(len, &t, &best))
        return -1;
    tr_lm_fold(w, text, len, t);
    best[0] = 0.0;
    reset(best, 1, len);
    lattice(w, t, len, 0, best, NULL, len);
    *score = best[len];
    free(t);
    free(best);
    return 0;
}

/* A word of the table that a start in the right context reaches: its
 * length and ln P (the walk over the right context alone gives them). */
typedef struct {
    size_t len;
    double lp;
} word_end;

/* Work of tr_word_scores, made once for all candidates. */
typedef struct {
    uint32_t *t;        /* left, a candidate, right (folded) */
    double *best;       /* the lattice row */
    uint32_t *node;     /* per start in [from, left_len): the node its walk holds at left_len */
    unsigned char *alive;  /* ... or 0: the walk ended inside the left context */
    word_end *ends;     /* per start in the right context: max_len entries */
    size_t *nends;      /* how many of them */
    double *back;       /* the start's backoff ... */
    unsigned char *has_back;  /* ... unless a word of one character starts there (0) */
    uint32_t *right;    /* the right context, folded */
} scores_work;

static void scores_work_free(scores_work *s)
{
    free(s->t);
    free(s->best);
    free(s->node);
    free(s->alive);
    free(s->ends);
    free(s->nends);
    free(s->back);
    free(s->has_back);
    free(s->right);
}

/* The walk from start i of t[0..n) while it stays before n: the node it
 * holds there (1), or 0 when it ended before (as lattice walks, without the
 * takes: the ends before n are final already). */
static int walk_to(const tr_word_model *w, const uint32_t *t, size_t n, size_t i, uint32_t *node)
{
    uint32_t nd = TR_WORD_ROOT;
    size_t j = i;
    while (j < n) {
        long s;
        if (j - i >= w->max_len)
            return 0;
        s = word_child(w, nd, t[j]);
        if (s < 0)
            return 0;
        nd = (uint32_t)s;
        j++;
        if (!(w->slot[3 * (size_t)s + 1] & TR_WORD_HAS_CHILDREN))
            return 0;
    }
    *node = nd;
    return 1;
}

/* The words a start in the right context r[0..n) spells within it, and its
 * backoff (lattice's walk from that start, which stays in the right context). */
static size_t right_words(const tr_word_model *w, const uint32_t *r, size_t n, size_t i, word_end *out, double *back,
                          unsigned char *has_back)
{
    uint32_t node = TR_WORD_ROOT;
    size_t j = i, k = 0;
    int single = 0;
    while (j < n && j - i < w->max_len) {
        long s = word_child(w, node, r[j]);
        uint32_t flags;
        if (s < 0)
            break;
        node = (uint32_t)s;
        j++;
        flags = w->slot[3 * (size_t)s + 1];
        if (flags & TR_WORD_IS_WORD) {
            single = single || j == i + 1;
            out[k].len = j - i;
            out[k].lp = word_logp(w, (size_t)s);
            k++;
        }
        if (!(flags & TR_WORD_HAS_CHILDREN))
            break;
    }
    *has_back = (unsigned char)!single;
    *back = single ? 0.0 : backoff(w, r[i]);
    return k;
}

/* The score of one candidate c[0..clen) (folded into s->t after the left
 * context): lattice over the whole text, each start's walk resumed where
 * the candidate-independent part left it.  The takes happen in lattice's
 * order (by start, then shortest first), so every sum is the same double. */
static double score_one(const tr_word_model *w, scores_work *s, size_t left_len, size_t from, size_t clen,
                        size_t right_len)
{
    uint32_t *t = s->t;
    double *best = s->best;
    size_t mid = left_len + clen, total = mid + right_len, i, k;
    memcpy(t + mid, s->right, right_len * sizeof *t);
    reset(best, left_len + 1, total);
    for (i = from; i < left_len; i++) {  /* words from the left context into the candidate */
        uint32_t node = s->node[i - from];
        size_t j = left_len;
        double base = best[i];
        if (!s->alive[i - from])
            continue;
        while (j < total && j - i < w->max_len) {
            long c = word_child(w, node, t[j]);
            uint32_t flags;
            if (c < 0)
                break;
            node = (uint32_t)c;
            j++;
            flags = w->slot[3 * (size_t)c + 1];
            if (flags & TR_WORD_IS_WORD)
                take(best, NULL, j, base + word_logp(w, (size_t)c), i, 0.0, 1);
            if (!(flags & TR_WORD_HAS_CHILDREN))
                break;
        }
    }
    lattice(w, t, total, left_len, best, NULL, mid);  /* the starts in the candidate */
    for (i = mid; i < total; i++) {  /* the starts in the right context: their words are known */
        size_t r = i - mid;
        double base = best[i];
        const word_end *e = &s->ends[r * w->max_len];
        for (k = 0; k < s->nends[r]; k++)
            take(best, NULL, i + e[k].len, base + e[k].lp, i, 0.0, 1);
        if (s->has_back[r])
            take(best, NULL, i + 1, base + s->back[r], i, 0.0, 0);
    }
    return best[total];
}

int tr_word_scores(const tr_word_model *w, const uint32_t *left, size_t left_len, const uint32_t *cands,
                   const size_t *ends, size_t count, const uint32_t *right, size_t right_len, double *scores)
{
    size_t k, longest = 0, prev = 0, from, i, nstarts, ml;
    scores_work s;
    int rc = -1;
    for (k = 0; k < count; k++) {
        if (ends[k] < prev)
            return -2;
        if (ends[k] - prev > longest)
            longest = ends[k] - prev;
        prev = ends[k];
    }
    if (left_len > SIZE_MAX / 16 || longest > SIZE_MAX / 16 || right_len > SIZE_MAX / 16)
        return -1;
    memset(&s, 0, sizeof s);
    if (alloc_work(left_len + longest + right_len, &s.t, &s.best))
        return -1;
    /* A word reaching past the left context starts within max_len of its end. */
    from = left_len > w->max_len ? left_len - w->max_len : 0;
    nstarts = left_len - from;
    ml = w->max_len ? w->max_len : 1;
    if (right_len > SIZE_MAX / 2 / sizeof *s.ends / ml)
        goto done;
    s.node = malloc((nstarts ? nstarts : 1) * sizeof *s.node);
    s.alive = malloc(nstarts ? nstarts : 1);
    s.ends = malloc((right_len ? right_len : 1) * ml * sizeof *s.ends);
    s.nends = malloc((right_len ? right_len : 1) * sizeof *s.nends);
    s.back = malloc((right_len ? right_len : 1) * sizeof *s.back);
    s.has_back = malloc(right_len ? right_len : 1);
    s.right = malloc((right_len ? right_len : 1) * sizeof *s.right);
    if (!s.node || !s.alive || !s.ends || !s.nends || !s.back || !s.has_back || !s.right)
        goto done;
    /* The ends inside the left context depend on it alone: once for all. */
    tr_lm_fold(w, left, left_len, s.t);
    s.best[0] = 0.0;
    reset(s.best, 1, left_len);
    lattice(w, s.t, left_len, 0, s.best, NULL, left_len);
    for (i = from; i < left_len; i++)
        s.alive[i - from] = (unsigned char)walk_to(w, s.t, left_len, i, &s.node[i - from]);
    tr_lm_fold(w, right, right_len, s.right);
    for (i = 0; i < right_len; i++)
        s.nends[i] = right_words(w, s.right, right_len, i, &s.ends[i * ml], &s.back[i], &s.has_back[i]);
    prev = 0;
    for (k = 0; k < count; k++) {
        size_t clen = ends[k] - prev;
        tr_lm_fold(w, cands + prev, clen, s.t + left_len);
        scores[k] = score_one(w, &s, left_len, from, clen, right_len);
        prev = ends[k];
    }
    rc = 0;
done:
    scores_work_free(&s);
    return rc;
}

int tr_word_segment(const tr_word_model *w, const uint32_t *text, size_t len, tr_word_token *out, size_t cap,
                    size_t *count, double *score)
{
    uint32_t *t;
    double *best;
    lattice_trace tr;
    size_t j, n = 0;
    int rc = 0;
    *count = 0;
    *score = 0.0;
    if (alloc_work(len, &t, &best))
        return -1;
    tr.start = malloc((len + 1) * sizeof *tr.start);
    tr.token = malloc((len + 1) * sizeof *tr.token);
    tr.in_table = malloc(len + 1);
    if (!tr.start || !tr.token || !tr.in_table) {
        rc = -1;
        goto done;
    }
    for (j = 1; j <= len; j++) {  /* an end no candidate reaches (only with a broken table) */
        tr.start[j] = j - 1;
        tr.token[j] = 0.0;
        tr.in_table[j] = 0;
    }
    tr_lm_fold(w, text, len, t);
    best[0] = 0.0;
    reset(best, 1, len);
    lattice(w, t, len, 0, best, &tr, len);
    *score = best[len];
    for (j = len; j > 0; j = tr.start[j])
        n++;
    *count = n;
    if (n > cap) {
        rc = 2;
        goto done;
    }
    for (j = len; j > 0; j = tr.start[j]) {
        tr_word_token *o = &out[--n];
        o->start_char = tr.start[j];
        o->end_char = j;
        o->logp = tr.token[j];
        o->in_table = tr.in_table[j];
    }
done:
    free(t);
    free(best);
    free(tr.start);
    free(tr.token);
    free(tr.in_table);
    return rc;
}

/* ---- word_fits: the fillings of a group of slots that spell a word ------------ */

/* The distinct fillings found, in order, with a hash table of their indices. */
typedef struct {
    int32_t *v;        /* g entries per filling */
    size_t n, cap;     /* fillings */
    size_t *table;     /* index + 1 of a filling, or 0: empty */
    size_t table_cap;  /* a power of two */
    size_t g;
} fill_set;

static size_t fill_hash(const int32_t *f, size_t g)
{
    uint64_t h = 0xCBF29CE484222325ull;
    size_t i;
    for (i = 0; i < g; i++) {
        h ^= (uint32_t)f[i];
        h *= 0x100000001B3ull;
    }
    return (size_t)(h ^ (h >> 29));
}

static int fill_rehash(fill_set *s, size_t cap)
{
    size_t *table = calloc(cap, sizeof *table), i;
    if (!table)
        return -1;
    for (i = 0; i < s->n; i++) {
        size_t h = fill_hash(&s->v[i * s->g], s->g) & (cap - 1);
        while (table[h])
            h = (h + 1) & (cap - 1);
        table[h] = i + 1;
    }
    free(s->table);
    s->table = table;
    s->table_cap = cap;
    return 0;
}

/* Adds f unless it is there; -1 on allocation failure. */
static int fill_add(fill_set *s, const int32_t *f)
{
    size_t h;
    if (2 * (s->n + 1) > s->table_cap) {
        if (s->table_cap > SIZE_MAX / 4 / sizeof *s->table || fill_rehash(s, s->table_cap ? 2 * s->table_cap : 64))
            return -1;
    }
    h = fill_hash(f, s->g) & (s->table_cap - 1);
    while (s->table[h]) {
        if (!memcmp(&s->v[(s->table[h] - 1) * s->g], f, s->g * sizeof *f))
            return 0;
        h = (h + 1) & (s->table_cap - 1);
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        int32_t *nv;
        if (cap > SIZE_MAX / 4 / s->g / sizeof *nv)
            return -1;
        nv = realloc(s->v, cap * s->g * sizeof *nv);
        if (!nv)
            return -1;
        s->v = nv;
        s->cap = cap;
    }
    memcpy(&s->v[s->n * s->g], f, s->g * sizeof *f);
    s->table[h] = ++s->n;
    return 0;
}

/* What the walk may read at pos (word_fits' allowed): the number of pairs,
 * which start at *pairs (folded character, shown one; the shown one is
 * TR_SLOT_EMPTY outside the slots). */
typedef struct {
    const uint32_t *before, *options, *after;
    const size_t *ends;
    size_t before_len, slots, after_len;
    uint32_t one[2];
    uint32_t *sorted;  /* per slot, its pairs' (folded character, index) by character */
} fit_text;

static size_t allowed(fit_text *t, ptrdiff_t pos, const uint32_t **pairs)
{
    if (pos < 0) {
        t->one[0] = t->before[(ptrdiff_t)t->before_len + pos];
        t->one[1] = TR_SLOT_EMPTY;
        *pairs = t->one;
        return 1;
    }
    if ((size_t)pos < t->slots) {
        size_t from = pos ? t->ends[pos - 1] : 0;
        *pairs = t->options + 2 * from;
        return t->ends[pos] - from;
    }
    if ((size_t)pos - t->slots < t->after_len) {
        t->one[0] = t->after[(size_t)pos - t->slots];
        t->one[1] = TR_SLOT_EMPTY;
        *pairs = t->one;
        return 1;
    }
    return 0;
}

/* How many probes a batch of children looks ahead. */
#define AHEAD 8

static const uint32_t *home_of(const tr_word_model *w, uint32_t parent, uint32_t cp)
{
    return &w->slot[3 * word_slot(parent, cp, w->slots)];
}

/* One frame of the walk at pos from node: what it may read there (n pairs,
 * allowed) as each pair's child of node (kids, -1: none) and the character
 * a filling shows for it (picks, -1: a known character).  The children are
 * found in one batch, each probe's slot fetched AHEAD probes early. */
static size_t frame(const tr_word_model *w, fit_text *t, ptrdiff_t pos, uint32_t node, long *kids, int32_t *picks)
{
    const uint32_t *pairs;
    size_t n = allowed(t, pos, &pairs), i;
    if (!w->slots) {
        for (i = 0; i < n; i++)
            kids[i] = -1;
        return n;
    }
    if (n > 1 && w->child_at && node < w->slots &&
        w->child_at[node + 1] - w->child_at[node] <= 8 * (size_t)n) {
        /* A slot's characters against the node's children, both by code
         * point: one pass over each instead of a search per character. */
        const uint32_t *o = t->sorted + 2 * (pos ? t->ends[pos - 1] : 0), *c = w->child;
        size_t a = 0, b = w->child_at[node], end = w->child_at[node + 1];
        for (i = 0; i < n; i++) {
            kids[i] = -1;
            picks[i] = pairs[2 * i + 1] == TR_SLOT_EMPTY ? -1 : (int32_t)pairs[2 * i + 1];
        }
        while (a < n && b < end) {
            if (o[2 * a] < c[2 * b]) {
                a++;
            } else if (o[2 * a] > c[2 * b]) {
                b++;
            } else {  /* every pair of this character (the children's are distinct) */
                kids[o[2 * a + 1]] = (long)c[2 * b + 1];
                a++;
            }
        }
        return n;
    }
    int probes = !w->child_at || node >= w->slots;
    for (i = 0; i < n && i < AHEAD && probes; i++)
        TR_PREFETCH(home_of(w, node, pairs[2 * i]));
    for (i = 0; i < n; i++) {
        if (i + AHEAD < n && probes)
            TR_PREFETCH(home_of(w, node, pairs[2 * (i + AHEAD)]));
        kids[i] = word_child(w, node, pairs[2 * i]);
        picks[i] = pairs[2 * i + 1] == TR_SLOT_EMPTY ? -1 : (int32_t)pairs[2 * i + 1];
    }
    return n;
}

/* The walk descends from each child of a frame into the next position; where
 * that is one known character, its probes are fetched now, all together. */
static void fetch_next(const tr_word_model *w, fit_text *t, ptrdiff_t pos, const long *kids, size_t n)
{
    const uint32_t *pairs;
    size_t i;
    if (!w->slots || (pos >= 0 && (size_t)pos < t->slots))
        return;
    if (allowed(t, pos, &pairs) != 1)
        return;
    for (i = 0; i < n; i++)
        if (kids[i] >= 0 && (w->slot[3 * (size_t)kids[i] + 1] & TR_WORD_HAS_CHILDREN))
            TR_PREFETCH(w->child_at ? &w->child_at[kids[i]] : home_of(w, (uint32_t)kids[i], pairs[0]));
}

int tr_word_fits(const tr_word_model *w, const uint32_t *before, size_t before_len, const uint32_t *options,
                 const size_t *ends, size_t slots, const uint32_t *after, size_t after_len, size_t reach,
                 int32_t *out, size_t cap, size_t *found)
{
    fit_text t;
    fill_set set = {NULL, 0, 0, NULL, 0, 0};
    size_t k, prev = 0, back, depth, widest = 1;
    uint32_t *nodes = NULL;
    size_t *next = NULL, *count = NULL;
    int32_t *pick = NULL, *filling = NULL, *picks = NULL;
    long *kids = NULL;
    ptrdiff_t start;
    int rc = 0;

    *found = 0;
    for (k = 0; k < slots; k++) {
        if (ends[k] < prev)
            return -2;
        if (ends[k] - prev > widest)
            widest = ends[k] - prev;
        prev = ends[k];
    }
    if (!reach || !slots)
        return 0;  /* no word of one character or more reaches a slot */
    if (before_len > PTRDIFF_MAX / 4 || slots > PTRDIFF_MAX / 4 || after_len > PTRDIFF_MAX / 4)
        return -1;
    back = before_len < reach - 1 ? before_len : reach - 1;
    depth = back + slots + after_len;
    depth = (depth < reach ? depth : reach) + 1;  /* the walk's deepest frame */
    if (depth > SIZE_MAX / 8 / sizeof *next || widest > SIZE_MAX / 8 / sizeof *kids / depth)
        return -1;
    t.before = before;
    t.options = options;
    t.after = after;
    t.ends = ends;
    t.before_len = before_len;
    t.slots = slots;
    t.after_len = after_len;
    t.sorted = NULL;
    set.g = slots;
    nodes = malloc(depth * sizeof *nodes);
    next = malloc(depth * sizeof *next);
    count = malloc(depth * sizeof *count);
    pick = malloc(depth * sizeof *pick);
    filling = malloc(slots * sizeof *filling);
    kids = malloc(depth * widest * sizeof *kids);
    picks = malloc(depth * widest * sizeof *picks);
    if (!nodes || !next || !count || !pick || !filling || !kids || !picks) {
        rc = -1;
        goto done;
    }
    if (w->child_at) {  /* each slot's pairs by character, for frame's merge */
        size_t total = ends[slots - 1], from = 0, i;
        if (total > SIZE_MAX / 2 / sizeof *t.sorted || total >= UINT32_MAX ||
            !(t.sorted = malloc((total ? 2 * total : 1) * sizeof *t.sorted))) {
            rc = -1;
            goto done;
        }
        for (k = 0; k < slots; from = ends[k], k++) {
            for (i = from; i < ends[k]; i++) {
                t.sorted[2 * i] = options[2 * i];
                t.sorted[2 * i + 1] = (uint32_t)(i - from);
            }
            sort_pairs(t.sorted + 2 * from, ends[k] - from);
        }
    }
    /* walk(ROOT, start, start, ()) for every start, depth first, as the twin recurses. */
    for (start = -(ptrdiff_t)back; start < (ptrdiff_t)slots && rc == 0; start++) {
        size_t d = 0;
        nodes[0] = TR_WORD_ROOT;
        next[0] = 0;
        count[0] = reach ? frame(w, &t, start, nodes[0], kids, picks) : 0;
        if (1 < reach && 1 < depth)
            fetch_next(w, &t, start + 1, kids, count[0]);
        for (;;) {
            ptrdiff_t pos = start + (ptrdiff_t)d;
            size_t i;
            long child;
            uint32_t flags;
            if (next[d] >= count[d]) {
                if (!d)
                    break;
                d--;
                continue;
            }
            i = next[d]++;
            child = kids[d * widest + i];
            if (child < 0)
                continue;
            pick[d] = picks[d * widest + i];
            flags = w->slot[3 * (size_t)child + 1];
            if ((flags & TR_WORD_IS_WORD) && pos > start && pos >= 0) {
                size_t e;
                for (k = 0; k < slots; k++)
                    filling[k] = -1;
                for (e = 0; e <= d; e++) {
                    ptrdiff_t p = start + (ptrdiff_t)e;
                    if (p >= 0 && (size_t)p < slots)
                        filling[p] = pick[e];
                }
                if (fill_add(&set, filling)) {
                    rc = -1;
                    break;
                }
            }
            if ((flags & TR_WORD_HAS_CHILDREN) && d + 1 < depth) {
                d++;
                nodes[d] = (uint32_t)child;
                next[d] = 0;
                count[d] = d < reach ? frame(w, &t, start + (ptrdiff_t)d, nodes[d], &kids[d * widest],
                                             &picks[d * widest]) : 0;
                if (d + 1 < reach && d + 1 < depth)
                    fetch_next(w, &t, start + (ptrdiff_t)d + 1, &kids[d * widest], count[d]);
            }
        }
    }
    if (rc)
        goto done;
    *found = set.n;
    if (set.n > cap) {
        rc = 2;
        goto done;
    }
    if (set.n)
        memcpy(out, set.v, set.n * slots * sizeof *out);
done:
    free(t.sorted);
    free(nodes);
    free(next);
    free(count);
    free(kids);
    free(picks);
    free(pick);
    free(filling);
    free(set.v);
    free(set.table);
    return rc;
}
