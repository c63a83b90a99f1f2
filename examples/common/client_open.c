/* Client set-up shared by the example programs (see client_open.h). */
#include <stdio.h>
#include <string.h>

#include "awsv2/credentials.h"
#include "client_open.h"

/* The value of the SecurityToken parameter in a string to sign: where it
 * starts, and its length; NULL when there is none. */
static const char *find_token(const char *sts, size_t len, size_t *value_len)
{
    static const char name[] = "SecurityToken=";
    for (const char *p = sts; (p = strstr(p, name)) != NULL && (size_t)(p - sts) < len; p++) {
        if (p == sts || (p[-1] != '&' && p[-1] != '\n'))
            continue; /* a longer name that ends the same way */
        p += sizeof name - 1;
        *value_len = strcspn(p, "&");
        return p;
    }
    return NULL;
}

/* --debug: the string to sign goes to stderr, framed so it can be copied.
 * A session token is a credential: it is shown as "(redacted)". */
static void print_string_to_sign(void *ctx, const char *sts, size_t len)
{
    const struct cli_common *c = ctx;
    size_t token_len = 0;
    const char *token = find_token(sts, len, &token_len);
    size_t head = token ? (size_t)(token - sts) : len;
    fprintf(stderr, "%s: string to sign:\n%.*s", c->prog, (int)head, sts);
    if (token)
        fprintf(stderr, "(redacted)%.*s", (int)(len - head - token_len), token + token_len);
    fprintf(stderr, "\n%s: end of string to sign\n", c->prog);
}

/* Makes the client; on failure prints the error and returns the exit
 * status. */
static int client_open(const struct cli_common *c, const struct cli_signing *s,
                       const char *service, awsv2_method method,
                       const struct example_timeouts *t, awsv2_client **out)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    char region[AWSV2_REGION_SIZE], endpoint[AWSV2_ENDPOINT_SIZE];
    awsv2_signature_version version;
    awsv2_status st = awsv2_region_resolve(c->region, region, sizeof region, &err);
    if (!st)
        st = awsv2_endpoint_resolve(service, c->endpoint, region, endpoint, sizeof endpoint,
                                    &err);
    if (!st)
        st = awsv2_signature_version_resolve(c->signature_version, &version, &err);
    if (st)
        return cli_fail(c, &err);
    awsv2_client_options o = AWSV2_CLIENT_OPTIONS_INIT;
    o.endpoint_url = endpoint;
    o.signer = s->signer;
    o.access_key_id = s->access_key_id;
    o.session_token = s->creds ? awsv2_credentials_session_token(s->creds) : NULL;
    o.method = method;
    o.connect_timeout_ms = t->connect_ms;
    o.timeout_ms = t->total_ms;
    o.debug = c->debug ? print_string_to_sign : NULL;
    o.debug_ctx = (void *)c;
    /* auto: the library's rule, which sees a custom endpoint from its host. */
    o.signature_version = version;
    o.region = region;
    o.service = service;
    if (awsv2_client_new(out, &o, &err))
        return cli_fail(c, &err);
    return CLI_EXIT_OK;
}

int example_with_client(const struct cli_common *c, const char *service, awsv2_method method,
                        const struct example_timeouts *t, example_client_run *run, void *ctx)
{
    struct cli_signing s;
    int rc = cli_signing_open(c, &s);
    if (rc != CLI_EXIT_OK)
        return rc;
    awsv2_client *client = NULL;
    rc = client_open(c, &s, service, method, t, &client);
    if (rc == CLI_EXIT_OK)
        rc = run(ctx, client);
    awsv2_client_free(client);
    cli_signing_close(&s);
    return rc;
}
