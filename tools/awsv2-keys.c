/* awsv2-keys: manages the keys on an Arduino Due (or awsv2-due-emu) through
 * the public device-key calls of a due: signer. The secret of `put` comes
 * from standard input or a credentials file, crosses the wire once in
 * PUT-KEY, and is wiped from memory right after. */
#include <stdio.h>
#include <string.h>

#include "awsv2/awsv2.h"
#include "cli.h"
#include "keys_secret.h"

enum { OPT_FROM_CREDENTIALS = 1, OPT_PROFILE };

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

/* A usage error before the device is opened: an id is one word of
 * printable ASCII (the library checks its alphabet). */
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
    char ids[AWSV2_KEY_IDS_SIZE];
    awsv2_error err = AWSV2_ERROR_INIT;
    if (awsv2_signer_key_ids(s, ids, sizeof ids, &err))
        return cli_fail(c, &err);
    for (char *id = strtok(ids, ","); id; id = strtok(NULL, ","))
        puts(id);
    return CLI_EXIT_OK;
}

/* Reports the outcome of a key operation. */
static int done(const struct cli_common *c, awsv2_status st, const awsv2_error *err,
                const char *what, const char *id)
{
    if (st)
        return cli_fail(c, err);
    printf("%s%s%s\n", what, id ? " " : "", id ? id : "");
    return CLI_EXIT_OK;
}

/* The key pair goes from the file to the device inside the library: the
 * secret never passes through this program. */
static int put_from_file(const struct cli_common *c, awsv2_signer *s, const struct keys_args *a)
{
    awsv2_credentials *creds = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    awsv2_status st = awsv2_credentials_load_file(&creds, a->from, a->profile, &err);
    const char *id = creds ? awsv2_credentials_access_key_id(creds) : NULL;
    if (!st && (!id || !awsv2_credentials_has_secret(creds)))
        st = awsv2_error_set(&err, AWSV2_E_CREDENTIALS, NULL, "profile [%s] of %s has no key pair",
                             a->profile ? a->profile : "default", a->from);
    else if (!st && a->id && strcmp(a->id, id) != 0)
        st = awsv2_error_set(&err, AWSV2_E_INVALID, NULL, "%s holds %s, not %s", a->from, id,
                             a->id);
    if (!st)
        st = awsv2_signer_key_put_credentials(s, creds, NULL, &err);
    int rc = done(c, st, &err, "stored", id);
    awsv2_credentials_free(creds);
    return rc;
}

static int put(const struct cli_common *c, awsv2_signer *s, const struct keys_args *a)
{
    char secret[KEYS_SECRET_MAX];
    awsv2_error err = AWSV2_ERROR_INIT;
    if (a->from)
        return put_from_file(c, s, a);
    awsv2_status st = keys_secret_from_stdin(a->id, secret, sizeof secret, &err);
    if (!st)
        st = awsv2_signer_key_put(s, a->id, secret, NULL, &err);
    awsv2_wipe(secret, sizeof secret);
    return done(c, st, &err, "stored", a->id);
}

static int run(const struct cli_common *c, const struct keys_args *a)
{
    const char *spec = awsv2_signer_spec_resolve(c->signer);
    if (strncmp(spec, "due:", 4) != 0)
        return cli_usage_error(c, "keys live on a device: give --signer due:PATH (not '%s')",
                               spec);
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    if (awsv2_signer_open(&s, spec, NULL, &err))
        return cli_fail(c, &err);
    int rc;
    if (!strcmp(a->command, "list"))
        rc = list(c, s);
    else if (!strcmp(a->command, "put"))
        rc = put(c, s, a);
    else if (!strcmp(a->command, "delete"))
        rc = done(c, awsv2_signer_key_delete(s, a->id, &err), &err, "deleted", a->id);
    else
        rc = done(c, awsv2_signer_lock(s, &err), &err, "locked", NULL);
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
