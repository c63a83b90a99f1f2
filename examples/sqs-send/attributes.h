/* --attribute Name=Type:Value for sqs-send. */
#ifndef AWSV2_EXAMPLES_ATTRIBUTES_H
#define AWSV2_EXAMPLES_ATTRIBUTES_H

#include "awsv2/sqs.h"

struct attributes {
    awsv2_sqs_attribute *list;
    size_t n;
};

/* Adds "Name=String:Value", "Name=Number:123" or "Name=Binary:BASE64" (a
 * type may carry a custom suffix, "Number.int:5"); returns a static
 * reason on failure, NULL on success. */
const char *attributes_add(struct attributes *a, const char *arg);
void attributes_free(struct attributes *a);

#endif
