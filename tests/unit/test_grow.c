/* grow.h: an array's capacity starts at its first size and doubles; at the top of uint32_t it stops
 * growing (NULL, the array and its capacity untouched) instead of wrapping to a small size. */
#include "test.h"

#include <stdlib.h>

#include "grow.h"

TEST(first_size_then_doubling)
{
    ASSERT_EQ(pr_grown_cap(0, 8), 8);
    ASSERT_EQ(pr_grown_cap(8, 8), 16);
    ASSERT_EQ(pr_grown_cap(48, 16), 96); /* from wherever it is, not a power of first */
    uint32_t cap = 0;
    uint32_t *a = NULL;
    for (uint32_t i = 0; i < 100; i++) {
        if (i == cap) {
            uint32_t *g = pr_grow(a, &cap, sizeof *g, 4);
            ASSERT_TRUE(g != NULL);
            a = g;
        }
        a[i] = i; /* ASan: within what was allocated */
    }
    ASSERT_EQ(cap, 128); /* 4, 8, ..., 128 */
    for (uint32_t i = 0; i < 100; i++)
        ASSERT_EQ(a[i], i); /* kept across each realloc */
    free(a);
}

TEST(no_wrap_at_the_top)
{
    ASSERT_EQ(pr_grown_cap(UINT32_MAX / 2, 8), UINT32_MAX - 1);
    ASSERT_EQ(pr_grown_cap(UINT32_MAX / 2 + 1, 8), 0);
    uint32_t cap = UINT32_MAX / 2 + 1;
    char one = 'x';
    ASSERT_TRUE(pr_grow(&one, &cap, 1, 8) == NULL); /* refused before any realloc of a too-small array */
    ASSERT_EQ(cap, UINT32_MAX / 2 + 1);
}

TESTS(first_size_then_doubling, no_wrap_at_the_top)
