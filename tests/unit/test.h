/* A tiny test runner in the spirit of libuv's test/task.h: each ASSERT prints both sides on failure and
 * fails the current test; main() runs every TEST listed and exits non-zero if any failed. */
#ifndef POWRELAY_TEST_H
#define POWRELAY_TEST_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* strtok_r */
#endif

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern int test_failed;
extern const char *test_current;

#define FAIL_AT(...)                                                                                       \
    do {                                                                                                   \
        fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__, test_current);                                 \
        fprintf(stderr, __VA_ARGS__);                                                                      \
        fprintf(stderr, "\n");                                                                             \
        test_failed = 1;                                                                                   \
        return;                                                                                            \
    } while (0)

#define ASSERT_TRUE(c)                                                                                     \
    do {                                                                                                   \
        if (!(c))                                                                                          \
            FAIL_AT("expected %s", #c);                                                                    \
    } while (0)

#define ASSERT_EQ(a, b)                                                                                    \
    do {                                                                                                   \
        long long a_ = (long long)(a), b_ = (long long)(b);                                                \
        if (a_ != b_)                                                                                      \
            FAIL_AT("%s == %s: %lld != %lld", #a, #b, a_, b_);                                             \
    } while (0)

#define ASSERT_U64(a, b)                                                                                   \
    do {                                                                                                   \
        unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b);                     \
        if (a_ != b_)                                                                                      \
            FAIL_AT("%s == %s: %llu != %llu", #a, #b, a_, b_);                                             \
    } while (0)

/* Exact double equality (the rules under test are exact: squares, square roots). */
#define ASSERT_DBL(a, b)                                                                                   \
    do {                                                                                                   \
        double a_ = (a), b_ = (b);                                                                         \
        if (!(a_ == b_))                                                                                   \
            FAIL_AT("%s == %s: %.17g != %.17g", #a, #b, a_, b_);                                           \
    } while (0)

#define ASSERT_NEAR(a, b, tol)                                                                             \
    do {                                                                                                   \
        double a_ = (a), b_ = (b), t_ = (tol);                                                             \
        if (!(fabs(a_ - b_) <= t_))                                                                        \
            FAIL_AT("%s ~ %s: %.17g vs %.17g (tolerance %g)", #a, #b, a_, b_, t_);                         \
    } while (0)

#define ASSERT_OK(expr) ASSERT_EQ((expr), 0)

#define TEST(name) static void name(void)

typedef void (*test_fn)(void);
int test_main(const char *suite, const char *const *names, const test_fn *fns, int n, int argc, char **argv);

/* TESTS(a, b, c) defines main() running a, b and c (or those named on the command line). */
#define TESTS(...)                                                                                         \
    int main(int argc, char **argv)                                                                        \
    {                                                                                                      \
        static const test_fn fns[] = {__VA_ARGS__};                                                        \
        static const char names_[] = #__VA_ARGS__;                                                         \
        static const char *names[sizeof fns / sizeof fns[0]];                                              \
        static char buf[sizeof names_];                                                                    \
        memcpy(buf, names_, sizeof names_);                                                                \
        char *save = NULL, *tok = strtok_r(buf, ", ", &save);                                              \
        for (size_t i = 0; i < sizeof fns / sizeof fns[0] && tok; i++, tok = strtok_r(NULL, ", ", &save))  \
            names[i] = tok;                                                                                \
        return test_main(__FILE__, names, fns, (int)(sizeof fns / sizeof fns[0]), argc, argv);             \
    }

#endif
