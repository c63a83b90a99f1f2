/* Runs a Check suite the way every test program of the tree does: all its
 * tests, output for humans, the process exit status as automake's test
 * driver reads it. Header-only, so that suites that link nothing else of
 * tests/common need no library for it. */
#ifndef AWSV2_TESTS_CHECK_RUN_H
#define AWSV2_TESTS_CHECK_RUN_H

#include <stdlib.h>

#include <check.h>

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
