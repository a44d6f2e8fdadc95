/* work.c: the solver's bounded FIFO queue. */
#include "test.h"

#include <stdlib.h>

#include "powrelay/error.h"
#include "work.h"

TEST(solver_queue_is_bounded_fifo)
{
    struct pr_solver s = {0};
    for (uint32_t i = 0; i < 5; i++) {
        struct pr_job j = {.tx = i + 1};
        ASSERT_OK(pr_solver_push(&s, &j, 5));
    }
    struct pr_job extra = {.tx = 99};
    ASSERT_EQ(pr_solver_push(&s, &extra, 5), PR_ERR_QUEUE_FULL);
    struct pr_job out;
    for (uint32_t i = 0; i < 5; i++) {
        ASSERT_TRUE(pr_solver_pop(&s, &out));
        ASSERT_U64(out.tx, i + 1);
    }
    ASSERT_TRUE(!pr_solver_pop(&s, &out));
    /* wrap around the ring */
    for (uint32_t round = 0; round < 3; round++) {
        for (uint32_t i = 0; i < 4; i++) {
            struct pr_job j = {.tx = 100 * round + i};
            ASSERT_OK(pr_solver_push(&s, &j, 5));
        }
        for (uint32_t i = 0; i < 4; i++) {
            ASSERT_TRUE(pr_solver_pop(&s, &out));
            ASSERT_U64(out.tx, 100 * round + i);
        }
    }
    pr_solver_free(&s);
}

TESTS(solver_queue_is_bounded_fifo)
