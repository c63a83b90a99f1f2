/* Reading a parameter back out of a string to sign, for signers that must
 * know which key a string is for. */
#ifndef AWSV2_STS_PARAM_H
#define AWSV2_STS_PARAM_H

#include <stddef.h>

/* Finds the parameter called name (exactly: "XAWSAccessKeyId" is not
 * "AWSAccessKeyId") in the query line of a string to sign (len bytes, the
 * text after its third '\n'). Returns how many times it occurs; on the first
 * occurrence *value points at its still percent-encoded value, *value_len
 * bytes long. */
int awsv2__sts_param(const char *sts, size_t len, const char *name, const char **value,
                     size_t *value_len);

#endif
