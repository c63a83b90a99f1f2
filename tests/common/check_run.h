/* Runs a Check suite the way every test program of the tree does: all its
 * tests, output for humans, the process exit status as automake's test
 * driver reads it. Header-only, so that suites that link nothing else of
 * tests/common need no library for it. */
#ifndef AWSV2_TESTS_CHECK_RUN_H
#define AWSV2_TESTS_CHECK_RUN_H

#include <stddef.h>
#include <stdlib.h>

#include <check.h>

/* One test of a table: the name of its TCase and the test. */
struct check_test {
    const char *name;
    const TTest *test;
};

/* What check_add_tests gives every TCase: its fixtures (NULL: none) and
 * its timeout in seconds. */
struct check_fixtures {
    SFun unchecked_setup, unchecked_teardown;
    SFun setup, teardown;
    double timeout;
};

/* Adds each of tests[n] to s in a TCase of its own, so that one test's
 * failure or fixtures do not touch the next. */
static inline void check_add_tests(Suite *s, const struct check_test *tests, size_t n,
                                   const struct check_fixtures *f)
{
    for (size_t i = 0; i < n; i++) {
        TCase *tc = tcase_create(tests[i].name);
        if (f->unchecked_setup || f->unchecked_teardown)
            tcase_add_unchecked_fixture(tc, f->unchecked_setup, f->unchecked_teardown);
        if (f->setup || f->teardown)
            tcase_add_checked_fixture(tc, f->setup, f->teardown);
        tcase_set_timeout(tc, f->timeout);
        tcase_add_test(tc, tests[i].test);
        suite_add_tcase(s, tc);
    }
}

/* Runs every test of s, frees it, and returns EXIT_SUCCESS when all passed. */
static inline int check_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
