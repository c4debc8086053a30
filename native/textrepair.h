/* textrepair.h -- the one header of textrepair's C core.
 *
 * Plain C99, no global state: every function reads its input through the
 * pointers it is given and writes only to the buffers it is given.  Text is
 * UTF-8 produced by Python's str.encode("utf-8", "surrogatepass"), so lone
 * surrogates arrive as three-byte sequences and are treated as code points.
 * Offsets named *_char count code points, offsets named *_byte count bytes.
 *
 * The block between CDEF BEGIN and CDEF END is read verbatim by
 * native/build_ffi.py as the cffi declaration, so keep it free of
 * preprocessor logic other than integer #defines.
 */
#ifndef TEXTREPAIR_H
#define TEXTREPAIR_H

#include <stddef.h>
#include <stdint.h>

/* CDEF BEGIN */

/* ---- scan.c: which kinds of damage may be present ---------------------- */
#define TR_HAS_LT 1
#define TR_HAS_AMP 2
#define TR_HAS_PAREN 4
#define TR_HAS_QMARK 8
#define TR_HAS_PUA 16
#define TR_HAS_FFFD 32
#define TR_HAS_LATIN1 64
#define TR_HAS_SPACE 128
#define TR_HAS_INVISIBLE 256
#define TR_HAS_FULLWIDTH 512
#define TR_HAS_CR 1024
#define TR_HAS_TAB 2048

uint32_t tr_scan_flags(const uint8_t *s, size_t n);

/* ---- annotations.c: content-farm pinyin annotations -------------------- */
#define TR_ANN_TONED 1
#define TR_ANN_SPACE_AFTER 2
#define TR_ANN_TRAD 4
#define TR_ANN_ECHO 8        /* a visible non-Han character glossed as itself */
#define TR_ANN_QUOTED 16     /* the character and its annotation in quotation marks */
#define TR_ANN_NEUTRAL 32    /* no tone mark, and a neutral-tone reading */
#define TR_ANN_CHAINED 64    /* right after another annotation of the same character */
#define TR_ANN_REMOVE 128    /* set by tr_judge_annotations: converter output */
#define TR_ANN_EAT_SPACE 256 /* ... and the space after it goes too */
#define TR_ANN_GLOSS 512     /* ... a teacher's gloss, kept */
/* The judgement's window (code points) and thresholds (numerator,
 * denominator); textrepair._fallback.annotations documents each. */
#define TR_ANN_WINDOW 200
#define TR_ANN_TRAD_NUM 2
#define TR_ANN_TRAD_DEN 3
#define TR_ANN_DENSE_NUM 4
#define TR_ANN_DENSE_DEN 5
#define TR_ANN_STYLE_NUM 9
#define TR_ANN_STYLE_DEN 10
#define TR_ANN_ECHO_NUM 9
#define TR_ANN_ECHO_DEN 10
#define TR_ANN_COVER_NUM 1
#define TR_ANN_COVER_DEN 2
#define TR_ANN_GLOSSY_NUM 1
#define TR_ANN_GLOSSY_DEN 4

typedef struct {
    size_t start_byte;   /* the '(' */
    size_t end_byte;     /* one past the ')' */
    size_t start_char;
    size_t end_char;
    size_t han_byte;     /* the annotated character (of the first of a chain) */
    size_t han_char;
    uint32_t han;        /* the annotated character */
    uint32_t flags;      /* TR_ANN_* */
    uint32_t reading;    /* index in the character's reading list of the one
                          * spelled (no tone mark, not neutral: the first
                          * with its letters); 0 for an echo */
    uint32_t letters;    /* index of the first reading with its letters */
} tr_annotation;

typedef struct {
    size_t found;             /* annotations found (may exceed the buffer) */
    size_t traditional;       /* of which follow a traditional-only form */
    size_t toneless;          /* of which carry no tone mark (echoes aside) */
    size_t toneless_spaced;   /* of which are toneless and followed by ' ' */
} tr_annotation_stats;

/* Find every "(reading)" that directly follows a Han character of which it
 * is a valid pinyin reading, and every "(x)" that follows a visible non-Han
 * character x (an echo).  s must be well-formed (surrogatepass) UTF-8,
 * as Python produces; other bytes are read safely but may count differently.
 * Fills at most cap entries of out and returns 0.  stats->found may exceed
 * cap: call again with a buffer of stats->found entries. */
int tr_find_annotations(const uint8_t *s, size_t n, tr_annotation *out,
                        size_t cap, tr_annotation_stats *stats);

/* Judge each of the count annotations tr_find_annotations found in s by
 * the ones around it, adding TR_ANN_REMOVE, TR_ANN_EAT_SPACE or
 * TR_ANN_GLOSS to their flags.  Returns 0, or -1 when it cannot allocate
 * (the flags are then unchanged). */
int tr_judge_annotations(const uint8_t *s, size_t n, tr_annotation *found,
                         size_t count);

/* Copy s to out without the annotations flagged TR_ANN_REMOVE (and, when
 * eat_space is non-zero, the ' ' after each also flagged TR_ANN_EAT_SPACE).
 * out must hold n bytes; returns the number of bytes written. */
size_t tr_remove_annotations(const uint8_t *s, size_t n,
                             const tr_annotation *found, size_t count,
                             int eat_space, uint8_t *out);

/* ---- mojibake.c: candidate GBK byte-shift runs ----------------------- */
#define TR_MOJIBAKE_SHIFT 1

typedef struct {
    size_t start_char;
    size_t end_char;
    uint32_t kind;       /* TR_MOJIBAKE_* */
} tr_mojibake_run;

/* Find candidate byte-shift runs (see native/mojibake.c), in order and not
 * overlapping.  Fills at most cap entries of out and sets *found to the
 * number of runs (which may exceed cap); returns -1 on allocation failure,
 * 0 otherwise.  There are never more runs than '?', '!', ';' and ',' bytes. */
int tr_mojibake_runs(const uint8_t *s, size_t n, tr_mojibake_run *out, size_t cap, size_t *found);

/* ---- markup.c: where HTML markup may start ---------------------------- */
/* Code-point offsets of every '<' followed by an ASCII letter, '/' or '!'
 * and every '&' followed by an ASCII letter or '#', in order.  Fills at most
 * cap entries of out (there are never more than the '<' and '&' bytes) and
 * returns the number filled. */
size_t tr_markup_candidates(const uint8_t *s, size_t n, size_t *out, size_t cap);

/* ---- boilerplate.c: lines a boilerplate rule could apply to ----------- */
/* Indices of the lines (split at '\n') that contain one of the phrases
 * (a buffer of phrases_len bytes holding '\0'-terminated UTF-8 strings; empty
 * ones are ignored; at most 4096) or, when min_items > 0, at least min_items
 * items separated by runs of ' ', '\t' or U+3000.  Fills at most cap entries of
 * out and sets *found to the number of such lines (which may exceed cap).
 * Returns 0, -1 on allocation failure, -2 for too many phrases. */
int tr_boilerplate_lines(const uint8_t *s, size_t n, const uint8_t *phrases, size_t phrases_len,
                         size_t min_items, size_t *out, size_t cap, size_t *found);

/* ---- mojibake.c: one scan for every mechanism of the stage ------------- */
#define TR_MOJIBAKE_RARE 2      /* space-free stretch holding a rare character */
#define TR_MOJIBAKE_LATIN1 3    /* stretch GBK read as Latin-1 could make (with a letter) */
#define TR_MOJIBAKE_CP1252 4    /* ... as cp1252 */
#define TR_MOJIBAKE_CP1250 5    /* ... as cp1250 */
#define TR_MOJIBAKE_FTFY 6      /* CJK-free stretch ftfy's encoding fixes could start in */

/* In one pass, every span where a mechanism of the mojibake stage could
 * apply (see native/mojibake.c): byte-shift runs (TR_MOJIBAKE_SHIFT) and the
 * kinds above.  Spans of one kind are in order and do not overlap; kinds
 * are interleaved.  Fills at most cap entries and sets *found to the number
 * of spans (which may exceed cap: call again with a larger buffer); returns
 * -1 on allocation failure, 0 otherwise. */
int tr_mojibake_scan(const uint8_t *s, size_t n, tr_mojibake_run *out, size_t cap, size_t *found);
/* ---- normalise.c: characters the normalise stage may change ----------- */
#define TR_NORM_INVISIBLE 1   /* C0/C1 controls but \t \n \r, DEL, U+00AD, U+200B-U+200D, U+2060, U+FEFF */
#define TR_NORM_SPACE 2       /* ' ' \t \n \r, U+00A0, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000 */
#define TR_NORM_FULLWIDTH 4   /* fullwidth digits and Latin letters */
#define TR_NORM_PUNCT 8       /* ASCII , . : ; ! ? */
#define TR_NORM_FFFD 16       /* U+FFFD */

typedef struct {
    size_t start_char;
    size_t end_char;
    uint32_t classes;    /* union of the TR_NORM_* classes in the run */
} tr_norm_run;

/* Find the maximal runs of code points whose class is in classes, in order.
 * Fills at most cap entries of out and sets *found to the number of runs
 * (which may exceed cap: call again with a buffer that large); returns 0. */
int tr_normalise_runs(const uint8_t *s, size_t n, uint32_t classes, tr_norm_run *out, size_t cap,
                      size_t *found);

/* ---- lm.c: the language model of the mojibake stage ------------------- */
/* Twin: _fallback/lm.py.  The tables are the data files char_model.bin,
 * word_model.bin and fold_table.bin (layouts in data/build_char_model.py and
 * data/build_word_model.py): the caller maps them and points these structs
 * into the mapping, so nothing is parsed or copied.  Text is code points. */
#define TR_CHAR_NONE 0xFFFF            /* bmp_index: not a character of the model */
#define TR_SLOT_EMPTY 0xFFFFFFFF       /* a free slot of either hash table */
#define TR_WORD_ROOT 0xFFFFFFFE        /* the parent of a word's first character */
#define TR_WORD_CP_MASK 0x1FFFFF
#define TR_WORD_IS_WORD 0x40000000     /* the node's path spells a word of the table */
#define TR_WORD_HAS_CHILDREN 0x80000000 /* a longer word continues it */

/* The character bigram model, every log-probability precomputed: ln P(c | p)
 * is bi_logp of the slot holding index(p) << 16 | index(c), else
 * ln_gamma[p] + ln_cont[c]; with no (known) previous character, ln_uni[c]. */
typedef struct {
    size_t chars;                /* characters of the model, fewer than 0xFFFF */
    const uint32_t *cp;          /* their code points, sorted */
    const uint16_t *bmp_index;   /* 65536: index in cp of each BMP code point, or TR_CHAR_NONE */
    const double *ln_uni;        /* ln P_uni of each character */
    const double *ln_cont;       /* ln P_cont of each character */
    const double *ln_gamma;      /* ln gamma of each character as the previous one */
    size_t slots;                /* bigram hash slots (fewer than 2^32) */
    const uint32_t *bi_key;      /* index(p) << 16 | index(c), or TR_SLOT_EMPTY */
    const double *bi_logp;       /* ln P(c | p) of the key in the same slot */
    double ln_uni_unknown;       /* ln P_uni of a character the model never saw */
    double ln_cont_unknown;      /* ln P_cont of one */
    const uint32_t *pair;        /* 65536: authored character of GBK lead << 8 | trail, or 0;
                                    read by shift.c only (NULL elsewhere) */
    const uint32_t *next_at;     /* NULL, or tr_char_bigrams' index by previous character... */
    const uint32_t *next;        /* ... and its pairs; read by shift.c only */
    const uint32_t *prev_at;     /* NULL, or its index by next character... */
    const uint32_t *prev;        /* ... and its pairs; read by shift.c only */
} tr_char_model;

/* The word model: a trie of the word table in one hash table (a node is its
 * slot, keyed by parent node and code point), the fold, and the backoff. */
typedef struct {
    const tr_char_model *chars;  /* the backoff: a character in no word costs ln_beta + ln P_uni */
    size_t slots;                /* trie slots (fewer than 2^32 - 2) */
    const uint32_t *slot;        /* 3 per slot: parent (TR_WORD_ROOT, TR_SLOT_EMPTY), code point |
                                    TR_WORD_IS_WORD | TR_WORD_HAS_CHILDREN, ln P as float bits */
    double ln_beta;
    size_t max_len;              /* characters of the longest word */
    size_t folds;
    const uint32_t *fold_from;   /* traditional characters, sorted */
    const uint32_t *fold_to;     /* the simplified character of each */
    const uint32_t *fold_bmp;    /* NULL, or 65536: the fold of each BMP code point, as tr_lm_fold
                                    gives it with fold_bmp NULL (a look-up instead of a search) */
    const uint32_t *child_at;    /* NULL, or the index tr_word_children made (slots + 1 offsets)... */
    const uint32_t *child;       /* ... and its pairs: a node's children without a hash probe */
} tr_word_model;

typedef struct {
    size_t start_char;
    size_t end_char;
    double logp;         /* the token's ln P */
    int in_table;        /* 1: a word of the table; 0: one character scored by the backoff */
} tr_word_token;

/* ln P(ch | prev); prev < 0: no previous character (twin: _fallback.lm.char_logp). */
double tr_char_logp(const tr_char_model *m, int32_t prev, uint32_t ch);

/* ln P of text[0..len) between before and after (-1: none), the sum of its
 * bigram terms in order (twin: _fallback.lm.char_score). */
double tr_char_score(const tr_char_model *m, const uint32_t *text, size_t len, int32_t before, int32_t after);

/* scores[k] = tr_char_score of left + candidate k + right (no neighbours
 * beyond), bit for bit, for the count candidates laid end to end in cands,
 * candidate k ending at ends[k]; the left context is summed once (twin:
 * _fallback.lm.char_scores).  Returns 0, or -2 when ends decrease. */
int tr_char_scores(const tr_char_model *m, const uint32_t *left, size_t left_len, const uint32_t *cands,
                   const size_t *ends, size_t count, const uint32_t *right, size_t right_len, double *scores);

/* text[0..len) folded as the word model reads it into out[0..len): a
 * traditional character to its simplified one, then fullwidth ASCII to
 * ASCII (twin: _fallback.lm.fold_text). */
void tr_lm_fold(const tr_word_model *w, const uint32_t *text, size_t len, uint32_t *out);

/* *score = ln P of the best segmentation of text[0..len), folded, into words
 * of the table (twin: _fallback.lm.word_score).  Returns 0, -1 on
 * allocation failure. */
int tr_word_score(const tr_word_model *w, const uint32_t *text, size_t len, double *score);

/* scores[k] = tr_word_score of left + candidate k + right, the candidates
 * being cands[ends[k-1]..ends[k]) (ends[-1] = 0), for k < count: the left
 * context is segmented once (twin: _fallback.lm.word_scores).  Returns 0,
 * -1 on allocation failure, -2 when ends decrease. */
int tr_word_scores(const tr_word_model *w, const uint32_t *left, size_t left_len, const uint32_t *cands,
                   const size_t *ends, size_t count, const uint32_t *right, size_t right_len, double *scores);

/* The best segmentation of text[0..len) (twin: _fallback.lm.word_segments):
 * writes at most cap tokens in order, their number to *count and the score.
 * Returns 0, 2 when out is too small (*count says how many it needs), -1 on
 * allocation failure. */
int tr_word_segment(const tr_word_model *w, const uint32_t *text, size_t len, tr_word_token *out, size_t cap,
                    size_t *count, double *score);

/* Two indexes of the bigram table (no twin: the judge's scores are the
 * same with or without them, only sooner).  The stored bigrams after the
 * character of index p < chars are the pairs next[2 * i] (the next
 * character's index), next[2 * i + 1] (its slot) for i in [next_at[p],
 * next_at[p + 1]), by index; those before the character of index c are
 * prev[2 * i] (the previous character's index), prev[2 * i + 1] for i in
 * [prev_at[c], prev_at[c + 1]), by index.  A bigram is listed when the
 * table's own probe finds it there.  next_at and prev_at hold chars + 1
 * offsets, next and prev 2 * cap values each.  Returns how many bigrams
 * there are (the indexes are whole only when that is at most cap), or
 * SIZE_MAX on allocation failure or when the table holds a key twice
 * (then the probes must stay). */
size_t tr_char_bigrams(const tr_char_model *m, uint32_t *next_at, uint32_t *next, uint32_t *prev_at, uint32_t *prev,
                       size_t cap);

/* An index of the word table's trie (no twin: every tr_word_* function
 * returns the same with or without it, only sooner): the children of node
 * s < slots are the pairs child[2 * i] (a code point), child[2 * i + 1]
 * (the child's slot) for i in [at[s], at[s + 1]), by code point; a child is
 * listed when the table's own probe finds it there.  at holds slots + 1
 * offsets, child 2 * cap values.  Returns how many children there are (the
 * index is whole only when that is at most cap), or SIZE_MAX on allocation
 * failure or when the table holds a node twice (then the probes must stay). */
size_t tr_word_children(const tr_word_model *w, uint32_t *at, uint32_t *child, size_t cap);

/* The fillings of a group of slots that spell a word of the table with the
 * known text around them (twin: _fallback.lm.word_fits).  before[0..before_len)
 * and after[0..after_len) are the known text (folded); slot k allows the
 * pairs options[2 * i], options[2 * i + 1] (a folded character, the character
 * a filling shows for it) for i in [ends[k - 1], ends[k]) (ends[-1] = 0);
 * reach is the longest word tried.  A filling is one int32 per slot: the
 * character shown, or -1 where the word does not reach the slot.  Writes at
 * most cap distinct fillings (slots entries each) to out, their number to
 * *found.  Returns 0, 2 when out is too small (*found says how many it
 * needs), -1 on allocation failure, -2 when ends decrease. */
int tr_word_fits(const tr_word_model *w, const uint32_t *before, size_t before_len, const uint32_t *options,
                 const size_t *ends, size_t slots, const uint32_t *after, size_t after_len, size_t reach,
                 int32_t *out, size_t cap, size_t *found);

/* ---- shift.c: the structure search of a byte-shift run ------------------- */
/* Twin: _fallback.shift (shift_paths, slot_fillers; its docstring explains
 * states, atoms and slots).  A run's tokens arrive as a program of int32:
 * [ntok, then per token: nopt, then per option: natom, atoms...].  An atom
 * is a byte (0-255), TR_ATOM_PIECE, TR_ATOM_U, TR_ATOM_LOST, TR_ATOM_ALONE,
 * TR_ATOM_DROPPAIR, TR_ATOM_UHI (the twin's UHI), or TR_ATOM_ANN + off / TR_ATOM_ANNCHAR + off for the
 * annotation whose record starts at ann[off].  The table ann is a sequence
 * of records [n, item, then per character, in increasing code point order:
 * code point, bytes], bytes being 1 << 16 | byte or 2 << 16 | lead << 8 |
 * trail (its cp936 bytes); item is what a path shows for the annotation: a
 * code point, or TR_SHIFT_TEXT + k for the k-th text of the caller's own
 * list.  An atom's offset must be the start of a record.
 * A path's items (int32): a code point (a lost ASCII byte is 0, as the twin's
 * LOST is "\0"), TR_ITEM_TEXT - k (the text k) or TR_ITEM_SLOT - k (slot
 * record k).  The slot records follow the items of the last path, in order:
 * [kind (TR_SLOT_*), byte, n, then n code points], n = 0 meaning every
 * character the twin's Slot.of(kind, byte) allows (no annotation narrowed it). */
#define TR_ATOM_PIECE 256
#define TR_ATOM_U 257
#define TR_ATOM_LOST 258
#define TR_ATOM_ALONE 259
#define TR_ATOM_DROPPAIR 260
#define TR_ATOM_UHI 261
#define TR_ATOM_ANN 16777216
#define TR_ATOM_ANNCHAR 33554432
#define TR_ATOM_ANN_MAX 16777216
#define TR_SHIFT_BEAM 16
#define TR_SHIFT_PATHS 8
#define TR_SHIFT_GUESS_COST 2
#define TR_SHIFT_TEXT 1114112
#define TR_ITEM_TEXT -1
#define TR_ITEM_SLOT -33554432
#define TR_SLOT_LEAD 0
#define TR_SLOT_TRAIL 1
#define TR_SLOT_PAIR 2
#define TR_SLOT_UDA 3
#define TR_SLOT_HITRAIL 4

typedef struct {
    double score;        /* the path's total */
    int64_t guesses;
    size_t items;        /* its items, after those of the path before */
} tr_shift_path;

/* The best in-step readings of a run, at most TR_SHIFT_PATHS distinct ones,
 * best first (twin: _fallback.shift.shift_paths): m must have its pair table;
 * before/after are the neighbouring code points or -1, lost_lead non-zero
 * when the run may start after a lost lead byte.  paths must hold
 * TR_SHIFT_PATHS entries; *npaths receives how many were found (0: none).
 * Writes the items and slot records to out (at most cap int32), their number
 * to *out_len.  Returns 0, 2 when out is too small (*out_len says how many it
 * needs), -1 on allocation failure, -2 on a malformed program or table. */
int tr_shift_paths(const tr_char_model *m, const int32_t *prog, size_t prog_len, const uint32_t *ann,
                   size_t ann_len, int32_t before, int32_t after, int lost_lead, tr_shift_path *paths,
                   size_t *npaths, int32_t *out, size_t cap, size_t *out_len);

/* Readings of a group of consecutive slots, likeliest first by the bigram
 * model with their neighbours, at most width of them (twin:
 * _fallback.shift.slot_fillers): slot k allows chars[ends[k - 1]..ends[k])
 * (ends[-1] = 0; fullwidth forms are read folded); prev/next are the code
 * points around the group or -1.  Writes *count readings of slots code
 * points each to out, which must hold width * slots (a group of no slot has
 * one empty reading).  Returns 0, -1 on allocation failure, -2 when ends
 * decrease. */
int tr_slot_fillers(const tr_char_model *m, const uint32_t *chars, const size_t *ends, size_t slots, int32_t prev,
                    int32_t next, size_t width, uint32_t *out, size_t *count);

/* ---- shift.c: the judgement of a byte-shift run ----------------------------- */
/* Twin: _fallback.shift.shift_judge: the run's tokens in every decoder mode,
 * the search, the slots of the best paths filled with the word model, and the
 * best reading weighed against the run as it stands.  The constants are the
 * twin's (MARGIN ... BIGRAM_WEIGHT), passed in params by the caller; the
 * readings an annotation names and the classes of the signs of the cut are
 * the tables gen_tables.py renders (tr_syllable_*, tr_space_*, tr_decimal_*). */
#define TR_SHIFT_REASON_NONE 0
#define TR_SHIFT_REASON_CLEAN 1    /* "reads better as a repair, but clean text writes this too" */
#define TR_SHIFT_REASON_NO_BYTE 2  /* "no byte of the reading survives" */

typedef struct {
    double margin;          /* MARGIN */
    double salad;           /* SALAD */
    double page_prior;      /* PAGE_PRIOR */
    double pua_gap;         /* PUA_GAP */
    double bigram_weight;   /* BIGRAM_WEIGHT */
    double share_temperature; /* SHARE_TEMPERATURE */
    size_t context;         /* CONTEXT */
    size_t judged_paths;    /* JUDGED_PATHS */
    size_t fillers;         /* FILLERS, at least 1 */
    size_t word_reach;      /* WORD_REACH */
    size_t free_slots;      /* FREE_SLOTS */
} tr_shift_params;

typedef struct {
    const tr_char_model *chars;  /* with its pair table */
    const tr_word_model *words;  /* its backoff model has the same values as chars */
    const uint16_t *encode;      /* 65536: the cp936 bytes of each BMP code point from 0x80, lead << 8 | trail
                                    (a value below 0x100 is one byte), or 0 when cp936 cannot write it */
    tr_shift_params params;
} tr_shift_model;

typedef struct {
    int apply;           /* the reading replaces the run */
    int certain;         /* ... on a sign of the cut or salad */
    int near_cut;        /* held back only because clean text could write the run */
    int reason;          /* TR_SHIFT_REASON_*: why the run stays */
    double confidence;
    double score;        /* the reading's score less its guesses (-inf: no reading) */
    int edge_guess;      /* the reading's last character is a guess from its lead byte alone: the
                            run ended on a lead byte the decoder dropped (a TR_SLOT_HITRAIL slot) */
} tr_shift_verdict;

/* The verdict on the run run[0..run_len) between left and right (code
 * points; the stage passes CONTEXT of each), opened being the paired marks
 * open before it (opening marks only, innermost last), keeps_pua non-zero
 * when the page holds private-use characters.  Writes the verdict and its
 * reading (a lost ASCII byte as 0) to out (at most cap code points; its
 * length to *out_len).  Returns 0, 1 when the run cannot be damage (the
 * twin's None), 2 when out is too small (*out_len says how many it needs;
 * 3 * run_len + 16 always suffices), -1 on allocation failure, -2 on a
 * malformed model or opened. */
int tr_shift_judge(const tr_shift_model *sm, const uint32_t *run, size_t run_len, const uint32_t *left,
                   size_t left_len, const uint32_t *right, size_t right_len, const uint32_t *opened,
                   size_t opened_len, int keeps_pua, tr_shift_verdict *verdict, uint32_t *out, size_t cap,
                   size_t *out_len);

/* Twin: _fallback.shift.shift_quiet.  1 when no cut has to show for the
 * judge to have nothing to read in t[0..n): every run [runs[2k],
 * runs[2k + 1]) of the nruns is one clean text writes too (weak_run: no sign
 * of the cut with the context characters after it, no rare character, no
 * salad of common ones below per_char per character), and, with marks, no
 * folded ! or ; between wide characters starts a run of salad of at most
 * max_piece characters (alone_starts); 0 when one does; -1 on allocation
 * failure, -2 on a run outside t, a code point above U+10FFFF or a
 * max_piece below 2. */
int tr_shift_quiet(const tr_char_model *m, const uint32_t *t, size_t n, const size_t *runs, size_t nruns, int marks,
                   size_t context, size_t max_piece, double per_char);
/* Twin: _fallback.shift.alone_starts.  The runs that start on a folded ! or
 * ; between wide characters (with the character before it, at most
 * max_piece characters), outside the sorted (start, end) pairs taken[0..2
 * ntaken), that show damage on their own: their wide characters are salad
 * (below per_char per character) or they realign on a trail byte before a
 * wide character.  Their (start, end) pairs go to out (room for cap pairs);
 * *count says how many there are.  Returns 0, 2 when out is too small, -2 on
 * a code point above U+10FFFF or a max_piece below 2. */
int tr_shift_alone(const tr_char_model *m, const uint32_t *t, size_t n, const size_t *taken, size_t ntaken,
                   size_t max_piece, double per_char, size_t *out, size_t cap, size_t *count);
/* Twin: _fallback.shift.weak_runs.  weak[k] = 1 when run k (as in
 * tr_shift_quiet) is one clean text writes too, else 0, for each of the
 * nruns; returns 0, -1 on allocation failure, -2 as tr_shift_quiet. */
int tr_shift_weak(const tr_char_model *m, const uint32_t *t, size_t n, const size_t *runs, size_t nruns, uint8_t *weak,
                  size_t context, double per_char);

/* ---- readings.c: inner loops of the wrong-codec readers -------------------- */
/* Twin: _fallback.readings (best_gain).  The stretch [*start, *end) of a run
 * whose characters old[k] read as read[k] (both folded, k < len) where the
 * bigram model gains most: a position's gain is (0.0 - ln P(old[k] | old[k-1]))
 * + ln P(read[k] | read[k-1]), U+0000 before the first; the best sum over a
 * stretch (the first found of the best, strictly greater).  Returns 1 and
 * sets *start, *end when that sum is above 0, else 0. */
int tr_best_gain(const tr_char_model *m, const uint32_t *old, const uint32_t *read, size_t len, size_t *start,
                 size_t *end);

/* Twin: _fallback.readings (utf8_islands).  The UTF-8 islands of a window of
 * damaged text, codes[0..n) being its bytes as the UTF-8 reader sees them,
 * each (value + 2) | 1 << 9 when it starts a character | 1 << 10 when that
 * character is a "?" that may stand for a byte (value -2: a character with
 * no bytes, -1: an unknown byte); lost non-zero when the decoder may have
 * dropped bytes unmarked.  Writes each island's first and end character to
 * out[2k], out[2k + 1] while k < cap; returns how many there are, or
 * (size_t)-1 on allocation failure. */
size_t tr_utf8_islands(const uint16_t *codes, size_t n, int lost, size_t *out, size_t cap);

/* ---- triage.c: which stages may act on a text, in one call ------------- */
#define TR_TRI_ANNOTATIONS 1  /* "(x)" or "(" and 1-8 pinyin letters and ")": the annotation scan may find one */
#define TR_TRI_MARKUP 2       /* a '<' or '&' */
#define TR_TRI_BOILERPLATE 4  /* a phrase's first three code points or a spaced menu: the boilerplate scan may find a line */
#define TR_TRI_NORMALISE 8    /* a character of the normalise classes, or one NFC may compose */
#define TR_TRI_MOJIBAKE 16    /* a span of tr_mojibake_scan */
#define TR_TRI_LOST 32        /* "??" or U+951F: lost text, lost bytes */
#define TR_TRI_MARK 128       /* a '!' or ';' between non-ASCII characters: a dropping decoder's run may start there */

/* What tr_triage reads besides the text, built once per phrase set: the
 * boilerplate phrases ('\0'-separated UTF-8 phrases[0..phrases_len), what
 * tr_boilerplate_lines takes) and the ideographs that feed no trigger.
 * Read-only once built (threads may share one).  NULL when it cannot
 * allocate; tr_triage_tables_free takes NULL too. */
typedef struct tr_triage_tables tr_triage_tables;
tr_triage_tables *tr_triage_tables_new(const uint8_t *phrases, size_t phrases_len);
void tr_triage_tables_free(tr_triage_tables *tables);

/* Twin: _fallback.triage.  The TR_TRI_* bits of the code points t[0..n):
 * norm_classes are the normalise stage's TR_NORM_* classes, tables (built
 * from the boilerplate scan's phrases; NULL: no phrases, and slower) and
 * min_items the boilerplate scan's arguments; the spans tr_mojibake_scan
 * finds in the same text go to out as that function writes them (at most
 * cap; *found may exceed cap).  Allocates nothing. */
uint32_t tr_triage(const uint32_t *t, size_t n, uint32_t norm_classes, const tr_triage_tables *tables,
                   size_t min_items, tr_mojibake_run *out, size_t cap, size_t *found);

/* Twin: _fallback.triage.han_rare.  The TR_MJ_RARE bit of U+4E00..U+9FFF
 * as a bitmap (bit c & 7 of byte c >> 3 for U+4E00 + c) in out: returns its
 * length (2624), or 0 when cap is smaller or a character of the range has a
 * class other than TR_MJ_CJK with or without TR_MJ_RARE. */
size_t tr_triage_han_rare(uint8_t *out, size_t cap);

/* Twin: _fallback.readings (codec_triggers).  Which rare-character windows
 * of a text t[0..n) (code points) start a wrong-codec reading: keep[k] = 1
 * when the window [windows[2k], windows[2k + 1]) holds a rare character
 * (TR_MJ_RARE) that is neither inside a span of taken (ntaken sorted,
 * non-overlapping pairs [taken[2j], taken[2j + 1])) nor a pinyin tone letter
 * inside an annotation: the last "(" at most 8 characters before it opens
 * 1-8 letters a-z or tone letters and a ")", and the letter is before that
 * ")".  Windows out of range (end > n or start > end) are clamped to n.
 * Returns how many windows are kept. */
size_t tr_codec_triggers(const uint32_t *t, size_t n, const size_t *windows, size_t count, const size_t *taken,
                         size_t ntaken, uint8_t *keep);

/* CDEF END */

/* A hint that *p will be read soon: the model's hash tables are megabytes,
 * so a probe is a cache miss that the next ones can overlap. */
#if defined(__GNUC__) || defined(__clang__)
#define TR_PREFETCH(p) __builtin_prefetch(p)
#else
#define TR_PREFETCH(p) ((void)(p))
#endif

/* ---- the character model's look-ups, shared by lm.c and shift.c (the
 * search's hottest steps); twin: _fallback.lm.CharModel ------------------ */

/* Index of c among the model's characters, or -1: one look-up in the BMP,
 * a binary search above (CharModel.index). */
static inline long tr_char_index(const tr_char_model *m, uint32_t c)
{
    size_t lo = 0, hi = m->chars;
    if (c < 0x10000) {
        uint16_t q = m->bmp_index[c];
        return q < m->chars && m->cp[q] == c ? (long)q : -1;
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->cp[mid] < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->chars && m->cp[lo] == c ? (long)lo : -1;
}

/* What a step needs of the previous character, looked up once for the many
 * characters tried after it. */
typedef struct {
    long index;        /* -1: no previous character, or one the model never saw */
    double ln_gamma;
} tr_char_prev;

static inline void tr_char_prev_of(const tr_char_model *m, int32_t prev, tr_char_prev *p)
{
    p->index = prev < 0 ? -1 : tr_char_index(m, (uint32_t)prev);
    p->ln_gamma = p->index >= 0 ? m->ln_gamma[p->index] : 0.0;
}

/* Home slot of a bigram key (lm.bigram_slot): Fibonacci hashing, scaled. */
static inline size_t tr_bigram_slot(uint32_t key, size_t slots)
{
    uint32_t h = key * 0x9E3779B1u;
    return (size_t)(((uint64_t)h * (uint64_t)slots) >> 32);
}

/* The bigram slot tr_char_logp_at(m, p, c) reads first, for TR_PREFETCH (NULL: none). */
static inline const uint32_t *tr_char_home(const tr_char_model *m, const tr_char_prev *p, long c)
{
    if (p->index < 0 || c < 0 || !m->slots)
        return NULL;
    return &m->bi_key[tr_bigram_slot((uint32_t)p->index << 16 | (uint32_t)c, m->slots)];
}

/* ln P(ch | prev) of the character of index c (-1: one the model never saw). */
static inline double tr_char_logp_at(const tr_char_model *m, const tr_char_prev *p, long c)
{
    uint32_t key;
    size_t s, n;
    if (p->index < 0)
        return c >= 0 ? m->ln_uni[c] : m->ln_uni_unknown;
    if (c < 0)
        return p->ln_gamma + m->ln_cont_unknown;
    key = (uint32_t)p->index << 16 | (uint32_t)c;
    if (m->slots) {
        s = tr_bigram_slot(key, m->slots);
        for (n = 0; n < m->slots; n++) {
            uint32_t k = m->bi_key[s];
            if (k == key)
                return m->bi_logp[s];
            if (k == TR_SLOT_EMPTY)
                break;
            if (++s == m->slots)
                s = 0;
        }
    }
    return p->ln_gamma + m->ln_cont[c];
}

/* ln P(ch | prev): one probe of the bigram table, at most one addition (CharModel._logp). */
static inline double tr_char_logp_after(const tr_char_model *m, const tr_char_prev *p, uint32_t ch)
{
    return tr_char_logp_at(m, p, tr_char_index(m, ch));
}

/* ---- mojibake tables: rendered at build time by gen_tables.py from
 * _cjkcodec.scan_classes (data/char_model.bin and the codecs) ----------- */
#define TR_MJ_RARE 1      /* non-ASCII, not a space, seen < RARE_BELOW times */
#define TR_MJ_SPACE 2     /* str.isspace */
#define TR_MJ_ALPHA 4     /* str.isalpha (kept for code-page characters only) */
#define TR_MJ_LATIN1 8    /* what a byte 0x80-0xFF becomes in Latin-1 */
#define TR_MJ_CP1252 16   /* ... in cp1252 */
#define TR_MJ_CP1250 32   /* ... in cp1250 */
#define TR_MJ_LEAD 64     /* ftfy: a UTF-8 lead byte in one of its code pages */
#define TR_MJ_CONT 128    /* ftfy: a continuation byte, a space or U+FFFD */
#define TR_MJ_CJK 256     /* never handed to ftfy */
extern const uint16_t tr_mj_class_index[];  /* 0x1100 blocks of 256 code points */
extern const uint16_t tr_mj_class_data[];   /* 256 classes per distinct block */

static inline uint16_t tr_mj_class(uint32_t c)
{
    if (c >= 0x110000)
        return 0;
    return tr_mj_class_data[(size_t)tr_mj_class_index[c >> 8] * 256 + (c & 255)];
}

/* ---- normalise.c: the TR_NORM_* class of a code point (for triage.c) --- */
uint32_t tr_norm_class(uint32_t cp);

/* ---- mojibake.c: tr_mojibake_scan one code point at a time, for the
 * triage (triage.c), which reads the text once for every stage ---------- */
typedef struct {
    int open;          /* a "(" group that may be an annotation is open */
    size_t letters;    /* its pinyin letters so far */
    int rare;          /* one of them is rare (a tone letter) */
} tr_mj_group;

typedef struct {
    uint16_t bit;      /* TR_MJ_LATIN1 ... */
    uint32_t kind;     /* TR_MOJIBAKE_LATIN1 ... */
    int state;         /* 0 outside, 1 after H, 2 after H A */
    size_t start, highs;
    int letter;
} tr_mj_chain;

typedef struct {
    size_t len;        /* code points stepped over */
    size_t word_start, seg_start;
    int word_rare, in_seg, seg_marked, prev_lead;
    tr_mj_group group;
    tr_mj_chain chains[3];
} tr_mj_state;

/* A pinyin letter as the annotation scan reads one: ASCII or tr_letter_cp. */
int tr_pinyin_letter(uint32_t c);
void tr_mj_begin(tr_mj_state *st);
/* Step over code point c of class k (tr_mj_ascii_class below 0x80, else
 * tr_mj_class), emitting the spans it closes to out (see tr_mojibake_scan). */
void tr_mj_step(tr_mj_state *st, uint32_t c, uint16_t k, tr_mojibake_run *out, size_t cap, size_t *count);
void tr_mj_end(tr_mj_state *st, tr_mojibake_run *out, size_t cap, size_t *count);

/* tr_mj_step for a code point of class k when it changes nothing but the
 * count: a plain CJK character (no other class) with no group, chain or
 * ftfy stretch open; returns 0 when tr_mj_step must run instead. */
static inline int tr_mj_quiet(tr_mj_state *st, uint16_t k)
{
    if (k != TR_MJ_CJK || st->in_seg || st->group.open || st->chains[0].state || st->chains[1].state ||
        st->chains[2].state)
        return 0;
    st->prev_lead = 0;
    st->len++;
    return 1;
}
/* tr_mj_step for the two commonest steps of a page that change little: an
 * ASCII character of no class (a digit, a letter, a mark) and a plain CJK
 * character after one, with no annotation group or code-page chain open
 * (the ftfy stretch they open or close being unmarked); returns 0 when
 * tr_mj_step must run instead. */
static inline int tr_mj_light(tr_mj_state *st, uint32_t c, uint16_t k)
{
    if (st->group.open || c == '(' || st->chains[0].state || st->chains[1].state || st->chains[2].state)
        return 0;
    if (k == 0 && c < 0x80) {
        if (!st->in_seg) {
            st->in_seg = 1;
            st->seg_start = st->len;
            st->seg_marked = 0;
        }
    } else if (k == TR_MJ_CJK && !(st->in_seg && st->seg_marked)) {
        st->in_seg = 0;
    } else {
        return 0;
    }
    st->prev_lead = 0;
    st->len++;
    return 1;
}
/* The folded marks a byte-shift run may be anchored on: ? ! ; , */
static inline int tr_mj_anchor_char(uint32_t c)
{
    return c == '?' || c == '!' || c == ';' || c == ',';
}
/* The class of an ASCII code point: no class but space, no table look-up. */
static inline uint16_t tr_mj_ascii_class(uint32_t c)
{
    uint16_t k = (c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F)) ? TR_MJ_SPACE : 0;
    if (c == ' ')
        k |= TR_MJ_CONT;
    return k;
}
/* The byte-shift runs of the code points t[0..len), appended to out; marks,
 * when not NULL, lists in order every position of t holding one of ?!;,
 * (nmarks of them): only those are visited. */
void tr_mj_shift_runs(const uint32_t *t, size_t len, const size_t *marks, size_t nmarks, tr_mojibake_run *out,
                      size_t cap, size_t *count);

/* ---- tables: rendered at build time from pinyin_readings.txt ---------- */
extern const size_t tr_reading_count;
extern const uint32_t tr_reading_cp[];     /* sorted code points */
extern const uint32_t tr_reading_info[];   /* offset << 1 | traditional */
extern const char tr_reading_text[];       /* "shu4,shu3,shuo4\0..." */
extern const uint32_t tr_reading_block_base;  /* first 256-code-point block */
extern const size_t tr_reading_block_count;
extern const uint32_t tr_reading_block[];  /* index where each block starts, + end */
extern const size_t tr_letter_count;
extern const uint32_t tr_letter_cp[];      /* sorted code points */
extern const char tr_letter_base[];        /* 'a'.. or 0 for a bare mark */
extern const uint8_t tr_letter_tone[];
extern const size_t tr_letter_low_count;
extern const uint8_t tr_letter_low[];      /* below low_count: 1 + index, or 0 */

/* ---- tables: rendered at build time for shift.c from pinyin_readings.txt,
 * the cp936 codec and Python's str.isspace / str.isdecimal ------------------ */
extern const size_t tr_syllable_count;     /* keys: the toned ones, then the toneless ones */
extern const size_t tr_syllable_toned;     /* how many are toned (each part is sorted) */
extern const uint32_t tr_syllable_key[];   /* offset of each key in tr_syllable_text */
extern const char tr_syllable_text[];      /* "a1\0a2\0..." */
extern const uint32_t tr_syllable_first[]; /* count + 1: where each key's characters start */
extern const uint32_t tr_syllable_chars[]; /* the traditional two-byte characters of each, sorted */
extern const size_t tr_space_count;
extern const uint32_t tr_space_ranges[];   /* [lo, hi] pairs: str.isspace (re's \s) */
extern const size_t tr_decimal_count;
extern const uint32_t tr_decimal_ranges[]; /* [lo, hi] pairs: str.isdecimal (re's \d) */

/* ---- utf8.c: shared helpers ------------------------------------------- */
/* Decode the code point at s[i] (i < n); *len receives its byte length.
 * Bytes that do not start a valid sequence decode as themselves, length 1.
 * The scanners' hot loops use the inline copy below; utf8.c exports it. */
uint32_t tr_utf8_decode(const uint8_t *s, size_t n, size_t i, size_t *len);

static inline uint32_t tr_utf8_decode_inline(const uint8_t *s, size_t n, size_t i, size_t *len)
{
    uint8_t b = s[i];
    if (b < 0x80) {
        *len = 1;
        return b;
    }
    /* surrogatepass text is otherwise valid UTF-8; stay safe on anything. */
    if (b >= 0xC2 && b < 0xE0 && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
        *len = 2;
        return ((uint32_t)(b & 0x1F) << 6) | (s[i + 1] & 0x3F);
    }
    if (b >= 0xE0 && b < 0xF0 && i + 2 < n && (s[i + 1] & 0xC0) == 0x80 &&
        (s[i + 2] & 0xC0) == 0x80) {
        *len = 3;
        return ((uint32_t)(b & 0x0F) << 12) | ((uint32_t)(s[i + 1] & 0x3F) << 6) |
               (s[i + 2] & 0x3F);
    }
    if (b >= 0xF0 && b < 0xF5 && i + 3 < n && (s[i + 1] & 0xC0) == 0x80 &&
        (s[i + 2] & 0xC0) == 0x80 && (s[i + 3] & 0xC0) == 0x80) {
        *len = 4;
        return ((uint32_t)(b & 0x07) << 18) | ((uint32_t)(s[i + 1] & 0x3F) << 12) |
               ((uint32_t)(s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F);
    }
    *len = 1;
    return b;
}

#endif /* TEXTREPAIR_H */
