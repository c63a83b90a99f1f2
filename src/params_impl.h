/* The inside of awsv2_params, for the canonical query builder. */
#ifndef AWSV2_PARAMS_IMPL_H
#define AWSV2_PARAMS_IMPL_H

#include "awsv2/request.h"
#include "buf.h"

#include <stdint.h>

/* Entries are kept sorted by the bytes of their names, the order of the
 * canonical query, so lookups are binary searches and signing needs no
 * sort. key holds the name's first 8 bytes big-endian (zero-padded): most
 * comparisons end there without touching the arena. */
struct awsv2__param {
    uint64_t key;
    uint32_t name, name_len; /* offset and length in the arena */
    uint32_t value, value_len;
};

struct awsv2_params {
    struct awsv2__param *entries;
    size_t count, cap;
    awsv2__buf arena;
};

#endif
