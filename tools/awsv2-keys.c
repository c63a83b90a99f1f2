/* awsv2-keys: manages the keys on an Arduino Due (or awsv2-due-emu) over
 * the due: backend's own link. The secret of `put` comes from standard
 * input or a credentials file, crosses the wire once in PUT-KEY, and is
 * wiped from memory right after. */
#include <stdio.h>
#include <string.h>

#include "awsv2/awsv2.h"
#include "cli.h"
#include "due_command.h"
#include "internal.h"
#include "keys_secret.h"

enum { OPT_FROM_CREDENTIALS = 1, OPT_PROFILE };

#define ID_MAX 128
#define REPLY_MAX 4096

static const char help[] =
    "Manages the access keys stored on a Due (never shows a secret).\n\n"
    "Commands:\n"
    "  list        the access key ids on the device, one a line\n"
    "  put ID      stores ID with its secret, read from standard input (no echo\n"
    "              on a terminal); refused if ID is stored already (delete first)\n"
    "  delete ID   removes ID\n"
    "  lock        refuses every later put for good (only a chip erase undoes it)\n\n"
    "Options:\n"
    "  --from-credentials FILE   put: take the key pair from a shared-credentials\n"
    "                            file instead (ID may then be left out)\n"
    "  --profile P               the profile of that file (default: default)\n";

struct keys_args {
    const char *command, *id, *from, *profile;
};

/* An id goes into a space-separated command: printable, no spaces. */
static bool plain_word(const char *s)
{
    for (; *s; s++)
        if (*s <= ' ' || *s > '~')
            return false;
    return true;
}

static int parse_args(struct cli_common *c, struct keys_args *a, int argc, char **argv)
{
    static const struct option options[] = {
        {"from-credentials", required_argument, NULL, OPT_FROM_CREDENTIALS},
        {"profile", required_argument, NULL, OPT_PROFILE},
        CLI_COMMON_LONG_OPTIONS,
        {0},
    };
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        int rc = cli_common_option(c, opt, optarg);
        if (rc == -1 && opt == OPT_FROM_CREDENTIALS)
            a->from = optarg;
        else if (rc == -1 && opt == OPT_PROFILE)
            a->profile = optarg;
        else if (rc != CLI_CONTINUE)
            return rc;
    }
    if (optind >= argc)
        return cli_usage_error(c, "no command given");
    a->command = argv[optind++];
    bool wants_id = !strcmp(a->command, "delete") || !strcmp(a->command, "put");
    if (!wants_id && strcmp(a->command, "list") && strcmp(a->command, "lock"))
        return cli_usage_error(c, "unknown command '%s'", a->command);
    if (optind < argc && wants_id)
        a->id = argv[optind++];
    if (optind < argc)
        return cli_usage_error(c, "too many arguments");
    if (wants_id && !a->id && !(a->from && !strcmp(a->command, "put")))
        return cli_usage_error(c, "%s needs an access key id", a->command);
    if (a->id && (!*a->id || !plain_word(a->id)))
        return cli_usage_error(c, "'%s' is not an access key id", a->id);
    if ((a->from || a->profile) && strcmp(a->command, "put"))
        return cli_usage_error(c, "--from-credentials and --profile go with put");
    if (a->profile && !a->from)
        return cli_usage_error(c, "--profile needs --from-credentials");
    return CLI_CONTINUE;
}

static int list(const struct cli_common *c, awsv2_signer *s)
{
    char ids[REPLY_MAX];
    awsv2_error err;
    if (awsv2_signer_key_ids(s, ids, sizeof ids, &err))
        return cli_fail(c, &err);
    for (char *id = strtok(ids, ","); id; id = strtok(NULL, ","))
        puts(id);
    return CLI_EXIT_OK;
}

/* Sends one command expecting "OK". */
static int command(const struct cli_common *c, awsv2_signer *s, const char *cmd,
                   const char *done)
{
    char reply[REPLY_MAX];
    awsv2_error err;
    awsv2_status st = awsv2__due_command(s, cmd, reply, sizeof reply, &err);
    if (!st && strcmp(reply, "OK") != 0)
        st = awsv2__fail(&err, AWSV2_E_PROTOCOL, "unexpected reply from the device");
    if (st)
        return cli_fail(c, &err);
    puts(done);
    return CLI_EXIT_OK;
}

static int put(const struct cli_common *c, awsv2_signer *s, const struct keys_args *a)
{
    char id[ID_MAX], secret[KEYS_SECRET_MAX], cmd[16 + ID_MAX + KEYS_SECRET_MAX], done[32 + ID_MAX];
    awsv2_error err;
    awsv2_status st = AWSV2_OK;
    snprintf(id, sizeof id, "%s", a->id ? a->id : "");
    if (a->from)
        st = keys_secret_from_file(a->from, a->profile, id, sizeof id, secret, sizeof secret,
                                   &err);
    else
        st = keys_secret_from_stdin(id, secret, sizeof secret, &err);
    if (!st && a->id && strcmp(a->id, id) != 0)
        st = awsv2__fail(&err, AWSV2_E_INVALID, "%s holds %s, not %s", a->from, id, a->id);
    if (!st && (!plain_word(secret) || !plain_word(id)))
        st = awsv2__fail(&err, AWSV2_E_INVALID, "a key id or secret with spaces or "
                                                "unprintable characters cannot be stored");
    int rc;
    if (st) {
        rc = cli_fail(c, &err);
    } else {
        snprintf(cmd, sizeof cmd, "PUT-KEY %s %s", id, secret);
        snprintf(done, sizeof done, "stored %s", id);
        rc = command(c, s, cmd, done);
    }
    awsv2__wipe(secret, sizeof secret);
    awsv2__wipe(cmd, sizeof cmd);
    return rc;
}

static int run(const struct cli_common *c, const struct keys_args *a)
{
    const char *spec = awsv2_signer_spec_resolve(c->signer);
    if (strncmp(spec, "due:", 4) != 0)
        return cli_usage_error(c, "keys live on a device: give --signer due:PATH (not '%s')",
                               spec);
    awsv2_signer *s = NULL;
    awsv2_error err;
    if (awsv2_signer_open(&s, spec, NULL, &err))
        return cli_fail(c, &err);
    char cmd[16 + ID_MAX], done[16 + ID_MAX];
    int rc;
    if (!strcmp(a->command, "list")) {
        rc = list(c, s);
    } else if (!strcmp(a->command, "put")) {
        rc = put(c, s, a);
    } else if (!strcmp(a->command, "delete")) {
        snprintf(cmd, sizeof cmd, "DELETE-KEY %s", a->id);
        snprintf(done, sizeof done, "deleted %s", a->id);
        rc = command(c, s, cmd, done);
    } else {
        rc = command(c, s, "LOCK", "locked");
    }
    awsv2_signer_close(s);
    return rc;
}

int main(int argc, char **argv)
{
    struct cli_common c = {
        .prog = "awsv2-keys",
        .usage = "awsv2-keys [options] (list | put [ID] | delete ID | lock)",
        .help = help,
    };
    struct keys_args a = {0};
    int rc = parse_args(&c, &a, argc, argv);
    return rc == CLI_CONTINUE ? run(&c, &a) : rc;
}
