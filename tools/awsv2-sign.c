/* awsv2-sign: presigns a query API request, or shows how it is signed. */
#include <stdio.h>
#include <string.h>

#include "awsv2/awsv2.h"
#include "cli.h"

enum { OPT_METHOD = 1, OPT_SIGNATURE_METHOD, OPT_TIMESTAMP, OPT_EXPIRES, OPT_PRINT };

struct sign_args {
    awsv2_method method;
    awsv2_hash hash;
    const char *time_name;  /* "Timestamp", "Expires", or NULL for now */
    const char *time_value;
    const char *print;
    const char *endpoint;
    char **params;
    int nparams;
};

static const char help[] =
    "Signs a query API request with Signature Version 2 and prints it.\n"
    "Adds AWSAccessKeyId, SignatureVersion, SignatureMethod and Timestamp (now,\n"
    "unless given); each Name=Value is split at its first '='.\n\n"
    "Options:\n"
    "  --method GET|POST                       (default GET)\n"
    "  --signature-method HmacSHA256|HmacSHA1  (default HmacSHA256)\n"
    "  --timestamp T | --expires T             ISO 8601 UTC, e.g. 2026-11-21T12:00:00Z\n"
    "  --print string-to-sign|signature|query|url   (default url; for POST the\n"
    "                                          query is the form body)\n";

static const char *const reserved[] = {
    "AWSAccessKeyId", "SignatureVersion", "SignatureMethod", "Signature", "SecurityToken",
};

static int set_time(struct cli_common *c, struct sign_args *a, const char *name,
                    const char *value)
{
    time_t t;
    awsv2_error err = AWSV2_ERROR_INIT;
    if (a->time_name && strcmp(a->time_name, name) != 0)
        return cli_usage_error(c, "give either a Timestamp or an Expires, not both");
    if (awsv2_timestamp_parse(value, &t, &err))
        return cli_usage_error(c, "%s", err.message);
    a->time_name = name;
    a->time_value = value;
    return CLI_CONTINUE;
}

static int own_option(struct cli_common *c, struct sign_args *a, int opt, const char *arg)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    switch (opt) {
    case OPT_METHOD:
        if (strcmp(arg, "GET") && strcmp(arg, "POST"))
            return cli_usage_error(c, "--method must be GET or POST, not '%s'", arg);
        a->method = strcmp(arg, "POST") == 0 ? AWSV2_POST : AWSV2_GET;
        return CLI_CONTINUE;
    case OPT_SIGNATURE_METHOD:
        return awsv2_hash_parse(arg, &a->hash, &err) ? cli_usage_error(c, "%s", err.message)
                                                      : CLI_CONTINUE;
    case OPT_TIMESTAMP: return set_time(c, a, "Timestamp", arg);
    case OPT_EXPIRES: return set_time(c, a, "Expires", arg);
    case OPT_PRINT:
        if (strcmp(arg, "string-to-sign") && strcmp(arg, "signature") && strcmp(arg, "query") &&
            strcmp(arg, "url"))
            return cli_usage_error(c, "--print takes string-to-sign, signature, query or url");
        a->print = arg;
        return CLI_CONTINUE;
    }
    return CLI_EXIT_USAGE;
}

static int parse_args(struct cli_common *c, struct sign_args *a, int argc, char **argv)
{
    static const struct option options[] = {
        {"method", required_argument, NULL, OPT_METHOD},
        {"signature-method", required_argument, NULL, OPT_SIGNATURE_METHOD},
        {"timestamp", required_argument, NULL, OPT_TIMESTAMP},
        {"expires", required_argument, NULL, OPT_EXPIRES},
        {"print", required_argument, NULL, OPT_PRINT},
        CLI_COMMON_LONG_OPTIONS,
        {0},
    };
    int opt, rc;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        rc = cli_common_option(c, opt, optarg);
        if (rc == -1)
            rc = own_option(c, a, opt, optarg);
        if (rc != CLI_CONTINUE)
            return rc;
    }
    if (optind >= argc)
        return cli_usage_error(c, "no endpoint URL");
    a->endpoint = argv[optind];
    a->params = argv + optind + 1;
    a->nparams = argc - optind - 1;
    return CLI_CONTINUE;
}

/* Name=Value arguments into the request; Timestamp/Expires go through
 * set_time so that they are validated like the flags. */
static int add_params(struct cli_common *c, struct sign_args *a, awsv2_params *p)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    for (int i = 0; i < a->nparams; i++) {
        char *eq = strchr(a->params[i], '=');
        if (!eq || eq == a->params[i])
            return cli_usage_error(c, "parameter '%s' is not Name=Value", a->params[i]);
        *eq = '\0';
        const char *name = a->params[i], *value = eq + 1;
        for (size_t k = 0; k < sizeof reserved / sizeof reserved[0]; k++)
            if (strcmp(name, reserved[k]) == 0)
                return cli_usage_error(c, "%s is set by awsv2-sign (see --help)", name);
        int rc = CLI_CONTINUE;
        if (strcmp(name, "Timestamp") == 0 || strcmp(name, "Expires") == 0)
            rc = set_time(c, a, name, value);
        else if (awsv2_params_set(p, name, value, &err))
            return cli_fail(c, &err);
        if (rc != CLI_CONTINUE)
            return rc;
    }
    return CLI_CONTINUE;
}

static int sign_and_print(struct cli_common *c, struct sign_args *a, awsv2_request *req)
{
    struct cli_signing s;
    awsv2_error err = AWSV2_ERROR_INIT;
    const char *sts;
    int rc = cli_signing_open(c, &s);
    if (rc)
        return rc;
    awsv2_status st = awsv2_request_set_auth(req, s.access_key_id,
                                             s.creds ? awsv2_credentials_session_token(s.creds)
                                                     : NULL,
                                             a->hash, &err);
    if (!st)
        st = a->time_name ? awsv2_params_set(awsv2_request_params(req), a->time_name,
                                             a->time_value, &err)
                          : awsv2_request_set_timestamp(req, time(NULL), &err);
    if (!st && (c->debug || strcmp(a->print, "string-to-sign") == 0))
        st = awsv2_request_string_to_sign(req, &sts, NULL, &err);
    if (!st && c->debug)
        fprintf(stderr, "string to sign:\n%s\n", sts);
    if (!st && strcmp(a->print, "string-to-sign") == 0)
        printf("%s\n", sts);
    else if (!st && !(st = awsv2_request_sign(req, s.signer, &err)))
        printf("%s\n", strcmp(a->print, "signature") == 0 ? awsv2_request_signature(req)
                       : strcmp(a->print, "query") == 0   ? awsv2_request_query(req)
                                                          : awsv2_request_url(req));
    rc = st ? cli_fail(c, &err) : CLI_EXIT_OK;
    cli_signing_close(&s);
    return rc;
}

int main(int argc, char **argv)
{
    struct cli_common c = {
        .prog = "awsv2-sign",
        .usage = "awsv2-sign [--method GET|POST] [--signature-method HmacSHA256|HmacSHA1] "
                 "[--timestamp T | --expires T] [--print string-to-sign|signature|query|url] "
                 "ENDPOINT_URL [Name=Value]...",
        .help = help,
    };
    struct sign_args a = {.method = AWSV2_GET, .hash = AWSV2_HMAC_SHA256, .print = "url"};
    awsv2_request *req = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    int rc = parse_args(&c, &a, argc, argv);
    if (rc != CLI_CONTINUE)
        return rc;
    if (awsv2_request_new(&req, a.method, a.endpoint, &err))
        return cli_usage_error(&c, "%s", err.message);
    rc = add_params(&c, &a, awsv2_request_params(req));
    if (rc == CLI_CONTINUE)
        rc = sign_and_print(&c, &a, req);
    awsv2_request_free(req);
    return rc;
}
