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
    double base = 0.0;
    int32_t base_prev = -1;
    size_t i, k, from = 0;
    for (k = 0; k < count; k++)
        if (ends[k] < (k ? ends[k - 1] : 0))
            return -2;
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
            tr_char_prev_of(m, prev, &p);
            total = total + tr_char_logp_after(m, &p, right[i]);
            prev = (int32_t)right[i];
        }
        scores[k] = total;
        from = ends[k];
    }
    return 0;
}

/* ---- the fold ---------------------------------------------------------------- */

/* fold_map: the table's simplified character, then fullwidth ASCII to ASCII. */
static uint32_t fold_cp(const tr_word_model *w, uint32_t c)
{
    size_t lo = 0, hi = w->folds;
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

/* The node (parent, cp), or -1 (WordModel.child). */
static long word_child(const tr_word_model *w, uint32_t parent, uint32_t cp)
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

/* WordModel.best over t[0..n) (folded), for the starts from..n-1: best[0..n]
 * must hold the scores of the ends up to from and -inf after. */
static void lattice(const tr_word_model *w, const uint32_t *t, size_t n, size_t from, double *best,
                    lattice_trace *tr)
{
    size_t i;
    for (i = from; i < n; i++) {
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
    lattice(w, t, len, 0, best, NULL);
    *score = best[len];
    free(t);
    free(best);
    return 0;
}

int tr_word_scores(const tr_word_model *w, const uint32_t *left, size_t left_len, const uint32_t *cands,
                   const size_t *ends, size_t count, const uint32_t *right, size_t right_len, double *scores)
{
    size_t k, longest = 0, prev = 0, from, total;
    uint32_t *t;
    double *best;
    for (k = 0; k < count; k++) {
        if (ends[k] < prev)
            return -2;
        if (ends[k] - prev > longest)
            longest = ends[k] - prev;
        prev = ends[k];
    }
    if (left_len > SIZE_MAX / 16 || longest > SIZE_MAX / 16 || right_len > SIZE_MAX / 16)
        return -1;
    if (alloc_work(left_len + longest + right_len, &t, &best))
        return -1;
    /* The ends inside the left context depend on it alone: once for all. */
    tr_lm_fold(w, left, left_len, t);
    best[0] = 0.0;
    reset(best, 1, left_len);
    lattice(w, t, left_len, 0, best, NULL);
    /* A word reaching past the left context starts within max_len of its end. */
    from = left_len > w->max_len ? left_len - w->max_len : 0;
    prev = 0;
    for (k = 0; k < count; k++) {
        size_t clen = ends[k] - prev;
        tr_lm_fold(w, cands + prev, clen, t + left_len);
        tr_lm_fold(w, right, right_len, t + left_len + clen);
        total = left_len + clen + right_len;
        reset(best, left_len + 1, total);
        lattice(w, t, total, from, best, NULL);
        scores[k] = best[total];
        prev = ends[k];
    }
    free(t);
    free(best);
    return 0;
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
    lattice(w, t, len, 0, best, &tr);
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

int tr_word_fits(const tr_word_model *w, const uint32_t *before, size_t before_len, const uint32_t *options,
                 const size_t *ends, size_t slots, const uint32_t *after, size_t after_len, size_t reach,
                 int32_t *out, size_t cap, size_t *found)
{
    fit_text t;
    fill_set set = {NULL, 0, 0, NULL, 0, 0};
    size_t k, prev = 0, back, depth;
    uint32_t *nodes = NULL;
    size_t *next = NULL;
    int32_t *pick = NULL, *filling = NULL;
    ptrdiff_t start;
    int rc = 0;

    *found = 0;
    for (k = 0; k < slots; k++) {
        if (ends[k] < prev)
            return -2;
        prev = ends[k];
    }
    if (!reach || !slots)
        return 0;  /* no word of one character or more reaches a slot */
    if (before_len > PTRDIFF_MAX / 4 || slots > PTRDIFF_MAX / 4 || after_len > PTRDIFF_MAX / 4)
        return -1;
    back = before_len < reach - 1 ? before_len : reach - 1;
    depth = back + slots + after_len;
    depth = (depth < reach ? depth : reach) + 1;  /* the walk's deepest frame */
    if (depth > SIZE_MAX / 8 / sizeof *next)
        return -1;
    t.before = before;
    t.options = options;
    t.after = after;
    t.ends = ends;
    t.before_len = before_len;
    t.slots = slots;
    t.after_len = after_len;
    set.g = slots;
    nodes = malloc(depth * sizeof *nodes);
    next = malloc(depth * sizeof *next);
    pick = malloc(depth * sizeof *pick);
    filling = malloc(slots * sizeof *filling);
    if (!nodes || !next || !pick || !filling) {
        rc = -1;
        goto done;
    }
    /* walk(ROOT, start, start, ()) for every start, depth first, as the twin recurses. */
    for (start = -(ptrdiff_t)back; start < (ptrdiff_t)slots && rc == 0; start++) {
        size_t d = 0;
        nodes[0] = TR_WORD_ROOT;
        next[0] = 0;
        for (;;) {
            ptrdiff_t pos = start + (ptrdiff_t)d;
            const uint32_t *pairs;
            size_t n = d < reach ? allowed(&t, pos, &pairs) : 0, i;
            long child;
            uint32_t flags;
            if (next[d] >= n) {
                if (!d)
                    break;
                d--;
                continue;
            }
            i = next[d]++;
            child = word_child(w, nodes[d], pairs[2 * i]);
            if (child < 0)
                continue;
            pick[d] = pairs[2 * i + 1] == TR_SLOT_EMPTY ? -1 : (int32_t)pairs[2 * i + 1];
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
    free(nodes);
    free(next);
    free(pick);
    free(filling);
    free(set.v);
    free(set.table);
    return rc;
}
