/* sqs-send: sends one message to an SQS queue and prints its MessageId
 * (docs/programs.md). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attributes.h"
#include "awsv2/sqs.h"
#include "cli.h"
#include "client_open.h"

enum { OPT_QUEUE_URL = EXAMPLE_OPT_OWN, OPT_DELAY, OPT_ATTRIBUTE, OPT_STRIP_NEWLINE };

static const char usage[] =
    "sqs-send --queue-url URL [--delay-seconds N] [--attribute Name=String:Value]... "
    "[OPTION]... (MESSAGE | -)";

static const char help[] =
    "Send MESSAGE (or standard input, for -) to an SQS queue and print its MessageId.\n"
    "Standard input is sent byte for byte, with the newline that `echo` or a file\n"
    "ends it with; --strip-newline leaves that one out. An empty message is\n"
    "refused (SQS takes none). The MD5s SQS reports are checked; a mismatch exits\n"
    "with status 1.\n"
    "\n"
    "      --queue-url URL          the queue (required)\n"
    "      --strip-newline          with -: drop one newline (\\n) ending the input\n"
    "      --delay-seconds N        deliver after N seconds (0..900)\n"
    "      --attribute Name=Type:Value  a message attribute (repeatable); Type is\n"
    "                               String, Number or Binary (Value in base64)\n" EXAMPLE_TIMEOUT_HELP
    CLI_SIGNATURE_VERSION_HELP CLI_SIGNATURE_METHOD_HELP CLI_PROFILE_HELP;

static const struct option long_options[] = {
    {"queue-url", required_argument, NULL, OPT_QUEUE_URL},
    {"delay-seconds", required_argument, NULL, OPT_DELAY},
    {"attribute", required_argument, NULL, OPT_ATTRIBUTE},
    {"strip-newline", no_argument, NULL, OPT_STRIP_NEWLINE},
    EXAMPLE_TIMEOUT_LONG_OPTIONS,
    CLI_SIGNATURE_VERSION_OPTION,
    CLI_SIGNATURE_METHOD_OPTION,
    CLI_PROFILE_OPTION,
    CLI_COMMON_LONG_OPTIONS,
    {0},
};

struct args {
    struct cli_common common;
    struct example_timeouts timeouts;
    struct attributes attributes;
    const char *queue_url;
    int delay;
    const char *message; /* NULL: standard input */
    bool strip_newline;
};

static int own_option(void *ctx, int opt, const char *arg)
{
    struct args *a = ctx;
    const char *why = NULL;
    switch (opt) {
    case OPT_QUEUE_URL:
        a->queue_url = arg;
        break;
    case OPT_DELAY:
        if (!example_int_arg(arg, 0, 900, &a->delay))
            why = "--delay-seconds is a number from 0 to 900";
        break;
    case OPT_ATTRIBUTE:
        why = attributes_add(&a->attributes, arg);
        break;
    case OPT_STRIP_NEWLINE:
        a->strip_newline = true;
        break;
    default:
        return cli_usage_error(&a->common, "unknown option");
    }
    return why ? cli_usage_error(&a->common, "%s: %s", arg, why) : CLI_CONTINUE;
}

static int parse(struct args *a, int argc, char **argv)
{
    int rc = example_parse_options(&a->common, &a->timeouts, argc, argv, "", long_options,
                                   own_option, a);
    if (rc != CLI_CONTINUE)
        return rc;
    if (!a->queue_url)
        return cli_usage_error(&a->common, "--queue-url is required");
    if (argc - optind != 1)
        return cli_usage_error(&a->common, "give one MESSAGE, or - to read standard input");
    if (strcmp(argv[optind], "-") != 0)
        a->message = argv[optind];
    if (a->message && a->strip_newline)
        return cli_usage_error(&a->common, "--strip-newline is for a message read from "
                                           "standard input (-)");
    if (a->message && !*a->message)
        return cli_usage_error(&a->common, "the message is empty: SQS takes none");
    return CLI_CONTINUE;
}

/* Reads all of standard input, refusing more than SQS takes and NULs. */
static int read_stdin(const struct args *a, char **out)
{
    size_t cap = AWSV2_SQS_MESSAGE_MAX + 2, len = 0, n;
    char *buf = malloc(cap);
    if (!buf)
        return cli_usage_error(&a->common, "out of memory");
    while (len < cap - 1 && (n = fread(buf + len, 1, cap - 1 - len, stdin)) > 0)
        len += n;
    if (ferror(stdin) || len > AWSV2_SQS_MESSAGE_MAX || memchr(buf, '\0', len)) {
        free(buf);
        return cli_usage_error(&a->common, "standard input is %s",
                               ferror(stdin) ? "unreadable"
                               : len > AWSV2_SQS_MESSAGE_MAX ? "larger than SQS's 262144 bytes"
                                                             : "not text (it holds a NUL byte)");
    }
    if (a->strip_newline && len && buf[len - 1] == '\n')
        len--;
    buf[len] = '\0';
    if (len == 0) {
        free(buf);
        return cli_usage_error(&a->common, "standard input is empty%s: SQS takes no empty "
                                           "message",
                               a->strip_newline ? " but for its newline" : "");
    }
    *out = buf;
    return CLI_EXIT_OK;
}

static int send(void *ctx, awsv2_client *client)
{
    struct args *a = ctx;
    awsv2_sqs_send_input in = AWSV2_SQS_SEND_INPUT_INIT;
    in.queue_url = a->queue_url;
    in.body = a->message;
    in.delay_seconds = a->delay;
    in.attributes = a->attributes.list;
    in.n_attributes = a->attributes.n;
    awsv2_sqs_send_result result = AWSV2_SQS_SEND_RESULT_INIT;
    awsv2_error err = AWSV2_ERROR_INIT;
    if (awsv2_sqs_send_message(client, &in, &result, &err))
        return cli_fail(&a->common, &err);
    printf("%s\n", result.message_id);
    return fflush(stdout) ? CLI_EXIT_USAGE : CLI_EXIT_OK;
}

static int run(struct args *a)
{
    char *input = NULL;
    int rc = a->message ? CLI_EXIT_OK : read_stdin(a, &input);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (input)
        a->message = input;
    rc = example_with_client(&a->common, "sqs", AWSV2_POST, &a->timeouts, send, a);
    free(input);
    return rc;
}

int main(int argc, char **argv)
{
    struct args a = {.common = {.prog = "sqs-send", .usage = usage, .help = help}};
    int rc = parse(&a, argc, argv);
    if (rc == CLI_CONTINUE)
        rc = run(&a);
    attributes_free(&a.attributes);
    return rc;
}
