/* The libcurl layer the library's two HTTP users share: the client's
 * transport (src/client/transport.c) and the http: signer backend
 * (backends/http.c). One process-wide initialisation, and one reading of a
 * failed transfer's CURLcode. Internal; thread-safe. */
#ifndef AWSV2_CURL_COMMON_H
#define AWSV2_CURL_COMMON_H

#include <curl/curl.h>

#include "awsv2/status.h"

/* Initialises libcurl for the process on the first call (pthread_once:
 * curl_global_init is not thread-safe in every libcurl we support) and
 * returns its outcome on every call. libcurl is never cleaned up: the
 * application or another library may still use it, and curl_global_cleanup
 * per signer or client would tear it down under them. AWSV2_E_UNAVAILABLE
 * when libcurl failed to start. */
awsv2_status awsv2__curl_init(awsv2_error *err);

/* Who was at the other end of a failed transfer. */
enum awsv2__curl_peer {
    AWSV2__CURL_SERVICE, /* an AWS endpoint (awsv2_client) */
    AWSV2__CURL_SIGNER,  /* a signing daemon (the http: backend) */
};

/* The status of a transfer that failed with rc (not CURLE_OK):
 *                         SERVICE            SIGNER
 *   TLS (15 codes)        AWSV2_E_TLS        AWSV2_E_TLS
 *   out of memory         AWSV2_E_NOMEM      AWSV2_E_NOMEM
 *   reply over the limit  AWSV2_E_RESPONSE   AWSV2_E_PROTOCOL
 *   timed out             AWSV2_E_NETWORK    AWSV2_E_TIMEOUT
 *   anything else         AWSV2_E_NETWORK    AWSV2_E_DEVICE
 * A service that is slow or unreachable is a network error (exit 4, which
 * the client may retry); a daemon that is, is the signer's device being
 * unavailable (exit 3). "Over the limit" is CURLE_FILESIZE_EXCEEDED or a
 * write callback that refused the data (CURLE_WRITE_ERROR): a caller whose
 * callback refuses for another reason (out of memory) says so itself. */
awsv2_status awsv2__curl_status(CURLcode rc, enum awsv2__curl_peer peer);

/* The CA bundle file to verify peers with: explicit when it is neither
 * NULL nor empty, else $AWS_CA_BUNDLE when set and not empty, else NULL
 * (the system's CAs). The one reading of AWS_CA_BUNDLE, for the client and
 * the https: signer. Peers are always verified; nothing turns that off. */
const char *awsv2__curl_ca_bundle(const char *explicit_file);

/* For a transfer on e that failed with rc, AWSV2_E_TLS by the table above:
 * what went wrong and what to do, in words for a user who runs a daemon
 * with its own CA ("the certificate is not signed by a CA this host
 * trusts: give its CA with ca_bundle=FILE or AWS_CA_BUNDLE"); the caller
 * names the peer. Never NULL; static text. Unknown CA, expired and name
 * mismatch are told apart by OpenSSL's verify result
 * (CURLINFO_SSL_VERIFYRESULT: configure requires libcurl on OpenSSL). */
const char *awsv2__curl_tls_advice(CURL *e, CURLcode rc);

#endif
