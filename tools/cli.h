/* What every program of libawsv2 shares: the common options of
 * docs/programs.md (--help --version --signer --debug, and for the
 * programs that sign requests --region --endpoint --access-key-id, with
 * --signature-version, --signature-method and --profile where a program
 * adds them), opening the signer they name, and reporting
 * failures with the right exit status. Linked into the programs from
 * libawsv2_cli.la; not installed. Written on the public API only, as a
 * third party's program would be. For a program's main thread: nothing
 * here is thread-safe. */
#ifndef AWSV2_TOOLS_CLI_H
#define AWSV2_TOOLS_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "awsv2/credentials.h"
#include "awsv2/signer.h"

/* Exit statuses of docs/programs.md (awsv2_exit_code maps a status). */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_SERVICE = 1,
    CLI_EXIT_USAGE = 2,
    CLI_EXIT_SIGNER = 3,
    CLI_EXIT_NETWORK = 4,
};

/* getopt_long values of the common options; a program's own options use
 * single characters or values below CLI_OPT_BASE. */
enum {
    CLI_OPT_BASE = 0x1000,
    CLI_OPT_HELP,
    CLI_OPT_VERSION,
    CLI_OPT_SIGNER,
    CLI_OPT_REGION,
    CLI_OPT_ENDPOINT,
    CLI_OPT_ACCESS_KEY_ID,
    CLI_OPT_DEBUG,
    CLI_OPT_SIGNATURE_VERSION,
    CLI_OPT_PROFILE,
    CLI_OPT_SIGNATURE_METHOD,
};

/* Append to a program's struct option array (before its {0} terminator):
 * the options of a program that talks to a signer only (awsv2-keys), with
 * cli_device_help as its help text, or those of one that signs requests. */
#define CLI_DEVICE_LONG_OPTIONS                                              \
    {"help", no_argument, NULL, CLI_OPT_HELP},                               \
    {"version", no_argument, NULL, CLI_OPT_VERSION},                         \
    {"signer", required_argument, NULL, CLI_OPT_SIGNER},                     \
    {"debug", no_argument, NULL, CLI_OPT_DEBUG}
#define CLI_COMMON_LONG_OPTIONS                                              \
    CLI_DEVICE_LONG_OPTIONS,                                                 \
    {"region", required_argument, NULL, CLI_OPT_REGION},                     \
    {"endpoint", required_argument, NULL, CLI_OPT_ENDPOINT},                 \
    {"access-key-id", required_argument, NULL, CLI_OPT_ACCESS_KEY_ID}

/* --signature-version, for the programs that sign requests (put it
 * before CLI_COMMON_LONG_OPTIONS); its help line below. */
#define CLI_SIGNATURE_VERSION_OPTION \
    {"signature-version", required_argument, NULL, CLI_OPT_SIGNATURE_VERSION}
#define CLI_SIGNATURE_VERSION_HELP                                                     \
    "      --signature-version V    2, 4 or auto (default: $AWSV2_SIGNATURE_VERSION,\n" \
    "                               else auto: 2 for EC2 in the regions that still\n"   \
    "                               take SigV2 and for a custom endpoint, else 4)\n"

/* --signature-method, for the programs that sign SigV2 requests (put it
 * before CLI_COMMON_LONG_OPTIONS); its help line below. */
#define CLI_SIGNATURE_METHOD_OPTION \
    {"signature-method", required_argument, NULL, CLI_OPT_SIGNATURE_METHOD}
#define CLI_SIGNATURE_METHOD_HELP                                                         \
    "      --signature-method M     SigV2's HmacSHA256 or HmacSHA1 (default: what the\n"     \
    "                               signer computes, HmacSHA256 unless it is a Due with\n"  \
    "                               the original firmware); SigV4 is HMAC-SHA256 only\n"

/* --profile, for the programs that read the AWS CLI's configuration (put
 * it before CLI_COMMON_LONG_OPTIONS); its help line below. */
#define CLI_PROFILE_OPTION {"profile", required_argument, NULL, CLI_OPT_PROFILE}
#define CLI_PROFILE_HELP                                                                  \
    "      --profile NAME           the AWS CLI profile for credentials, region, endpoint\n" \
    "                               and retries (default: $AWS_PROFILE, else default)\n"

/* The common options' help text, to print after a program's own; that of
 * CLI_DEVICE_LONG_OPTIONS. */
extern const char cli_common_help[];
extern const char cli_device_help[];

struct cli_common {
    const char *prog;          /* program name for messages */
    const char *usage;         /* one-line usage, printed on usage errors */
    const char *help;          /* the program's own --help text */
    const char *common_help;   /* NULL: cli_common_help */
    const char *signer;        /* --signer, or NULL */
    const char *region;        /* --region, or NULL */
    const char *endpoint;      /* --endpoint, or NULL */
    const char *access_key_id; /* --access-key-id, or NULL */
    bool debug;                /* --debug: string to sign to stderr */
    /* --signature-version as given (already checked), or NULL: for
     * awsv2_signature_version_resolve. */
    const char *signature_version;
    /* --profile, or NULL (AWS_PROFILE, else "default"). */
    const char *profile;
    /* --signature-method as given (already checked: then hash holds it), or
     * NULL: the signer's choice (awsv2_signer_default_hash). */
    const char *signature_method;
    awsv2_hash hash;
};

/* Handles one common option returned by getopt_long. Returns -1 if opt is
 * not a common option, else an exit status to exit with now (0 after --help
 * or --version) or CLI_CONTINUE to go on parsing. '?' (getopt's error) is a
 * usage error. */
#define CLI_CONTINUE (-2)
int cli_common_option(struct cli_common *c, int opt, const char *arg);

/* Prints "prog: message" and the usage line to stderr; returns
 * CLI_EXIT_USAGE. */
int cli_usage_error(const struct cli_common *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints "prog: err->message" to stderr and returns awsv2_exit_code. */
int cli_fail(const struct cli_common *c, const awsv2_error *err);

/* What a program needs to sign: the signer named by --signer (or
 * AWSV2_SIGNER), the credentials (a secret only when the signer is
 * "openssl"), and the access key id to put into requests (--access-key-id,
 * else the credentials', else the signer's single key). */
struct cli_signing {
    awsv2_signer *signer;
    awsv2_credentials *creds;
    char access_key_id[AWSV2_KEY_ID_SIZE];
};

/* Opens all of it; on failure prints the error and returns its exit status
 * (with everything released). timeout_ms (> 0: a program's --timeout)
 * bounds each signing call of a device or daemon signer whose spec names
 * no timeout_ms (awsv2_signer_open_timeout). Returns CLI_EXIT_OK on
 * success; *out then owns the signer and the credentials until
 * cli_signing_close. */
int cli_signing_open(const struct cli_common *c, long timeout_ms, struct cli_signing *out);
void cli_signing_close(struct cli_signing *s);

#endif
