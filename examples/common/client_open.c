/* Client set-up shared by the example programs (see client_open.h). */
#include <stdbool.h>
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

/* What the client's refresh needs: the program's options and its signing
 * state, which a refresh replaces. */
struct refresher {
    const struct cli_common *c;
    struct cli_signing *s;
};

/* Credentials that expire (credential_process's) are loaded again before
 * they do; with the openssl signer it is opened on the new secret, another
 * signer keeps its keys and only the key id and token change. */
static awsv2_status refresh(void *ctx, awsv2_client_credentials *out, awsv2_error *err)
{
    struct refresher *r = ctx;
    const char *spec = awsv2_signer_spec_resolve(r->c->signer);
    bool host_secret = strcmp(spec, "openssl") == 0;
    awsv2_credentials *creds;
    awsv2_status st = awsv2_credentials_load(&creds, r->c->profile,
                                             host_secret ? 0 : AWSV2_CREDENTIALS_SECRET_OPTIONAL,
                                             err);
    if (st)
        return st;
    awsv2_signer *signer = r->s->signer;
    if (host_secret && (st = awsv2_signer_open(&signer, spec, creds, err))) {
        awsv2_credentials_free(creds);
        return st;
    }
    if (signer != r->s->signer)
        awsv2_signer_close(r->s->signer); /* the client is done with it */
    awsv2_credentials_free(r->s->creds);
    r->s->signer = signer;
    r->s->creds = creds;
    if (!r->c->access_key_id && awsv2_credentials_access_key_id(creds))
        snprintf(r->s->access_key_id, sizeof r->s->access_key_id, "%s",
                 awsv2_credentials_access_key_id(creds));
    out->signer = signer;
    out->access_key_id = r->s->access_key_id;
    out->session_token = awsv2_credentials_session_token(creds);
    out->expiration = awsv2_credentials_expiration(creds);
    return AWSV2_OK;
}

/* Makes the client; on failure prints the error and returns the exit
 * status. */
static int client_open(const struct cli_common *c, struct refresher *r,
                       const char *service, awsv2_method method,
                       const struct example_timeouts *t, awsv2_client **out)
{
    const struct cli_signing *s = r->s;
    awsv2_error err = AWSV2_ERROR_INIT;
    char region[AWSV2_REGION_SIZE], endpoint[AWSV2_ENDPOINT_SIZE];
    awsv2_signature_version version;
    awsv2_status st = awsv2_region_resolve_profile(c->region, c->profile, region, sizeof region,
                                                  &err);
    if (!st)
        st = awsv2_endpoint_resolve_profile(service, c->endpoint, region, c->profile, endpoint,
                                            sizeof endpoint, &err);
    if (!st)
        st = awsv2_signature_version_resolve(c->signature_version, &version, &err);
    if (st)
        return cli_fail(c, &err);
    /* SigV4 is HMAC-SHA256 whatever SignatureMethod says: asking for
     * HmacSHA1 there is a mistake, not a wish to honour quietly. */
    if (c->signature_method && c->hash != AWSV2_HMAC_SHA256 &&
        (version == AWSV2_SIGNATURE_V4 ||
         (version == AWSV2_SIGNATURE_AUTO &&
          awsv2_signature_version_auto(service, region, endpoint) == AWSV2_SIGNATURE_V4)))
        return cli_usage_error(c, "--signature-method %s is for Signature Version 2; SigV4 "
                                  "(%s here) signs with HMAC-SHA256 only: give "
                                  "--signature-version 2",
                               c->signature_method,
                               version == AWSV2_SIGNATURE_V4 ? "asked for" : "what auto picks");
    awsv2_client_options o = AWSV2_CLIENT_OPTIONS_INIT;
    o.endpoint_url = endpoint;
    o.signer = s->signer;
    o.access_key_id = s->access_key_id;
    o.session_token = s->creds ? awsv2_credentials_session_token(s->creds) : NULL;
    o.method = method;
    o.hash = c->hash;
    o.hash_auto = c->signature_method == NULL;
    o.connect_timeout_ms = t->connect_ms;
    o.timeout_ms = t->total_ms;
    o.debug = c->debug ? print_string_to_sign : NULL;
    o.debug_ctx = (void *)c;
    /* auto: the library's rule, which sees a custom endpoint from its host. */
    o.signature_version = version;
    o.region = region;
    o.service = service;
    o.profile = c->profile;
    o.credentials_expiration = s->creds ? awsv2_credentials_expiration(s->creds) : 0;
    o.refresh = refresh;
    o.refresh_ctx = r;
    if (awsv2_client_new(out, &o, &err))
        return cli_fail(c, &err);
    return CLI_EXIT_OK;
}

int example_with_client(const struct cli_common *c, const char *service, awsv2_method method,
                        const struct example_timeouts *t, example_client_run *run, void *ctx)
{
    struct cli_signing s;
    int rc = cli_signing_open(c, t->total_ms, &s);
    if (rc != CLI_EXIT_OK)
        return rc;
    awsv2_client *client = NULL;
    struct refresher r = {c, &s};
    rc = client_open(c, &r, service, method, t, &client);
    if (rc == CLI_EXIT_OK)
        rc = run(ctx, client);
    awsv2_client_free(client);
    cli_signing_close(&s);
    return rc;
}
