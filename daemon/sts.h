/* What awsv2-hsmd checks in a string to sign before it goes to the signer:
 * the same rules as the device (DESIGN.md, "Serial protocol"), so that a
 * bad request is answered 400 without costing a device round trip and
 * nothing but a well-formed SIGN-AWS-V2 can ever reach the device. */
#ifndef HSMD_STS_H
#define HSMD_STS_H

#include <stddef.h>

#include "awsv2/request.h"

#define HSMD_KEY_ID_MAX 128 /* AWS's limit, as the device's */
#define HSMD_ACTION_MAX 64  /* what the log keeps of an Action */

typedef enum hsmd_sts_status {
    HSMD_STS_OK = 0,
    HSMD_STS_MALFORMED,  /* not printable ASCII with exactly three '\n' */
    HSMD_STS_NO_KEY_ID,  /* no AWSAccessKeyId parameter */
    HSMD_STS_BAD_KEY_ID, /* repeated, empty, badly escaped or not [A-Z0-9] */
    HSMD_STS_BAD_METHOD, /* repeated or not HmacSHA1 / HmacSHA256 */
} hsmd_sts_status;

/* The parts of a string to sign the daemon uses. */
struct hsmd_sts {
    char key_id[HSMD_KEY_ID_MAX + 1];  /* percent-decoded */
    char action[HSMD_ACTION_MAX + 1];  /* as sent (still percent-encoded), or "-" */
    awsv2_hash hash;                   /* SignatureMethod; absent = HmacSHA1 */
};

/* Checks s (len bytes, not necessarily terminated) and fills out. Whatever
 * the result, out->key_id and out->action are terminated strings safe to
 * log (empty / "-" when not found). */
hsmd_sts_status hsmd_sts_parse(const char *s, size_t len, struct hsmd_sts *out);

/* The device's error code for a status other than HSMD_STS_OK. Static. */
const char *hsmd_sts_code(hsmd_sts_status st);

#endif
