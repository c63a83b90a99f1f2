/* Signer specs (src/signer.c, src/spec_options.c and the backends' spec
 * readers). The input is a spec. Device specs (due:...) are only parsed,
 * never opened: their options go through awsv2__spec_options, checked
 * against a reference written here from docs/signers.md (options are
 * name=value joined by '&', names from the backend's list, values whole
 * decimal numbers; the last of a repeated option counts). http(s) specs are
 * opened (that connects to nothing) unless they name a token file.
 * pkcs11: specs are not opened either: that loads the system's token
 * modules (code outside this tree, which may leak or be slow), and their
 * URI is read by p11-kit, not by us. Any other spec but "openssl" must
 * fail with AWSV2_E_SPEC. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "awsv2/credentials.h"
#include "awsv2/signer.h"
#include "fuzz.h"
#include "signer_impl.h"

static const char *const allowed[] = {"timeout_ms", "window", NULL};

/* Whether the reference accepts query, and the values it reads. */
static bool ref_options(const char *q, unsigned long values[2])
{
    while (*q) {
        const char *amp = strchr(q, '&');
        size_t len = amp ? (size_t)(amp - q) : strlen(q);
        const char *eq = memchr(q, '=', len);
        int i = -1;
        for (int k = 0; eq && allowed[k]; k++)
            if (strlen(allowed[k]) == (size_t)(eq - q) && memcmp(q, allowed[k], (size_t)(eq - q)) == 0)
                i = k;
        if (i < 0)
            return false;
        const char *d = eq + 1;
        if (d == q + len)
            return false;
        unsigned long v = 0;
        for (; d < q + len; d++) {
            if (*d < '0' || *d > '9')
                return false;
            if (v > (ULONG_MAX - (unsigned long)(*d - '0')) / 10)
                return false;
            v = v * 10 + (unsigned long)(*d - '0');
        }
        values[i] = v;
        if (!amp)
            break;
        q = amp + 1;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    char *spec = fuzz_strndup(data, nul ? (size_t)(nul - data) : size);
    awsv2_error err = AWSV2_ERROR_INIT;

    const char *q = strchr(spec, '?');
    if (q) {
        unsigned long got[2] = {7, 9}, want[2] = {7, 9};
        awsv2_status st = awsv2__spec_options(spec, q + 1, allowed, got, &err);
        bool ok = ref_options(q + 1, want);
        FUZZ_ASSERT((st == AWSV2_OK) == ok);
        if (ok)
            FUZZ_ASSERT(got[0] == want[0] && got[1] == want[1]);
        else
            FUZZ_ASSERT(st == AWSV2_E_SPEC && strstr(err.message, "signer spec '") == err.message);
    }

    awsv2_signer *s = NULL;
    awsv2_credentials *creds = NULL;
    bool http = strncmp(spec, "http://", 7) == 0 || strncmp(spec, "https://", 8) == 0;
    err = (awsv2_error)AWSV2_ERROR_INIT;
    if (strcmp(spec, "openssl") == 0) {
        FUZZ_ASSERT(awsv2_credentials_new(&creds, "AKIAIOSFODNN7EXAMPLE",
                                          "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", NULL,
                                          &err) == AWSV2_OK);
        FUZZ_ASSERT(awsv2_signer_open(&s, spec, creds, &err) == AWSV2_OK);
    } else if (http && !strstr(spec, "token_file")) {
        if (awsv2_signer_open(&s, spec, NULL, &err) == AWSV2_OK)
            FUZZ_ASSERT(awsv2_signer_describe(s) != NULL);
        else
            FUZZ_ASSERT(!s && err.message[0]);
    } else if (!http && strncmp(spec, "due:", 4) != 0 && strncmp(spec, "pkcs11:", 7) != 0) {
        FUZZ_ASSERT(awsv2_signer_open(&s, spec, NULL, &err) == AWSV2_E_SPEC && !s);
    }
    awsv2_signer_close(s);
    awsv2_credentials_free(creds);

    /* The same bytes as a string to sign. */
    awsv2_sts_info info = {.size = sizeof info};
    err = (awsv2_error)AWSV2_ERROR_INIT;
    if (awsv2_string_to_sign_inspect((const char *)data, size, &info, &err) != AWSV2_OK)
        FUZZ_ASSERT(err.code[0]);
    free(spec);
    return 0;
}
