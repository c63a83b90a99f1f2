/* What a signer backend implements. A backend is one file in backends/ that
 * defines an open function, plus one entry in the table in src/signer.c. */
#ifndef AWSV2_SIGNER_IMPL_H
#define AWSV2_SIGNER_IMPL_H

#include "awsv2/signer.h"
#include "internal.h"

struct awsv2_signer_ops {
    /* Signs one job: fills job->mac, job->mac_len and returns (and sets
     * job->status to) the result. The string is already validated. */
    awsv2_status (*sign)(awsv2_signer *s, awsv2_sign_job *job, awsv2_error *err);
    /* Signs n validated jobs; NULL means sign them one by one. */
    awsv2_status (*sign_batch)(awsv2_signer *s, awsv2_sign_job *jobs, size_t n,
                               awsv2_error *err);
    /* Checks that the signer can sign now (a device answers a PING); NULL
     * means it always can. */
    awsv2_status (*ping)(awsv2_signer *s, awsv2_error *err);
    /* Comma-separated key ids; NULL means AWSV2_E_UNAVAILABLE. */
    awsv2_status (*key_ids)(awsv2_signer *s, char *buf, size_t cap, awsv2_error *err);
    /* Releases everything the backend allocated, wiping key material, but
     * not the description or the struct itself (awsv2_signer_close does). */
    void (*close)(awsv2_signer *s);
};

/* The first member of every backend's own struct. */
struct awsv2_signer {
    const struct awsv2_signer_ops *ops;
    char *description; /* malloc'd, no secrets */
};

/* Opens a backend. spec is the whole spec; rest what follows the table
 * entry's prefix ("due:" -> "/dev/ttyACM0?window=4"). The backend allocates
 * its struct, sets ops, and leaves description NULL or malloc'd. */
typedef awsv2_status (*awsv2__backend_open_fn)(awsv2_signer **out, const char *spec,
                                               const char *rest,
                                               const awsv2_credentials *creds,
                                               awsv2_error *err);

awsv2_status awsv2__openssl_open(awsv2_signer **out, const char *spec, const char *rest,
                                 const awsv2_credentials *creds, awsv2_error *err);
awsv2_status awsv2__due_open(awsv2_signer **out, const char *spec, const char *rest,
                             const awsv2_credentials *creds, awsv2_error *err);
awsv2_status awsv2__http_open(awsv2_signer **out, const char *spec, const char *rest,
                              const awsv2_credentials *creds, awsv2_error *err);

/* awsv2_signer_sign for a string known to be valid: one the request code
 * built itself from percent-encoded parameters and a checked endpoint.
 * Device backends still check what they write. */
awsv2_status awsv2__signer_sign_valid(awsv2_signer *s, awsv2_hash hash, const char *sts,
                                      size_t len, uint8_t mac[AWSV2_MAC_MAX], size_t *mac_len,
                                      awsv2_error *err);

/* Sets s->description from a printf format; returns AWSV2_E_NOMEM on
 * failure. */
awsv2_status awsv2__signer_describe_set(awsv2_signer *s, awsv2_error *err, const char *fmt, ...)
    AWSV2__PRINTF(3, 4);

/* Parses an unsigned option "name=value" out of a spec's "?a=1&b=2" tail.
 * Returns AWSV2_OK and leaves *value untouched when absent; AWSV2_E_SPEC
 * naming the spec for a malformed value or an option not in allowed (a
 * NULL-terminated list). */
awsv2_status awsv2__spec_options(const char *spec, const char *query,
                                 const char *const *allowed, unsigned long *values,
                                 awsv2_error *err);

/* The secret of creds for in-process signers; NULL if none. */
const char *awsv2__credentials_secret(const awsv2_credentials *creds);

#endif
