/* The libcurl layer the client and the http: backend share
 * (src/curl_common.h): initialisation, and the one mapping of a failed
 * transfer's CURLcode to a status, class by class, for every CURLcode this
 * libcurl has. Which codes are TLS failures is read from libcurl's own
 * descriptions (curl_easy_strerror), not from our list. */
#include <string.h>

#include <curl/curl.h>

#include "harness.h"
#include "curl_common.h"

/* libcurl's description names SSL, a certificate or a CRL. */
static int described_as_tls(CURLcode rc)
{
    const char *d = curl_easy_strerror(rc);
    return strstr(d, "SSL") || strstr(d, "certificate") || strstr(d, "CRL");
}

START_TEST(tls_codes)
{
    int n = 0;
    for (int i = 1; i < CURL_LAST; i++) {
        CURLcode rc = (CURLcode)i;
        int tls = described_as_tls(rc);
        n += tls;
        ck_assert_msg((awsv2__curl_status(rc, AWSV2__CURL_SERVICE) == AWSV2_E_TLS) == tls,
                      "code %d (%s)", i, curl_easy_strerror(rc));
        ck_assert_msg((awsv2__curl_status(rc, AWSV2__CURL_SIGNER) == AWSV2_E_TLS) == tls,
                      "code %d (%s)", i, curl_easy_strerror(rc));
    }
    ck_assert_int_ge(n, 14); /* libcurl >= 7.74 has at least these */
}
END_TEST

START_TEST(classes)
{
    static const struct {
        CURLcode rc;
        awsv2_status service, signer;
    } cases[] = {
        {CURLE_OUT_OF_MEMORY, AWSV2_E_NOMEM, AWSV2_E_NOMEM},
        {CURLE_OPERATION_TIMEDOUT, AWSV2_E_NETWORK, AWSV2_E_TIMEOUT},
        {CURLE_FILESIZE_EXCEEDED, AWSV2_E_RESPONSE, AWSV2_E_PROTOCOL},
        {CURLE_WRITE_ERROR, AWSV2_E_RESPONSE, AWSV2_E_PROTOCOL},
        /* unreachable, or the connection broke: the peer is gone */
        {CURLE_COULDNT_CONNECT, AWSV2_E_NETWORK, AWSV2_E_DEVICE},
        {CURLE_COULDNT_RESOLVE_HOST, AWSV2_E_NETWORK, AWSV2_E_DEVICE},
        {CURLE_GOT_NOTHING, AWSV2_E_NETWORK, AWSV2_E_DEVICE},
        {CURLE_RECV_ERROR, AWSV2_E_NETWORK, AWSV2_E_DEVICE},
        {CURLE_SEND_ERROR, AWSV2_E_NETWORK, AWSV2_E_DEVICE},
        {CURLE_PARTIAL_FILE, AWSV2_E_NETWORK, AWSV2_E_DEVICE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_int_eq(awsv2__curl_status(cases[i].rc, AWSV2__CURL_SERVICE), cases[i].service);
        ck_assert_int_eq(awsv2__curl_status(cases[i].rc, AWSV2__CURL_SIGNER), cases[i].signer);
    }
}
END_TEST

/* Every code is one of the classes: a client failure is always a network,
 * TLS, response or memory error; a signer's a device, TLS, timeout,
 * protocol or memory one. */
START_TEST(every_code_has_a_class)
{
    for (int i = 1; i < CURL_LAST; i++) {
        awsv2_status a = awsv2__curl_status((CURLcode)i, AWSV2__CURL_SERVICE);
        awsv2_status b = awsv2__curl_status((CURLcode)i, AWSV2__CURL_SIGNER);
        ck_assert_msg(a == AWSV2_E_NETWORK || a == AWSV2_E_TLS || a == AWSV2_E_RESPONSE ||
                          a == AWSV2_E_NOMEM,
                      "code %d", i);
        ck_assert_msg(b == AWSV2_E_DEVICE || b == AWSV2_E_TLS || b == AWSV2_E_TIMEOUT ||
                          b == AWSV2_E_PROTOCOL || b == AWSV2_E_NOMEM,
                      "code %d", i);
    }
}
END_TEST

/* Once for the process, and still usable after an application's own
 * curl_global_init/cleanup pair (libcurl counts them). */
START_TEST(init_once)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2__curl_init(&err), AWSV2_OK);
    ck_assert_int_eq(curl_global_init(CURL_GLOBAL_DEFAULT), CURLE_OK);
    curl_global_cleanup();
    ck_assert_int_eq(awsv2__curl_init(&err), AWSV2_OK);
    CURL *e = curl_easy_init();
    ck_assert_ptr_nonnull(e);
    curl_easy_cleanup(e);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("curl");
    TCase *tc = tcase_create("curl");
    tcase_add_test(tc, tls_codes);
    tcase_add_test(tc, classes);
    tcase_add_test(tc, every_code_has_a_class);
    tcase_add_test(tc, init_once);
    suite_add_tcase(s, tc);
    return core_run(s);
}
