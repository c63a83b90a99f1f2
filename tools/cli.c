/* The programs' common options, signer opening and error reporting. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "awsv2/request.h"
#include "awsv2/util.h"
#include "cli.h"

const char cli_common_help[] =
    "Common options:\n"
    "  --signer SPEC          openssl | due:PATH[?timeout_ms=N&window=N] | due:auto |\n"
    "                         http(s)://HOST:PORT/sign/aws[?timeout_ms=N&url=URL...]\n"
    "                         (default: $AWSV2_SIGNER, else openssl)\n"
    "  --region REGION        AWS region (default: $AWS_REGION, profile, us-east-1)\n"
    "  --endpoint URL         service endpoint (default: $AWS_ENDPOINT_URL_*, regional AWS)\n"
    "  --access-key-id ID     access key id (default: credentials, else the signer's only key)\n"
    "  --debug                print the signer and each string to sign to stderr\n"
    "  --help                 show this help\n"
    "  --version              show the version\n"
    "Exit status: 0 success, 1 service error, 2 usage, 3 signer error, 4 network/TLS error.\n";

const char cli_device_help[] =
    "Common options:\n"
    "  --signer SPEC          due:PATH[?timeout_ms=N&window=N] | due:auto | a daemon's\n"
    "                         admin socket, http://localhost/admin?unix_socket=PATH |\n"
    "                         pkcs11:URI (default: $AWSV2_SIGNER)\n"
    "  --debug                print what the signer is to stderr\n"
    "  --help                 show this help\n"
    "  --version              show the version\n"
    "Exit status: 0 success, 1 broken audit chain, 2 usage, 3 signer error.\n";

int cli_common_option(struct cli_common *c, int opt, const char *arg)
{
    switch (opt) {
    case CLI_OPT_HELP:
        printf("usage: %s\n\n%s\n%s", c->usage, c->help,
               c->common_help ? c->common_help : cli_common_help);
        return CLI_EXIT_OK;
    case CLI_OPT_VERSION:
        printf("%s (libawsv2) %s\nlibawsv2 %s, signer backends: %s\n", c->prog, PACKAGE_VERSION,
               awsv2_version(), awsv2_backends());
        return CLI_EXIT_OK;
    case CLI_OPT_SIGNER: c->signer = arg; return CLI_CONTINUE;
    case CLI_OPT_REGION: c->region = arg; return CLI_CONTINUE;
    case CLI_OPT_ENDPOINT: c->endpoint = arg; return CLI_CONTINUE;
    case CLI_OPT_ACCESS_KEY_ID: c->access_key_id = arg; return CLI_CONTINUE;
    case CLI_OPT_DEBUG: c->debug = true; return CLI_CONTINUE;
    case CLI_OPT_PROFILE: c->profile = arg; return CLI_CONTINUE;
    case CLI_OPT_SIGNATURE_METHOD: {
        awsv2_error err = AWSV2_ERROR_INIT;
        if (awsv2_hash_parse(arg, &c->hash, &err))
            return cli_usage_error(c, "--signature-method takes HmacSHA256 or HmacSHA1, not "
                                      "'%s'", arg);
        c->signature_method = arg;
        return CLI_CONTINUE;
    }
    case CLI_OPT_SIGNATURE_VERSION: {
        awsv2_signature_version v;
        awsv2_error err = AWSV2_ERROR_INIT;
        if (awsv2_signature_version_parse(arg, &v, &err))
            return cli_usage_error(c, "--signature-version: %s", err.message);
        c->signature_version = arg;
        return CLI_CONTINUE;
    }
    case '?':
        fprintf(stderr, "usage: %s\n", c->usage);
        return CLI_EXIT_USAGE;
    default:
        return -1;
    }
}

int cli_usage_error(const struct cli_common *c, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", c->prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nusage: %s\n", c->usage);
    return CLI_EXIT_USAGE;
}

int cli_fail(const struct cli_common *c, const awsv2_error *err)
{
    if (err->status == AWSV2_E_SERVICE && err->code[0])
        fprintf(stderr, "%s: %s: %s\n", c->prog, err->code, err->message);
    else
        fprintf(stderr, "%s: %s\n", c->prog,
                err->message[0] ? err->message : awsv2_strerror(err->status));
    return awsv2_exit_code(err->status);
}

int cli_signing_open(const struct cli_common *c, long timeout_ms, struct cli_signing *out)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    const char *spec = awsv2_signer_spec_resolve(c->signer);
    unsigned flags = strcmp(spec, "openssl") == 0 ? 0 : AWSV2_CREDENTIALS_SECRET_OPTIONAL;
    memset(out, 0, sizeof *out);
    awsv2_status st = awsv2_credentials_load(&out->creds, c->profile, flags, &err);
    if (!st)
        st = awsv2_signer_open_timeout(&out->signer, spec, out->creds, timeout_ms, &err);
    /* --access-key-id names the key to use (on a device, which of its keys);
     * the openssl signer still signs with the chain's secret. */
    if (!st && c->access_key_id)
        snprintf(out->access_key_id, sizeof out->access_key_id, "%s", c->access_key_id);
    else if (!st)
        st = awsv2_signer_pick_key_id(out->signer, out->creds, out->access_key_id,
                                      sizeof out->access_key_id, &err);
    if (st) {
        cli_signing_close(out);
        return cli_fail(c, &err);
    }
    /* Once, so that a user sees what signs (the original firmware, say). */
    if (c->debug)
        fprintf(stderr, "%s: signer: %s\n", c->prog, awsv2_signer_describe(out->signer));
    return CLI_EXIT_OK;
}

void cli_signing_close(struct cli_signing *s)
{
    awsv2_signer_close(s->signer);
    awsv2_credentials_free(s->creds);
    memset(s, 0, sizeof *s);
}
