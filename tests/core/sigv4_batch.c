/* sigv4_batch SIGNER_SPEC: signs many SigV4 requests read from stdin, one a
 * line, through the public request API and the signer named, for
 * tests/core/sigv4_oracle.py to compare with botocore. Not installed.
 *
 * Input, tab-separated, text fields as 'x' and their bytes in hex (so that
 * any byte fits and no field is empty):
 *   METHOD ENDPOINT_HEX REGION SERVICE EPOCH EXPIRES TOKEN_HEX|- N NAME_HEX VALUE_HEX ...
 * EXPIRES 0 signs in the Authorization header (a POST), else presigns a GET.
 * Output, one line per request:
 *   OK CR_HEX SIGNATURE AUTHORIZATION_HEX|- URL_HEX QUERY_HEX
 *   ERR STATUS CODE
 * The access key id and secret come from the environment (AWS_*). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsv2/awsv2.h"

static char *unhex(const char *s)
{
    if (*s++ != 'x')
        return NULL;
    size_t n = strlen(s) / 2;
    char *out = malloc(n + 1);
    if (!out || awsv2_hex_decode(s, 2 * n, out, n, NULL) != AWSV2_OK || strlen(s) % 2) {
        free(out);
        return NULL;
    }
    out[n] = '\0';
    return out;
}

static void put_hex(const char *s)
{
    size_t n = strlen(s);
    char *h = malloc(2 * n + 1);
    awsv2_hex_encode(s, n, h);
    fputs(n ? h : "", stdout);
    free(h);
}

static int sign_line(char *line, awsv2_signer *signer, const char *key_id)
{
    char *f[4096], *save = NULL;
    int n = 0;
    for (char *t = strtok_r(line, "\t\n", &save); t && n < 4096; t = strtok_r(NULL, "\t\n", &save))
        f[n++] = t;
    if (n < 8 || n != 8 + 2 * atoi(f[7]))
        return -1;
    awsv2_error err = AWSV2_ERROR_INIT;
    awsv2_request *req = NULL;
    char *endpoint = unhex(f[1]);
    char *token = strcmp(f[6], "-") ? unhex(f[6]) : NULL;
    long expires = atol(f[5]);
    awsv2_status st = awsv2_request_new(&req, strcmp(f[0], "POST") ? AWSV2_GET : AWSV2_POST,
                                        endpoint ? endpoint : "", &err);
    for (int i = 8; !st && i < n; i += 2) {
        char *name = unhex(f[i]), *value = unhex(f[i + 1]);
        st = name && value ? awsv2_params_set(awsv2_request_params(req), name, value, &err)
                           : awsv2_error_set(&err, AWSV2_E_INVALID, NULL, "bad hex");
        free(name);
        free(value);
    }
    if (!st)
        st = awsv2_request_set_auth4(req, key_id, token, f[2], f[3], &err);
    if (!st)
        st = awsv2_request_set_amz_date(req, (time_t)atoll(f[4]), expires, &err);
    const char *cr = NULL;
    if (!st)
        st = awsv2_request_canonical_request(req, &cr, NULL, &err);
    char *cr_copy = cr ? strdup(cr) : NULL;
    if (!st)
        st = awsv2_request_sign(req, signer, &err);
    if (st) {
        printf("ERR\t%d\t%s\n", (int)st, err.code[0] ? err.code : "-");
    } else {
        fputs("OK\t", stdout);
        put_hex(cr_copy);
        printf("\t%s\t", awsv2_request_signature(req));
        if (awsv2_request_authorization(req))
            put_hex(awsv2_request_authorization(req));
        else
            fputs("-", stdout);
        fputs("\t", stdout);
        put_hex(awsv2_request_url(req));
        fputs("\t", stdout);
        put_hex(awsv2_request_query(req));
        fputs("\n", stdout);
    }
    free(cr_copy);
    free(endpoint);
    free(token);
    awsv2_request_free(req);
    return 0;
}

int main(int argc, char **argv)
{
    awsv2_credentials *creds = NULL;
    awsv2_signer *signer = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    char key_id[AWSV2_KEY_ID_SIZE];
    const char *spec = awsv2_signer_spec_resolve(argc > 1 ? argv[1] : NULL);
    unsigned flags = strcmp(spec, "openssl") == 0 ? 0 : AWSV2_CREDENTIALS_SECRET_OPTIONAL;
    if (awsv2_credentials_load(&creds, NULL, flags, &err) ||
        awsv2_signer_open(&signer, spec, creds, &err) ||
        awsv2_signer_pick_key_id(signer, creds, key_id, sizeof key_id, &err)) {
        fprintf(stderr, "sigv4_batch: %s\n", err.message);
        return 2;
    }
    size_t cap = 1 << 20;
    char *line = malloc(cap);
    int rc = 0;
    while (fgets(line, (int)cap, stdin)) {
        if (sign_line(line, signer, key_id)) {
            fprintf(stderr, "sigv4_batch: malformed input line\n");
            rc = 2;
            break;
        }
        fflush(stdout);
    }
    free(line);
    awsv2_signer_close(signer);
    awsv2_credentials_free(creds);
    return rc;
}
