/* Failures on demand: --fail-503 N, --fail-throttle N and the control
 * endpoint's "the next N requests fail with 500/503". Thread-safe (one
 * lock). */
#ifndef AWSV2_MOCK_FAULTS_H
#define AWSV2_MOCK_FAULTS_H

#include <stdbool.h>

typedef struct mock_faults mock_faults;

/* The first fail_503 requests get 503, the fail_throttle after them a
 * throttling error. NULL when out of memory. */
mock_faults *mock_faults_new(unsigned long fail_503, unsigned long fail_throttle);
void mock_faults_free(mock_faults *f);
/* The next count requests fail with status (500 or 503), before the
 * command line's failures; replaces an earlier order. */
void mock_faults_order(mock_faults *f, unsigned status, unsigned long count);
/* Takes one pending failure: its HTTP status, or 0 for none. *throttle
 * tells a throttling error from a plain 5xx. */
unsigned mock_faults_take(mock_faults *f, bool *throttle);

#endif
