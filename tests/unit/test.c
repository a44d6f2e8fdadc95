#include "test.h"

int test_failed;
const char *test_current = "";

int test_main(const char *suite, const char *const *names, const test_fn *fns, int n, int argc, char **argv)
{
    int failures = 0, ran = 0;
    for (int i = 0; i < n; i++) {
        if (argc > 1) {
            int wanted = 0;
            for (int a = 1; a < argc; a++)
                wanted |= strcmp(argv[a], names[i]) == 0;
            if (!wanted)
                continue;
        }
        test_current = names[i];
        test_failed = 0;
        fns[i]();
        ran++;
        printf("%s %s\n", test_failed ? "FAIL" : "ok  ", names[i]);
        failures += test_failed;
    }
    printf("%s: %d of %d passed\n", suite, ran - failures, ran);
    return failures ? 1 : 0;
}
