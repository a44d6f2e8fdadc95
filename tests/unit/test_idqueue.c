/* idqueue.c: a fluff queue grows by doubling, is taken whole (leaving it empty for what the flush sets off),
 * and its array is given back for reuse: kept at its size, shrunk when far beyond what it held, freed when
 * the queue got an array of its own meanwhile. */
#include "test.h"

#include "powrelay/error.h"
#include "idqueue.h"

TEST(push_take_give_back)
{
    struct pr_idqueue q = {0};
    for (uint64_t id = 1; id <= 20; id++)
        ASSERT_OK(pr_idqueue_push(&q, id));
    ASSERT_EQ(q.len, 20);
    ASSERT_EQ(q.cap, 32); /* 8, 16, 32 */
    struct pr_idqueue taken = pr_idqueue_take(&q);
    ASSERT_TRUE(q.ids == NULL && q.len == 0 && q.cap == 0);
    for (uint32_t i = 0; i < taken.len; i++)
        ASSERT_U64(taken.ids[i], i + 1);
    uint64_t *array = taken.ids;
    pr_idqueue_give_back(&q, taken); /* 32 is not beyond 2 x 2 x 20: kept as it is */
    ASSERT_TRUE(q.ids == array && q.len == 0 && q.cap == 32);
    pr_idqueue_free(&q);
}

TEST(a_big_array_given_back_for_a_few_ids_shrinks)
{
    struct pr_idqueue q = {0};
    for (uint64_t id = 1; id <= 1000; id++)
        ASSERT_OK(pr_idqueue_push(&q, id));
    ASSERT_EQ(q.cap, 1024);
    struct pr_idqueue taken = pr_idqueue_take(&q);
    taken.len = 3; /* as if it had held 3 */
    pr_idqueue_give_back(&q, taken);
    ASSERT_EQ(q.cap, 16); /* fewer than 8 held: 16 */
    ASSERT_EQ(q.len, 0);
    for (uint64_t id = 1; id <= 40; id++) /* and it still grows */
        ASSERT_OK(pr_idqueue_push(&q, id));
    taken = pr_idqueue_take(&q);
    ASSERT_EQ(taken.cap, 64);
    pr_idqueue_give_back(&q, taken); /* 64 is not beyond 2 x 80 */
    ASSERT_EQ(q.cap, 64);
    pr_idqueue_free(&q);
}

TEST(given_back_to_a_queue_that_refilled_is_freed)
{
    struct pr_idqueue q = {0};
    ASSERT_OK(pr_idqueue_push(&q, 1));
    struct pr_idqueue taken = pr_idqueue_take(&q);
    ASSERT_OK(pr_idqueue_push(&q, 2)); /* queued while the flush ran */
    pr_idqueue_give_back(&q, taken);   /* freed (ASan would see a leak otherwise) */
    ASSERT_EQ(q.len, 1);
    ASSERT_U64(q.ids[0], 2);
    pr_idqueue_free(&q);
    ASSERT_TRUE(q.ids == NULL && q.len == 0);
}

TESTS(push_take_give_back, a_big_array_given_back_for_a_few_ids_shrinks, given_back_to_a_queue_that_refilled_is_freed)
