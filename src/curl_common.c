/* The libcurl layer of the client and the http: backend (curl_common.h). */
#include <pthread.h>
#include <stdlib.h>

#include <openssl/x509_vfy.h>

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

const char *awsv2__curl_ca_bundle(const char *explicit_file)
{
    const char *env = getenv("AWS_CA_BUNDLE");

    if (explicit_file && *explicit_file)
        return explicit_file;
    return env && *env ? env : NULL;
}

const char *awsv2__curl_tls_advice(CURL *e, CURLcode rc)
{
    long verify = 0;

    if (rc == CURLE_SSL_CACERT_BADFILE)
        return "cannot read the CA bundle: check the file that ca_bundle= or AWS_CA_BUNDLE "
               "names (PEM certificates)";
    if (rc != CURLE_PEER_FAILED_VERIFICATION)
        return "the TLS handshake failed: is the other end serving HTTPS?";
    /* The verdict as OpenSSL gave it. libcurl checks the name itself once
     * the chain verified, and a failure there leaves X509_V_OK or (libcurl
     * 7.88 on OpenSSL 3) X509_V_ERR_UNSPECIFIED. */
    if (curl_easy_getinfo(e, CURLINFO_SSL_VERIFYRESULT, &verify) != CURLE_OK)
        verify = -1;
    switch (verify) {
    case X509_V_OK:
    case X509_V_ERR_UNSPECIFIED:
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
        return "the certificate is not for this host name: connect with a name or address "
               "in its subjectAltName, or issue one that has it";
    case X509_V_ERR_CERT_HAS_EXPIRED:
        return "the certificate has expired: renew it";
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return "the certificate is not valid yet: check the clocks, or reissue it";
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        return "the certificate is not signed by a CA this host trusts: give its CA with "
               "ca_bundle=FILE or AWS_CA_BUNDLE";
    default:
        return "the certificate did not verify: check it and the CA that signed it "
               "(ca_bundle=FILE or AWS_CA_BUNDLE)";
    }
}
