/* The inside of awsv2_params, for the canonical query builder. */
#ifndef AWSV2_PARAMS_IMPL_H
#define AWSV2_PARAMS_IMPL_H

#include "awsv2/request.h"
#include "buf.h"

struct awsv2__param {
    size_t name, name_len;   /* offset and length in the arena */
    size_t value, value_len;
};

struct awsv2_params {
    struct awsv2__param *entries;
    size_t count, cap;
    awsv2__buf arena;
};

#endif
