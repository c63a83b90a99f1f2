/* Reading a signing daemon's replies: awsv2-hsmd's (an HTTP status per
 * failure, docs/daemon-api.md) and the original hsmd.py's (200 and "success": false
 * on every failure). Pure functions of the HTTP status and body. */
#ifndef AWSV2_HTTP_REPLY_H
#define AWSV2_HTTP_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include "awsv2/request.h"
#include "awsv2/signer.h"
#include "awsv2/status.h"

/* A reply to POST /sign/aws for hash: {"success": true, "signature": hex}
 * with exactly the hash's length of hex digits gives AWSV2_OK and the MAC.
 * A failure gives its status with err->code the daemon's error code and
 * err->http_status set: 400 and 413 AWSV2_E_INVALID, 401 and 403
 * AWSV2_E_REFUSED, 503 AWSV2_E_DEVICE, 504 AWSV2_E_TIMEOUT, 200 with
 * "success": false (hsmd.py relaying the device's ERROR) AWSV2_E_REFUSED,
 * other 5xx AWSV2_E_SIGNER, 404 AWSV2_E_SPEC (the URL's path is not the
 * daemon's: the message says where it signs); a reply that is not the
 * daemon's JSON (or any other status) AWSV2_E_PROTOCOL. url names the
 * daemon in messages. */
awsv2_status awsv2__http_parse_sign(long status, const char *body, size_t len, awsv2_hash hash,
                                    uint8_t *mac, size_t *mac_len, const char *url,
                                    awsv2_error *err);

/* A reply to POST /sign/aws4 (SigV4): as above, with exactly 64 hex digits
 * (AWSV2_SIGV4_SIZE bytes) into signature whatever a SigV2 hash would
 * take. A 400 with "payload-mismatch" (the payload does not hash to the
 * canonical request's last line) is AWSV2_E_REFUSED, as every signer
 * answers it. */
awsv2_status awsv2__http_parse_sign4(long status, const char *body, size_t len,
                                     uint8_t signature[AWSV2_SIGV4_SIZE], const char *url,
                                     awsv2_error *err);

/* A reply to POST /sign/batch for the n jobs (docs/daemon-api.md):
 * {"success": true, "results": [R, ...]} with exactly n results, the i-th
 * jobs[i]'s, each read as a /sign/aws reply (above) whose HTTP status is
 * its "status" member (200 when absent). Each job gets its status, its
 * MAC (nothing of one on failure), http[i] its result's HTTP status, and
 * errs[i] (errs may be NULL, and any of its entries) why it failed. A
 * reply that is not such a batch (another HTTP status, not n results)
 * gives every job its status, read as for /sign/aws, and is returned;
 * otherwise AWSV2_OK, whatever the jobs' own statuses. */
awsv2_status awsv2__http_parse_batch(long status, const char *body, size_t len,
                                     awsv2_sign_job *const *jobs, size_t n, long *http,
                                     awsv2_error *const *errs, const char *url);

/* A reply to GET /keys, {"success": true, "keys": ["ID", ...]}: the ids
 * comma-separated into buf (cap bytes). 404 (hsmd.py has no /keys) is
 * AWSV2_E_UNAVAILABLE, but awsv2-hsmd's own 404 (JSON "not-found": the
 * daemon is there, the path is wrong) AWSV2_E_SPEC; other failures as
 * above. */
awsv2_status awsv2__http_parse_keys(long status, const char *body, size_t len, char *buf,
                                    size_t cap, const char *url, awsv2_error *err);

/* A reply to GET /healthz: 200 {"success": true, "healthy": true, ...} is
 * AWSV2_OK (the daemon's signer answered). 404 (hsmd.py has no /healthz)
 * is AWSV2_E_UNAVAILABLE (awsv2-hsmd's own, AWSV2_E_SPEC, as for /keys);
 * 503 (the device is gone, the queue full) is AWSV2_E_DEVICE with the
 * daemon's code; other failures as above. */
awsv2_status awsv2__http_parse_health(long status, const char *body, size_t len, const char *url,
                                      awsv2_error *err);

#endif
