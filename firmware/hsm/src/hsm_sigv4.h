/* The keys of Signature Version 4 (AWS4-HMAC-SHA256): the secret is never
 * used directly, but through a chain of HMAC-SHA256s, each keyed by the
 * one before:
 *   kDate = HMAC("AWS4" + secret, date), kRegion = HMAC(kDate, region),
 *   kService = HMAC(kRegion, service), kSigning = HMAC(kService, "aws4_request")
 * and the signature is HMAC(kSigning, string to sign). The key store keeps
 * the prepared key of "AWS4" + secret beside the SigV2 ones, so deriving
 * kSigning never touches the secret. */
#ifndef HSM_SIGV4_H
#define HSM_SIGV4_H

#include <stddef.h>
#include <stdint.h>

#include "hsm_hmac.h"

/* Prepares k4, the HMAC-SHA256 key "AWS4" + secret. Leaves no copy of the
 * secret. */
void hsm_sigv4_key_init(hsm_hmac_key *k4, const uint8_t *secret, size_t len);

/* kSigning of a scope (date: 8 bytes YYYYMMDD; region and service
 * NUL-terminated) from k4. out is key material: wipe it when done. */
void hsm_sigv4_signing_key(const hsm_hmac_key *k4, const char date[8], const char *region,
			   const char *service, uint8_t out[HSM_SHA256_DIGEST]);

#endif
