/* Endpoint URLs: what the string to sign takes from them. */
#ifndef AWSV2_ENDPOINT_H
#define AWSV2_ENDPOINT_H

#include "awsv2/status.h"

typedef struct awsv2__endpoint {
    char *base; /* the URL as given, without a trailing '?' */
    char *host; /* lower-cased, ":port" kept unless it is the scheme's default */
    char *path; /* "/" when empty */
} awsv2__endpoint;

/* Parses "http[s]://host[:port][/path]"; no user info, query or fragment. */
awsv2_status awsv2__endpoint_parse(const char *url, awsv2__endpoint *out, awsv2_error *err);
void awsv2__endpoint_free(awsv2__endpoint *ep);

#endif
