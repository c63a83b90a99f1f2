/* ec2-describe-instances: lists EC2 instances, following NextToken to the
 * end (docs/programs.md, "ec2-describe-instances"). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "awsv2/ec2.h"
#include "cli.h"
#include "client_open.h"
#include "filters.h"
#include "output.h"

enum { OPT_PAGE_SIZE = EXAMPLE_OPT_OWN };

static const char usage[] =
    "ec2-describe-instances [--filter Name=N,Values=V1,V2]... [--instance-id ID]... "
    "[--output text|json] [OPTION]...";

static const char help[] =
    "List EC2 instances (DescribeInstances, every page).\n"
    "\n"
    "  -f, --filter Name=N,Values=V1,V2  only instances matching (repeatable)\n"
    "  -i, --instance-id ID         only this instance (repeatable)\n"
    "  -o, --output text|json       text (default): one instance a line,\n"
    "                               \"reservationId instanceId instanceType stateName\"\n"
    "      --page-size N            instances per request (MaxResults, 5..1000)\n" EXAMPLE_TIMEOUT_HELP
    CLI_SIGNATURE_VERSION_HELP CLI_SIGNATURE_METHOD_HELP CLI_PROFILE_HELP;

static const struct option long_options[] = {
    {"filter", required_argument, NULL, 'f'},
    {"instance-id", required_argument, NULL, 'i'},
    {"output", required_argument, NULL, 'o'},
    {"page-size", required_argument, NULL, OPT_PAGE_SIZE},
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
    struct filters filters;
    int json;
    int page_size;
};

static int own_option(void *ctx, int opt, const char *arg)
{
    struct args *a = ctx;
    const char *why = NULL;
    switch (opt) {
    case 'f':
        why = filters_add(&a->filters, arg);
        break;
    case 'i':
        why = filters_add_instance_id(&a->filters, arg);
        break;
    case 'o':
        if (strcmp(arg, "text") != 0 && strcmp(arg, "json") != 0)
            why = "--output is text or json";
        a->json = strcmp(arg, "json") == 0;
        break;
    case OPT_PAGE_SIZE:
        if (!example_int_arg(arg, 5, 1000, &a->page_size))
            why = "--page-size is a number from 5 to 1000";
        break;
    default:
        return cli_usage_error(&a->common, "unknown option");
    }
    return why ? cli_usage_error(&a->common, "%s: %s", arg, why) : CLI_CONTINUE;
}

static int parse(struct args *a, int argc, char **argv)
{
    int rc = example_parse_options(&a->common, &a->timeouts, argc, argv, "f:i:o:", long_options,
                                   own_option, a);
    if (rc != CLI_CONTINUE)
        return rc;
    if (optind < argc)
        return cli_usage_error(&a->common, "unexpected argument: %s", argv[optind]);
    return CLI_CONTINUE;
}

static int run(void *ctx, awsv2_client *client)
{
    struct args *a = ctx;
    awsv2_ec2_describe_instances_input in = AWSV2_EC2_DESCRIBE_INSTANCES_INPUT_INIT;
    in.filters = a->filters.filters;
    in.n_filters = a->filters.n_filters;
    in.instance_ids = a->filters.instance_ids;
    in.n_instance_ids = a->filters.n_instance_ids;
    in.max_results = a->page_size;
    awsv2_ec2_instances *result;
    awsv2_error err = AWSV2_ERROR_INIT;
    if (awsv2_ec2_describe_instances_all(client, &in, &result, &err))
        return cli_fail(&a->common, &err);
    int rc = a->json ? output_json(stdout, result) : output_text(stdout, result);
    awsv2_ec2_instances_free(result);
    if (rc || fflush(stdout)) {
        fprintf(stderr, "%s: cannot write the output: %s\n", a->common.prog, strerror(errno));
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
    struct args a = {.common = {.prog = "ec2-describe-instances", .usage = usage, .help = help}};
    int rc = parse(&a, argc, argv);
    if (rc == CLI_CONTINUE)
        rc = example_with_client(&a.common, "ec2", AWSV2_GET, &a.timeouts, run, &a);
    filters_free(&a.filters);
    return rc;
}
