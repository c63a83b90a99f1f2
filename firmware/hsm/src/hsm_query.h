/* Picking the key id and hash out of a string to sign's query. */
#ifndef HSM_QUERY_H
#define HSM_QUERY_H

#include <stddef.h>

#include "hsm_hmac.h"
#include "hsm_keystore.h"

typedef enum hsm_query_status {
	HSM_Q_OK = 0,
	HSM_Q_MALFORMED,     /* not printable ASCII with exactly three '\n' */
	HSM_Q_NO_KEY_ID,     /* no AWSAccessKeyId parameter */
	HSM_Q_BAD_KEY_ID,    /* repeated, empty, badly escaped or not [A-Z0-9] */
	HSM_Q_BAD_METHOD     /* repeated or not HmacSHA1 / HmacSHA256 */
} hsm_query_status;

/* Checks the string to sign sts and finds, in its query (the part after
 * the third '\n'), the parameters named exactly AWSAccessKeyId and
 * SignatureMethod, percent-decoding their values. The id (not terminated)
 * goes to id[HSM_ID_MAX] and its length to *id_len; a missing
 * SignatureMethod means HmacSHA1. */
hsm_query_status hsm_query_parse(const char *sts, size_t len, char *id, size_t *id_len,
				 hsm_hash *hash);

#endif
