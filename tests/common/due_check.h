/* What the Check suites of the due: backend (tests/due, tests/legacy)
 * share: a due: signer opened or the test failed, due-glitch in front of a
 * device, and threads signing through one signer with their outcomes
 * counted. Header-only, like check_run.h. */
#ifndef AWSV2_TESTS_DUE_CHECK_H
#define AWSV2_TESTS_DUE_CHECK_H

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <check.h>

#include "awsv2/signer.h"
#include "child.h"

/* The signer "due:<path><options>" (options NULL: none); the test fails
 * when it does not open. The caller closes it. */
static inline awsv2_signer *due_check_open(const char *path, const char *options)
{
    char spec[PATH_MAX + 64];
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    snprintf(spec, sizeof spec, "due:%s%s", path, options ? options : "");
    awsv2_status st = awsv2_signer_open(&s, spec, NULL, &err);
    ck_assert_msg(st == AWSV2_OK, "open %s: %s", spec, err.message);
    return s;
}

/* Starts due-glitch with args (NULL-terminated, or NULL) in front of the
 * device on pty; the signer is to open glitch->line. */
static inline void due_check_glitch(struct child *glitch, const char *const *args,
                                    const char *pty)
{
    char prog[PATH_MAX];
    const char *argv[16] = {child_program(prog, sizeof prog, "tests/due/due-glitch")};
    size_t n = child_args(argv, sizeof argv / sizeof argv[0] - 1, 1, args);
    argv[n] = pty;
    argv[n + 1] = NULL;
    ck_assert_msg(child_start(glitch, argv, -1) == 0, "due-glitch did not start");
}

/* One thread of due_check_workers: it signs strings first to first + n - 1
 * through s and counts each as ok, wrong (a success that is not its own
 * string's MAC) or failed. */
struct due_worker {
    awsv2_signer *s;
    size_t first, n;
    size_t ok, wrong, failed;
};

/* Runs fn on threads workers at once (worker i: strings i * each onwards,
 * each of them) and adds up their counts in *sum (s: the signer). */
static inline void due_check_workers(void *(*fn)(void *), awsv2_signer *s, size_t threads,
                                     size_t each, struct due_worker *sum)
{
    pthread_t *t = calloc(threads, sizeof *t);
    struct due_worker *w = calloc(threads, sizeof *w);
    ck_assert_ptr_nonnull(t);
    ck_assert_ptr_nonnull(w);
    for (size_t i = 0; i < threads; i++) {
        w[i] = (struct due_worker){.s = s, .first = i * each, .n = each};
        ck_assert_int_eq(pthread_create(&t[i], NULL, fn, &w[i]), 0);
    }
    *sum = (struct due_worker){.s = s};
    for (size_t i = 0; i < threads; i++) {
        pthread_join(t[i], NULL);
        sum->ok += w[i].ok;
        sum->wrong += w[i].wrong;
        sum->failed += w[i].failed;
    }
    free(w);
    free(t);
}

#endif
