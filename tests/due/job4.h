/* The SigV4 job the due tests give a signer. */
#ifndef TEST_DUE_JOB4_H
#define TEST_DUE_JOB4_H

#include <string.h>

#include "awsv2/signer.h"

/* A job for key_id's signature of cr (the strings are not copied) with
 * payload (NULL: none). */
static inline awsv2_sign4_job job4(const char *key_id, const char *region,
                                   const char *service, const char *cr,
                                   const char *payload)
{
    awsv2_sign4_job job = AWSV2_SIGN4_JOB_INIT;
    job.key_id = key_id;
    job.region = region;
    job.service = service;
    job.canonical_request = cr;
    job.canonical_request_len = strlen(cr);
    job.payload = payload;
    job.payload_len = payload ? strlen(payload) : 0;
    return job;
}

#endif
