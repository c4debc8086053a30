/* targets_triage.c -- fuzz targets of native/triage.c.
 *
 * The triage reads the input decoded to code points (as Python's UTF-32
 * would give them) and must say what the stages' own scans say of its UTF-8:
 * its mojibake spans are tr_mojibake_scan's, with or without its tables;
 * and on the valid UTF-8 Python passes, a stage bit is set wherever that
 * stage's scan finds something (annotations, boilerplate lines, normalise
 * runs). */
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "textrepair.h"

#define HAN_BYTES 2624

static uint32_t call(const uint32_t *data, size_t size, uint32_t classes, const tr_triage_tables *tables,
                     size_t items, tr_mojibake_run **spans, size_t *found)
{
    size_t again = 0;
    tr_mojibake_run *none = fuzz_alloc(0);
    uint32_t bits = tr_triage(data, size, classes, tables, items, none, 0, found);
    free(none);
    *spans = fuzz_alloc(*found * sizeof **spans);
    FUZZ_CHECK(tr_triage(data, size, classes, tables, items, *spans, *found, &again) == bits);
    FUZZ_CHECK(again == *found);
    return bits;
}

FUZZ_TARGET(tr_triage)
{
    /* The first byte picks the classes and the item count; the bytes after
     * the last '\x01' (if any) are the phrases, '\n' separating them. */
    uint32_t classes = size ? data[0] & 31 : 0;
    size_t items = size ? (data[0] >> 5) : 0, split = size, plen = 0, found, found2, expect = 0, k;
    for (k = size; k > 0; k--)
        if (data[k - 1] == 1) {
            split = k - 1;
            break;
        }
    uint8_t *phrases = fuzz_alloc(size - (split < size ? split + 1 : size) + 1);
    if (split < size) {
        plen = size - split - 1;
        memcpy(phrases, data + split + 1, plen);
        for (k = 0; k < plen; k++)
            if (phrases[k] == '\n')
                phrases[k] = 0;
    }
    const uint8_t *text = data;
    size_t n = split, chars;
    uint32_t *cps = fuzz_decode(text, n, &chars);
    tr_triage_tables *tables = tr_triage_tables_new(phrases, plen);
    FUZZ_CHECK(tables != NULL);
    /* Without tables every code point takes the long way, and there are no
     * phrases: the same spans, the same bits but the boilerplate one. */
    tr_mojibake_run *spans, *spans2;
    uint32_t bits = call(cps, chars, classes, tables, items, &spans, &found);
    uint32_t bits2 = call(cps, chars, classes, NULL, items, &spans2, &found2);
    FUZZ_CHECK((bits & ~(uint32_t)TR_TRI_BOILERPLATE) == (bits2 & ~(uint32_t)TR_TRI_BOILERPLATE) && found == found2);
    FUZZ_CHECK(plen || bits == bits2);
    for (k = 0; k < found; k++)  /* field by field: the struct has padding */
        FUZZ_CHECK(spans[k].start_char == spans2[k].start_char && spans[k].end_char == spans2[k].end_char &&
                   spans[k].kind == spans2[k].kind);
    /* no bit but those defined (64, once "an allocation failed", is unused) */
    FUZZ_CHECK(!(bits & ~(uint32_t)(TR_TRI_ANNOTATIONS | TR_TRI_MARKUP | TR_TRI_BOILERPLATE | TR_TRI_NORMALISE |
                                    TR_TRI_MOJIBAKE | TR_TRI_LOST | TR_TRI_MARK)));
    FUZZ_CHECK(!!(bits & TR_TRI_MOJIBAKE) == (found > 0));

    for (k = 0; k < found; k++)
        FUZZ_CHECK(spans[k].start_char < spans[k].end_char && spans[k].end_char <= chars);

    if (fuzz_valid_utf8(text, n) && fuzz_valid_utf8(phrases, plen)) {  /* what Python passes */
        /* The spans are tr_mojibake_scan's, in its order (on other bytes the
         * two read anchors differently: an overlong '?' is no '?' byte). */
        tr_mojibake_run *scan = fuzz_alloc(found * sizeof *scan);
        FUZZ_CHECK(tr_mojibake_scan(text, n, scan, found, &expect) == 0 && expect == found);
        for (k = 0; k < found; k++)
            FUZZ_CHECK(scan[k].start_char == spans[k].start_char && scan[k].end_char == spans[k].end_char &&
                       scan[k].kind == spans[k].kind);
        free(scan);
        tr_annotation_stats stats;
        size_t lines = 0, runs = 0;
        tr_find_annotations(text, n, NULL, 0, &stats);
        FUZZ_CHECK(!stats.found || (bits & TR_TRI_ANNOTATIONS));
        if (tr_boilerplate_lines(text, n, phrases, plen, items, NULL, 0, &lines) == 0)
            FUZZ_CHECK(!lines || (bits & TR_TRI_BOILERPLATE));
        tr_normalise_runs(text, n, classes, NULL, 0, &runs);
        FUZZ_CHECK(!runs || (bits & TR_TRI_NORMALISE));
        FUZZ_CHECK(!(memchr(text, '<', n) || memchr(text, '&', n)) == !(bits & TR_TRI_MARKUP));
    }
    tr_triage_tables_free(tables);
    free(spans);
    free(spans2);
    free(cps);
    free(phrases);
}

/* The tables alone: built from any bytes (phrases split at '\0'), freed. */
FUZZ_TARGET(tr_triage_tables_new)
{
    tr_triage_tables *tables = tr_triage_tables_new(data, size);
    FUZZ_CHECK(tables != NULL);
    tr_triage_tables_free(tables);
}

FUZZ_TARGET(tr_triage_tables_free)
{
    tr_triage_tables_free(NULL);
    tr_triage_tables_free(tr_triage_tables_new(data, size));
}

FUZZ_TARGET(tr_triage_han_rare)
{
    size_t cap = size ? data[0] * 16 : HAN_BYTES;
    uint8_t *out = fuzz_alloc(cap);
    size_t got = tr_triage_han_rare(out, cap);
    FUZZ_CHECK(got == 0 || (got == HAN_BYTES && cap >= HAN_BYTES));
    free(out);
}
