/* u64map.c and txtable.c: the hash map against a reference under random inserts and deletes; slots are
 * reused; forgotten ids are remembered until their expiry and then purged. */
#include "test.h"

#include "powrelay/error.h"
#include "powrelay/rng.h"
#include "powrelay/config.h"
#include "txtable.h"
#include "powrelay/u64map.h"

TEST(u64map_matches_reference)
{
    enum { KEYS = 4096 };
    static uint64_t ref[KEYS]; /* 0 = absent */
    memset(ref, 0, sizeof ref);
    struct pr_u64map m = {0};
    struct pr_rng r;
    pr_rng_seed(&r, 1, 0);
    for (int it = 0; it < 200000; it++) {
        uint64_t k = pr_rng_below(&r, KEYS);
        uint64_t key = k * 0x100000000ull + 1; /* ids look like (node + 1) << 32 | seq */
        if (pr_rng_below(&r, 3) == 0) {
            ASSERT_EQ(pr_u64map_del(&m, key), ref[k] != 0);
            ref[k] = 0;
        } else {
            uint64_t v = pr_rng_next(&r) | 1;
            ASSERT_OK(pr_u64map_put(&m, key, v));
            ref[k] = v;
        }
    }
    size_t live = 0;
    for (uint64_t k = 0; k < KEYS; k++) {
        uint64_t v;
        bool has = pr_u64map_get(&m, k * 0x100000000ull + 1, &v);
        ASSERT_EQ(has, ref[k] != 0);
        if (has)
            ASSERT_U64(v, ref[k]);
        live += ref[k] != 0;
    }
    ASSERT_EQ(m.len, live);
    ASSERT_EQ(pr_u64map_put(&m, 0, 1), PR_ERR_INVALID);
    pr_u64map_free(&m);
}

static bool drop_odd(uint64_t key, uint64_t val, void *arg)
{
    (void)key;
    (void)arg;
    return val & 1;
}

/* The set agrees with a plain list through growth by quarters (slot counts that are not powers of
 * two, probing that wraps), and sits 60-75% full (59% for the rounding) once past its first sizes. */
TEST(u64set_matches_reference_and_stays_60_to_75_percent_full)
{
    enum { N = 20000 };
    struct pr_u64set s = {0};
    uint64_t *keys = malloc(sizeof *keys * N);
    ASSERT_TRUE(keys != NULL);
    size_t grown = 0;
    for (size_t i = 0; i < N; i++) {
        keys[i] = pr_hash64(i + 1) | 1; /* non-zero, spread */
        size_t before = s.slots;
        ASSERT_OK(pr_u64set_add(&s, keys[i]));
        ASSERT_OK(pr_u64set_add(&s, keys[i])); /* again: no second copy */
        ASSERT_EQ(s.len, i + 1);
        ASSERT_TRUE(s.len * 4 <= s.slots * 3);
        if (s.slots != before && before) {
            grown++;
            if (s.slots > 256)
                ASSERT_TRUE(s.len * 100 >= s.slots * 59); /* 3/4 of the old count over 5/4 of it, rounded up */
        }
    }
    ASSERT_TRUE(grown > 20);
    for (size_t i = 0; i < N; i++) {
        ASSERT_TRUE(pr_u64set_has(&s, keys[i]));
        ASSERT_TRUE(!pr_u64set_has(&s, keys[i] + 2)); /* odd keys + 2: none was added (hash collisions aside) */
    }
    pr_u64set_clear(&s);
    ASSERT_TRUE(s.len == 0 && s.slots > 0 && !pr_u64set_has(&s, keys[0]));
    pr_u64set_free(&s);
    free(keys);
}

TEST(u64map_filter)
{
    struct pr_u64map m = {0};
    for (uint64_t k = 1; k <= 1000; k++)
        pr_u64map_put(&m, k, k);
    pr_u64map_filter(&m, drop_odd, NULL);
    ASSERT_EQ(m.len, 500);
    for (uint64_t k = 1; k <= 1000; k++)
        ASSERT_EQ(pr_u64map_get(&m, k, NULL), k % 2 == 0);
    pr_u64map_free(&m);
}

TEST(txtable_slots_reused_and_seen_expires)
{
    struct pr_txtable t;
    pr_txtable_init(&t, 100);
    uint32_t a, b, c;
    ASSERT_OK(pr_txtable_add(&t, 11, &a));
    ASSERT_OK(pr_txtable_add(&t, 12, &b));
    ASSERT_EQ(pr_txtable_find(&t, 12), b);
    uint32_t cold_a = t.hot[a].cold;
    pr_txtable_forget(&t, a, 0);
    ASSERT_EQ(pr_txtable_find(&t, 11), PR_NO_SLOT);
    ASSERT_EQ(pr_txtable_find(&t, 12), b); /* a deletion does not move others */
    ASSERT_TRUE(pr_txtable_seen(&t, 11));
    /* remembered at least one TTL (100 ns here), forgotten after two */
    pr_txtable_remember(&t, 500, 99);
    ASSERT_TRUE(pr_txtable_seen(&t, 11));
    pr_txtable_remember(&t, 501, 150); /* rotation at 100: 11 moves to the older generation */
    ASSERT_TRUE(pr_txtable_seen(&t, 11));
    pr_txtable_remember(&t, 502, 260); /* rotation at 250: the older generation goes */
    ASSERT_TRUE(!pr_txtable_seen(&t, 11));
    ASSERT_TRUE(pr_txtable_seen(&t, 501) && pr_txtable_seen(&t, 502));
    ASSERT_OK(pr_txtable_add(&t, 13, &c));
    ASSERT_EQ(t.hot[c].cold, cold_a); /* the freed cold record is reused */
    ASSERT_EQ(t.live, 2);
    /* remembering ids for a long time keeps only about two TTLs' worth: the memory stays bounded */
    for (uint64_t i = 0; i < 100000; i++)
        pr_txtable_remember(&t, 1000 + i, 300 + (int64_t)i);
    ASSERT_TRUE(pr_txtable_seen_count(&t) <= 200);
    /* re-adding a forgotten id works */
    pr_txtable_forget(&t, b, 200000);
    ASSERT_OK(pr_txtable_add(&t, 12, &b));
    ASSERT_EQ(pr_txtable_find(&t, 12), b);
    pr_txtable_free(&t);
}

TEST(txtable_matches_reference_through_growth_and_tombstones)
{
    enum { IDS = 3000 };
    static bool live[IDS];
    memset(live, 0, sizeof live);
    struct pr_txtable t;
    pr_txtable_init(&t, PR_S(600));
    struct pr_rng r;
    pr_rng_seed(&r, 5, 0);
    for (int it = 0; it < 300000; it++) {
        uint32_t k = (uint32_t)pr_rng_below(&r, IDS);
        uint64_t id = ((uint64_t)(k % 97) + 1) << 32 | (k + 1);
        uint32_t s = pr_txtable_find(&t, id);
        ASSERT_EQ(s != PR_NO_SLOT, live[k]);
        if (live[k]) {
            ASSERT_U64(t.hot[s].id, id);
            ASSERT_U64(t.cold[t.hot[s].cold].id, id);
            ASSERT_EQ(t.hot[s].size, k);
            pr_txtable_forget(&t, s, 0);
            live[k] = false;
        } else {
            ASSERT_OK(pr_txtable_add(&t, id, &s));
            t.hot[s].size = k;
            live[k] = true;
        }
    }
    uint32_t n = 0;
    for (uint32_t k = 0; k < IDS; k++)
        n += live[k];
    ASSERT_EQ(t.live, n);
    ASSERT_TRUE(t.used <= t.slots);
    pr_txtable_free(&t);
}

/* A full mempool churns: one evicted, one new, at a steady ~650 live entries. The table must clean its
 * tombstones at its size rather than double for good (it did: 2,048 slots a third full), yet still grow
 * when the live entries alone outgrow it. */
/* refind: the remembered slot when it still holds the id, else a real lookup (after growth moved it,
 * or once the entry is gone). */
TEST(txtable_refind_checks_the_hint_by_id)
{
    struct pr_txtable t;
    pr_txtable_init(&t, PR_S(600));
    uint32_t s1, s2, s;
    ASSERT_OK(pr_txtable_add(&t, 1, &s1));
    ASSERT_OK(pr_txtable_add(&t, 2, &s2));
    ASSERT_EQ(pr_txtable_refind(&t, 1, s1), s1);
    ASSERT_EQ(pr_txtable_refind(&t, 1, s2), s1); /* a wrong hint: looked up */
    ASSERT_EQ(pr_txtable_refind(&t, 1, PR_NO_SLOT), s1);
    for (uint64_t id = 3; id < 1000; id++) /* growth moves every slot */
        ASSERT_OK(pr_txtable_add(&t, id, &s));
    ASSERT_EQ(pr_txtable_refind(&t, 2, s2), pr_txtable_find(&t, 2));
    uint32_t now2 = pr_txtable_find(&t, 2);
    pr_txtable_forget(&t, now2, 0);
    ASSERT_EQ(pr_txtable_refind(&t, 2, now2), PR_NO_SLOT); /* gone: its old slot does not answer */
    ASSERT_EQ(pr_txtable_refind(&t, 0, now2), PR_NO_SLOT);
    ASSERT_EQ(pr_txtable_refind(&t, PR_TX_TOMB, now2), PR_NO_SLOT);
    pr_txtable_free(&t);
}

TEST(txtable_steady_churn_keeps_its_size)
{
    struct pr_txtable t;
    pr_txtable_init(&t, PR_S(600));
    uint32_t s;
    enum { LIVE = 650 };
    for (uint64_t id = 1; id <= LIVE; id++)
        ASSERT_OK(pr_txtable_add(&t, id, &s));
    ASSERT_EQ(t.slots, 1023);
    ASSERT_EQ((t.slots * sizeof *t.hot + 64) % 4096, 0); /* whole pages, with 64 bytes for the allocator */
    /* The cold slab holds the most ever live (reused from its free list): a quarter more at most. */
    ASSERT_EQ(t.n_cold, LIVE);
    ASSERT_TRUE(t.cap_cold >= LIVE && t.cap_cold <= LIVE + LIVE / 4);
    uint32_t max_used = 0;
    for (uint64_t id = LIVE + 1; id <= 200000; id++) {
        s = pr_txtable_find(&t, id - LIVE);
        ASSERT_TRUE(s != PR_NO_SLOT);
        pr_txtable_forget(&t, s, 0);
        ASSERT_OK(pr_txtable_add(&t, id, &s));
        ASSERT_EQ(t.live, LIVE);
        if (t.used > max_used)
            max_used = t.used;
    }
    ASSERT_EQ(t.slots, 1023);
    ASSERT_EQ(t.n_cold, LIVE);
    ASSERT_TRUE(max_used > LIVE); /* tombstones did pile up, and were cleaned in place */
    for (uint64_t id = 200000 - LIVE + 1; id <= 200000; id++)
        ASSERT_TRUE(pr_txtable_find(&t, id) != PR_NO_SLOT);
    /* Past 11/16 of 1,023 live (703), cleaning is no longer enough: it grows. */
    for (uint64_t id = 300000; t.live < 770; id++)
        ASSERT_OK(pr_txtable_add(&t, id, &s));
    ASSERT_EQ(t.slots, 2047);
    pr_txtable_free(&t);
}

/* A new generation of remembered ids takes the dropped one's slots (no regrowth every TTL), unless they
 * are over twice what the generation before needed: a burst's memory goes once it is old. */
TEST(txtable_seen_generations_reuse_their_slots)
{
    struct pr_txtable t;
    pr_txtable_init(&t, 100);
    uint64_t id = 1;
    for (int i = 0; i < 1000; i++) /* generation 1, until 100 */
        pr_txtable_remember(&t, id++, 50);
    for (int i = 0; i < 1000; i++) /* generation 2, from 100 to 250 */
        pr_txtable_remember(&t, id++, 150);
    const uint64_t *gen1 = t.seen[1].keys;
    size_t gen1_slots = t.seen[1].slots;
    ASSERT_TRUE(gen1 && pr_txtable_seen(&t, 1));
    pr_txtable_remember(&t, id++, 260); /* generation 3 in generation 1's slots */
    ASSERT_TRUE(t.seen[0].keys == gen1 && t.seen[0].slots == gen1_slots);
    ASSERT_EQ(t.seen[0].len, 1);
    ASSERT_TRUE(!pr_txtable_seen(&t, 1) && pr_txtable_seen(&t, 1001) && pr_txtable_seen(&t, id - 1));
    for (int i = 0; i < 50000; i++) /* a burst in generation 3 */
        pr_txtable_remember(&t, id++, 300);
    for (int i = 0; i < 10; i++) /* generation 4 (from 360, in generation 2's slots): few */
        pr_txtable_remember(&t, id++, 400);
    ASSERT_TRUE(t.seen[0].slots == gen1_slots);
    ASSERT_TRUE(t.seen[1].len == 50001 && pr_txtable_seen(&t, id - 20)); /* the burst: one TTL more */
    pr_txtable_remember(&t, id++, 500); /* generation 5: the burst's slots are too big to reuse */
    ASSERT_TRUE(t.seen[0].slots < 64 && t.seen[1].slots == gen1_slots);
    ASSERT_TRUE(!pr_txtable_seen(&t, id - 20) && pr_txtable_seen(&t, id - 2) && pr_txtable_seen(&t, id - 1));
    ASSERT_EQ(pr_txtable_seen_count(&t), 11);
    pr_txtable_remember(&t, id++, 600); /* generation 6: generation 4's slots are too big for 5's */
    ASSERT_TRUE(t.seen[0].slots < 64 && t.seen[1].slots < 64);
    pr_txtable_free(&t);
}

TEST(txtable_find_many_finds_what_find_finds)
{
    /* A batch lookup gives, id by id, what single lookups give: live ids their slots, forgotten and
     * unknown ids none, duplicates in the batch alike. And forgetting leaves no protocol state behind. */
    struct pr_txtable t;
    pr_txtable_init(&t, PR_S(600));
    uint64_t ids[300];
    for (uint32_t i = 0; i < 200; i++) {
        uint32_t slot;
        ids[i] = ((uint64_t)(i % 7) + 1) << 32 | (i + 1);
        ASSERT_OK(pr_txtable_add(&t, ids[i], &slot));
        t.hot[slot].work = 1.0 + i;
        t.hot[slot].flags = 0xff;
    }
    for (uint32_t i = 0; i < 200; i += 3)
        pr_txtable_forget(&t, pr_txtable_find(&t, ids[i]), 0);
    for (uint32_t i = 200; i < 300; i++)
        ids[i] = i < 250 ? ((uint64_t)99 << 32 | i) : ids[i - 250];
    uint32_t slots[300];
    pr_txtable_find_many(&t, ids, 300, slots);
    for (uint32_t i = 0; i < 300; i++) {
        ASSERT_EQ(slots[i], pr_txtable_find(&t, ids[i]));
        if (slots[i] != PR_NO_SLOT)
            ASSERT_U64(t.hot[slots[i]].id, ids[i]);
    }
    /* A chunk at a time (300 = 9 chunks of PR_TXTABLE_CHUNK and 12), the same slots, left in the array too. */
    uint32_t chunked[300];
    memset(chunked, 0xab, sizeof chunked);
    struct pr_txtable_batch b = pr_txtable_batch(&t, ids, 300, chunked);
    for (uint32_t i = 0; i < 300; i++) {
        ASSERT_EQ(pr_txtable_batch_slot(&b, i), slots[i]);
        ASSERT_EQ(b.found, i / PR_TXTABLE_CHUNK * PR_TXTABLE_CHUNK + (i >= 288 ? 12 : PR_TXTABLE_CHUNK));
    }
    ASSERT_TRUE(memcmp(chunked, slots, sizeof slots) == 0);
    for (uint32_t s = 0; s < t.slots; s++)
        if (t.hot[s].id == 0 || t.hot[s].id == PR_TX_TOMB)
            ASSERT_TRUE(t.hot[s].flags == 0 && t.hot[s].work == 0);
    pr_txtable_free(&t);
}

TESTS(txtable_find_many_finds_what_find_finds, u64map_matches_reference, u64set_matches_reference_and_stays_60_to_75_percent_full, u64map_filter, txtable_slots_reused_and_seen_expires,
      txtable_matches_reference_through_growth_and_tombstones, txtable_refind_checks_the_hint_by_id, txtable_steady_churn_keeps_its_size,
      txtable_seen_generations_reuse_their_slots)
