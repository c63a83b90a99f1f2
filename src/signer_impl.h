/* What the library's own backends share with the signer registry. A
 * built-in backend is one file in backends/ that defines an open function
 * (declared here, listed in the table in src/signer.c) and makes its
 * signer with the public awsv2_signer_new, as an application's custom
 * signer would. */
#ifndef AWSV2_SIGNER_IMPL_H
#define AWSV2_SIGNER_IMPL_H

#include "awsv2/signer.h"
#include "internal.h"

/* Opens a backend. spec is the whole spec; rest what follows the table
 * entry's prefix ("due:" -> "/dev/ttyACM0?window=4"). */
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
awsv2_status awsv2__pkcs11_open(awsv2_signer **out, const char *spec, const char *rest,
                                const awsv2_credentials *creds, awsv2_error *err);

/* awsv2_signer_sign for a string known to be valid: one the request code
 * built itself from percent-encoded parameters and a checked endpoint.
 * Device backends still check what they write. */
awsv2_status awsv2__signer_sign_valid(awsv2_signer *s, awsv2_hash hash, const char *sts,
                                      size_t len, uint8_t mac[AWSV2_MAC_MAX], size_t *mac_len,
                                      awsv2_error *err);

/* Parses an unsigned option "name=value" out of a spec's "?a=1&b=2" tail.
 * Returns AWSV2_OK and leaves *value untouched when absent; AWSV2_E_SPEC
 * naming the spec for a malformed value or an option not in allowed (a
 * NULL-terminated list). */
awsv2_status awsv2__spec_options(const char *spec, const char *query,
                                 const char *const *allowed, unsigned long *values,
                                 awsv2_error *err);

/* Where the request code wrote the access key id into a SigV2 string to
 * sign of its own making: its query starts at query_at, and the value of
 * AWSAccessKeyId is the len bytes at at. A backend that checks the key id
 * may compare those bytes instead of parsing the string; it must still
 * check them, and parse the string if they do not match. */
struct awsv2__key_id_mark {
    size_t query_at, at, len;
};

/* A backend's sign with a mark (never NULL); set on a built-in backend's
 * signer with awsv2__signer_set_sign_marked after awsv2_signer_new. */
typedef awsv2_status (*awsv2__sign_marked_fn)(void *ctx, awsv2_sign_job *job,
                                              const struct awsv2__key_id_mark *mark,
                                              awsv2_error *err);
void awsv2__signer_set_sign_marked(awsv2_signer *s, awsv2__sign_marked_fn fn);

/* awsv2__signer_sign_valid (signer_impl.h) with the mark of a string the
 * request code built: the signer's sign_marked if it has one, else its
 * sign. */
awsv2_status awsv2__signer_sign_marked(awsv2_signer *s, awsv2_hash hash, const char *sts,
                                       size_t len, const struct awsv2__key_id_mark *mark,
                                       uint8_t mac[AWSV2_MAC_MAX], size_t *mac_len,
                                       awsv2_error *err);

#endif
