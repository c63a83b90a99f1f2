/* awsv2-sign: presigns a query API request, or shows how it is signed, with
 * Signature Version 2 or 4. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsv2/awsv2.h"
#include "cli.h"

enum {
    OPT_METHOD = 1,
    OPT_TIMESTAMP,
    OPT_EXPIRES,
    OPT_PRINT,
    OPT_SERVICE,
    OPT_EXPIRES_IN,
};

struct sign_args {
    awsv2_method method;
    int method_given;
    const char *time_name;  /* "Timestamp", "Expires", or NULL for now */
    const char *time_value;
    const char *print;      /* NULL: url */
    const char *service;    /* SigV4; NULL: the host's first label */
    long expires_in;        /* SigV4; 0: not given */
    const char *endpoint;
    char **params;
    int nparams;
    awsv2_signature_version version;
};

static const char help[] =
    "Signs a query API request with Signature Version 2 or 4 and prints it.\n"
    "Arguments after ENDPOINT_URL (or after --) are parameters, never options;\n"
    "each Name=Value is split at its first '='.\n\n"
    "Signature Version 2 adds AWSAccessKeyId, SignatureVersion, SignatureMethod and\n"
    "Timestamp (now, unless given).\n"
    "  --method GET|POST                       (default GET)\n"
    "  --signature-method HmacSHA256|HmacSHA1  (default: what the signer computes,\n"
    "                                          HmacSHA256 unless it is a Due with the\n"
    "                                          original firmware)\n"
    "  --timestamp T | --expires T             ISO 8601 UTC, e.g. 2026-11-21T12:00:00Z\n"
    "  --print string-to-sign|signature|query|url   (default url; for POST the\n"
    "                                          query is the form body)\n\n"
    "Signature Version 4 (AWS4-HMAC-SHA256) signs for --region and --service:\n"
    "  --service S             credential scope's service (default: the endpoint\n"
    "                          host's first label, e.g. ec2, sqs)\n"
    "  --timestamp T           X-Amz-Date, ISO 8601 as above (default now)\n"
    "  --expires-in SECONDS    lifetime of a presigned URL, 1..604800 (default 900)\n"
    "  --print url             a presigned GET URL (the default)\n"
    "  --print query           the form body of a POST signed in its header\n"
    "  --print authorization   the Authorization header value of that POST\n"
    "  --print canonical-request|string-to-sign|signature\n"
    "                          of the presigned GET, or with --method POST (the\n"
    "                          default for query and authorization) of the POST\n\n"
    CLI_SIGNATURE_VERSION_HELP CLI_PROFILE_HELP;

static const char *const reserved2[] = {
    "AWSAccessKeyId", "SignatureVersion", "SignatureMethod", "Signature", "SecurityToken",
};
static const char *const reserved4[] = {
    "X-Amz-Algorithm",     "X-Amz-Credential", "X-Amz-Date",          "X-Amz-Expires",
    "X-Amz-SignedHeaders", "X-Amz-Signature",  "X-Amz-Security-Token",
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
    static const char *const prints[] = {
        "string-to-sign", "signature", "query", "url", "canonical-request", "authorization",
    };
    switch (opt) {
    case OPT_METHOD:
        if (strcmp(arg, "GET") && strcmp(arg, "POST"))
            return cli_usage_error(c, "--method must be GET or POST, not '%s'", arg);
        a->method = strcmp(arg, "POST") == 0 ? AWSV2_POST : AWSV2_GET;
        a->method_given = 1;
        return CLI_CONTINUE;
    case OPT_TIMESTAMP: return set_time(c, a, "Timestamp", arg);
    case OPT_EXPIRES: return set_time(c, a, "Expires", arg);
    case OPT_PRINT:
        for (size_t i = 0; i < sizeof prints / sizeof prints[0]; i++)
            if (strcmp(arg, prints[i]) == 0) {
                a->print = arg;
                return CLI_CONTINUE;
            }
        return cli_usage_error(c, "--print takes string-to-sign, signature, query, url, "
                                  "canonical-request or authorization");
    case OPT_SERVICE:
        a->service = arg;
        return CLI_CONTINUE;
    case OPT_EXPIRES_IN: {
        char *end;
        errno = 0;
        long n = strtol(arg, &end, 10);
        if (errno || end == arg || *end || n < 1 || n > 604800)
            return cli_usage_error(c, "--expires-in takes 1 to 604800 seconds, not '%s'", arg);
        a->expires_in = n;
        return CLI_CONTINUE;
    }
    }
    return CLI_EXIT_USAGE;
}

static int parse_args(struct cli_common *c, struct sign_args *a, int argc, char **argv)
{
    static const struct option options[] = {
        {"method", required_argument, NULL, OPT_METHOD},
        CLI_SIGNATURE_METHOD_OPTION,
        {"timestamp", required_argument, NULL, OPT_TIMESTAMP},
        {"expires", required_argument, NULL, OPT_EXPIRES},
        {"print", required_argument, NULL, OPT_PRINT},
        {"service", required_argument, NULL, OPT_SERVICE},
        {"expires-in", required_argument, NULL, OPT_EXPIRES_IN},
        CLI_SIGNATURE_VERSION_OPTION,
        CLI_PROFILE_OPTION,
        CLI_COMMON_LONG_OPTIONS,
        {0},
    };
    int opt, rc;
    /* "+": options end at the endpoint URL; what follows are parameters,
     * whatever they start with. */
    while ((opt = getopt_long(argc, argv, "+", options, NULL)) != -1) {
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

/* Name=Value arguments into the request; for SigV2, Timestamp/Expires go
 * through set_time so that they are validated like the flags. */
static int add_params(struct cli_common *c, struct sign_args *a, awsv2_params *p)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    int v4 = a->version == AWSV2_SIGNATURE_V4;
    const char *const *reserved = v4 ? reserved4 : reserved2;
    size_t n_reserved = v4 ? sizeof reserved4 / sizeof *reserved4
                           : sizeof reserved2 / sizeof *reserved2;
    for (int i = 0; i < a->nparams; i++) {
        char *eq = strchr(a->params[i], '=');
        if (!eq || eq == a->params[i])
            return cli_usage_error(c, "parameter '%s' is not Name=Value", a->params[i]);
        *eq = '\0';
        const char *name = a->params[i], *value = eq + 1;
        for (size_t k = 0; k < n_reserved; k++)
            if (strcmp(name, reserved[k]) == 0)
                return cli_usage_error(c, "%s is set by awsv2-sign (see --help)", name);
        int rc = CLI_CONTINUE;
        if (!v4 && (strcmp(name, "Timestamp") == 0 || strcmp(name, "Expires") == 0))
            rc = set_time(c, a, name, value);
        else if (awsv2_params_set(p, name, value, &err))
            return cli_fail(c, &err);
        if (rc != CLI_CONTINUE)
            return rc;
    }
    return CLI_CONTINUE;
}

/* The host's first label of an endpoint URL, into out (cap bytes). */
static void service_of(const char *url, char *out, size_t cap)
{
    const char *host = strstr(url, "://");
    host = host ? host + 3 : url;
    size_t n = strcspn(host, ".:/");
    if (n >= cap)
        n = cap - 1;
    for (size_t i = 0; i < n; i++)
        out[i] = (char)(host[i] >= 'A' && host[i] <= 'Z' ? host[i] + 32 : host[i]);
    out[n] = '\0';
}

/* The signature version, the region and the service; checks that the
 * options given belong to that version. */
static int choose_version(struct cli_common *c, struct sign_args *a, char *region,
                          char *service)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    if (awsv2_signature_version_resolve(c->signature_version, &a->version, &err) ||
        awsv2_region_resolve_profile(c->region, c->profile, region, AWSV2_REGION_SIZE, &err))
        return cli_usage_error(c, "%s", err.message);
    if (a->service)
        snprintf(service, AWSV2_SERVICE_SIZE, "%s", a->service);
    else
        service_of(a->endpoint, service, AWSV2_SERVICE_SIZE);
    if (a->version == AWSV2_SIGNATURE_AUTO)
        a->version = awsv2_signature_version_auto(service, region, a->endpoint);
    const char *print = a->print ? a->print : "url";
    if (a->version == AWSV2_SIGNATURE_V2) {
        if (a->service || a->expires_in)
            return cli_usage_error(c, "--service and --expires-in are for "
                                      "--signature-version 4");
        if (!strcmp(print, "canonical-request") || !strcmp(print, "authorization"))
            return cli_usage_error(c, "--print %s is for --signature-version 4", print);
        return CLI_CONTINUE;
    }
    if (c->signature_method || (a->time_name && strcmp(a->time_name, "Timestamp") != 0))
        return cli_usage_error(c, "--signature-method and --expires are for "
                                  "--signature-version 2 (SigV4: --expires-in)");
    int post_print = !strcmp(print, "query") || !strcmp(print, "authorization");
    if (!a->method_given)
        a->method = post_print ? AWSV2_POST : AWSV2_GET;
    if (a->method == AWSV2_POST && !strcmp(print, "url"))
        return cli_usage_error(c, "--print url presigns a GET; a POST's parts are "
                                  "--print query and authorization");
    if (a->method == AWSV2_GET && !strcmp(print, "authorization"))
        return cli_usage_error(c, "--print authorization is for --method POST");
    if (a->method == AWSV2_POST && a->expires_in)
        return cli_usage_error(c, "--expires-in is for a presigned GET");
    return CLI_CONTINUE;
}

static awsv2_status set_auth(const struct cli_common *c, struct sign_args *a, awsv2_request *req,
                             const struct cli_signing *s, const char *region,
                             const char *service, awsv2_error *err)
{
    const char *key_id = s->access_key_id;
    const char *token = s->creds ? awsv2_credentials_session_token(s->creds) : NULL;
    if (a->version == AWSV2_SIGNATURE_V2) {
        awsv2_hash hash = c->signature_method ? c->hash : awsv2_signer_default_hash(s->signer);
        awsv2_status st = awsv2_request_set_auth(req, key_id, token, hash, err);
        if (!st)
            st = a->time_name ? awsv2_params_set(awsv2_request_params(req), a->time_name,
                                                 a->time_value, err)
                              : awsv2_request_set_timestamp(req, time(NULL), err);
        return st;
    }
    time_t t = time(NULL);
    if (a->time_value && awsv2_timestamp_parse(a->time_value, &t, err))
        return err->status;
    awsv2_status st = awsv2_request_set_auth4(req, key_id, token, region, service, err);
    long expires = a->method == AWSV2_GET ? (a->expires_in ? a->expires_in : 900) : 0;
    return st ? st : awsv2_request_set_amz_date(req, t, expires, err);
}

static int sign_and_print(struct cli_common *c, struct sign_args *a, awsv2_request *req,
                          const char *region, const char *service)
{
    struct cli_signing s;
    awsv2_error err = AWSV2_ERROR_INIT;
    const char *sts = NULL, *cr = NULL;
    const char *print = a->print ? a->print : "url";
    int rc = cli_signing_open(c, 0, &s);
    if (rc)
        return rc;
    awsv2_status st = set_auth(c, a, req, &s, region, service, &err);
    int v4 = a->version == AWSV2_SIGNATURE_V4;
    if (!st && v4 && (c->debug || !strcmp(print, "canonical-request")))
        st = awsv2_request_canonical_request(req, &cr, NULL, &err);
    if (!st && v4 && c->debug)
        fprintf(stderr, "canonical request:\n%s\n", cr);
    if (!st && (c->debug || strcmp(print, "string-to-sign") == 0))
        st = awsv2_request_string_to_sign(req, &sts, NULL, &err);
    if (!st && c->debug)
        fprintf(stderr, "string to sign:\n%s\n", sts);
    if (!st && strcmp(print, "string-to-sign") == 0)
        printf("%s\n", sts);
    else if (!st && strcmp(print, "canonical-request") == 0)
        printf("%s\n", cr);
    else if (!st && !(st = awsv2_request_sign(req, s.signer, &err)))
        printf("%s\n", strcmp(print, "signature") == 0       ? awsv2_request_signature(req)
                       : strcmp(print, "query") == 0         ? awsv2_request_query(req)
                       : strcmp(print, "authorization") == 0 ? awsv2_request_authorization(req)
                                                             : awsv2_request_url(req));
    rc = st ? cli_fail(c, &err) : CLI_EXIT_OK;
    cli_signing_close(&s);
    return rc;
}

int main(int argc, char **argv)
{
    struct cli_common c = {
        .prog = "awsv2-sign",
        .usage = "awsv2-sign [--signature-version 2|4|auto] [--method GET|POST] "
                 "[--signature-method HmacSHA256|HmacSHA1] [--timestamp T | --expires T] "
                 "[--service S] [--expires-in SECONDS] "
                 "[--print string-to-sign|signature|query|url|canonical-request|authorization] "
                 "[--] ENDPOINT_URL [Name=Value]...",
        .help = help,
    };
    struct sign_args a = {.method = AWSV2_GET};
    char region[AWSV2_REGION_SIZE], service[AWSV2_SERVICE_SIZE];
    awsv2_request *req = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    int rc = parse_args(&c, &a, argc, argv);
    if (rc == CLI_CONTINUE)
        rc = choose_version(&c, &a, region, service);
    if (rc != CLI_CONTINUE)
        return rc;
    if (awsv2_request_new(&req, a.method, a.endpoint, &err))
        return cli_usage_error(&c, "%s", err.message);
    rc = add_params(&c, &a, awsv2_request_params(req));
    if (rc == CLI_CONTINUE)
        rc = sign_and_print(&c, &a, req, region, service);
    awsv2_request_free(req);
    return rc;
}
