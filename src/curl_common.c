/* The libcurl layer of the client and the http: backend (curl_common.h). */
#include <pthread.h>

#include "curl_common.h"
#include "internal.h"

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_status = CURLE_FAILED_INIT;

static void global_init(void)
{
    global_status = curl_global_init(CURL_GLOBAL_DEFAULT);
}

awsv2_status awsv2__curl_init(awsv2_error *err)
{
    pthread_once(&global_once, global_init);
    if (global_status != CURLE_OK)
        return awsv2__fail(err, AWSV2_E_UNAVAILABLE, "libcurl failed to initialise: %s",
                           curl_easy_strerror(global_status));
    return AWSV2_OK;
}

static int is_tls_error(CURLcode rc)
{
    switch (rc) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_USE_SSL_FAILED:
#if LIBCURL_VERSION_NUM >= 0x074d00 /* 7.77.0 */
    case CURLE_SSL_CLIENTCERT:
#endif
        return 1;
    default:
        return 0;
    }
}

awsv2_status awsv2__curl_status(CURLcode rc, enum awsv2__curl_peer peer)
{
    int signer = peer == AWSV2__CURL_SIGNER;

    if (is_tls_error(rc))
        return AWSV2_E_TLS;
    switch (rc) {
    case CURLE_OUT_OF_MEMORY:
        return AWSV2_E_NOMEM;
    case CURLE_FILESIZE_EXCEEDED:
    case CURLE_WRITE_ERROR:
        return signer ? AWSV2_E_PROTOCOL : AWSV2_E_RESPONSE;
    case CURLE_OPERATION_TIMEDOUT:
        return signer ? AWSV2_E_TIMEOUT : AWSV2_E_NETWORK;
    default:
        return signer ? AWSV2_E_DEVICE : AWSV2_E_NETWORK;
    }
}
