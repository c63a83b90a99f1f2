/* awsv2-keys: manages the keys on an Arduino Due (or awsv2-due-emu) through
 * the public device-key calls of a due: signer. The secret of `put` comes
 * from standard input or a credentials file, crosses the wire once in
 * PUT-KEY, and is wiped from memory right after. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsv2/awsv2.h"
#include "cli.h"
#include "keys_secret.h"

enum {
    OPT_FROM_CREDENTIALS = 1,
    OPT_PROFILE,
    OPT_SINCE,
    OPT_CHAIN,
    OPT_VERIFY_FILE,
    OPT_ALLOW_SCOPED_KEY,
    OPT_POLICY_FIRST, /* the policy options, in policy_flags' order */
};

/* The put options that set a policy field: the flag and the device's field. */
static const struct {
    const char *flag, *field;
} policy_flags[] = {
    {"allow-action", "action"},   {"allow-host", "host"},       {"allow-region", "region"},
    {"allow-service", "service"}, {"allow-version", "version"}, {"allow-method", "method"},
    {"max-expires", "expires"},   {"rate", "rate"},
};

#define POLICY_FLAGS (sizeof policy_flags / sizeof policy_flags[0])

static const char help[] =
    "Manages the access keys stored on a Due (never shows a secret).\n\n"
    "Commands:\n"
    "  list        the access key ids on the device, one a line\n"
    "  put ID      stores ID with its secret, read from standard input (no echo\n"
    "              on a terminal); refused if ID is stored already (delete first)\n"
    "  delete ID   removes ID\n"
    "  lock        refuses every later put for good (only a chip erase undoes it)\n"
    "  policy ID   the policy stored with ID, one name=value a line (none: allows\n"
    "              everything)\n"
    "  audit       the device's audit records, one a line, checking their chain\n"
    "              (exit 1 when it is broken or records are missing)\n"
    "  audit-mode wrap|strict\n"
    "              overwrite the oldest unread record (wrap), or refuse to sign\n"
    "              rather than do so (strict)\n\n"
    "Options:\n"
    "  --from-credentials FILE   put: take the key pair from a shared-credentials\n"
    "                            file instead (ID may then be left out)\n"
    "  --profile P               the profile of that file (default: default)\n"
    "  put's policy (docs/policy.md; none given: the key may sign anything):\n"
    "  --allow-action A,...      only these Actions\n"
    "  --allow-host H,...        only these hosts (lower case, optionally :port)\n"
    "  --allow-region R,...      only these regions\n"
    "  --allow-service S,...     only these services\n"
    "  --allow-version 2|4|2,4   only these signature versions\n"
    "  --allow-method M,...      GET, POST or GET,POST\n"
    "  --max-expires SECONDS     signatures reach at most this far past the\n"
    "                            device's time (1 to 604800)\n"
    "  --rate N/s|N/min          at most N signatures a second (minute)\n"
    "  --allow-scoped-key        a key derived for one SigV4 scope may leave\n"
    "  audit's options:\n"
    "  --since SEQ               start at record SEQ (default 0)\n"
    "  --chain HEX               the chain value of record SEQ - 1, as the last\n"
    "                            audit printed it, to check continuity with it\n"
    "  --verify-file FILE        check the records of FILE (audit's output)\n"
    "                            instead of reading the device\n";

struct keys_args {
    const char *command, *id, *from, *profile;
    const char *since, *chain, *verify_file;
    awsv2_key_policy *policy; /* put: NULL when no policy option was given */
};

/* Sets one policy field from its option; a bad value is a usage error
 * naming the option and the field. */
static int policy_option(struct cli_common *c, struct keys_args *a, const char *flag,
                         const char *field, const char *value)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    if (!a->policy && awsv2_key_policy_new(&a->policy, &err))
        return cli_fail(c, &err);
    if (awsv2_key_policy_set(a->policy, field, value, &err))
        return cli_usage_error(c, "--%s: %s", flag, err.message);
    return CLI_CONTINUE;
}

static int parse_args(struct cli_common *c, struct keys_args *a, int argc, char **argv)
{
    struct option options[POLICY_FLAGS + 16] = {
        {"from-credentials", required_argument, NULL, OPT_FROM_CREDENTIALS},
        {"profile", required_argument, NULL, OPT_PROFILE},
        {"since", required_argument, NULL, OPT_SINCE},
        {"chain", required_argument, NULL, OPT_CHAIN},
        {"verify-file", required_argument, NULL, OPT_VERIFY_FILE},
        {"allow-scoped-key", no_argument, NULL, OPT_ALLOW_SCOPED_KEY},
        CLI_DEVICE_LONG_OPTIONS,
    };
    size_t n = 0;
    while (options[n].name)
        n++;
    for (size_t i = 0; i < POLICY_FLAGS; i++)
        options[n++] = (struct option){policy_flags[i].flag, required_argument, NULL,
                                       OPT_POLICY_FIRST + (int)i};
    int opt;
    bool any_policy = false;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        int rc = cli_common_option(c, opt, optarg);
        if (rc == -1 && opt == OPT_FROM_CREDENTIALS)
            a->from = optarg;
        else if (rc == -1 && opt == OPT_PROFILE)
            a->profile = optarg;
        else if (rc == -1 && opt == OPT_SINCE)
            a->since = optarg;
        else if (rc == -1 && opt == OPT_CHAIN)
            a->chain = optarg;
        else if (rc == -1 && opt == OPT_VERIFY_FILE)
            a->verify_file = optarg;
        else if (rc == -1 && opt == OPT_ALLOW_SCOPED_KEY) {
            any_policy = true;
            if ((rc = policy_option(c, a, "allow-scoped-key", "scoped-key", "1")) != CLI_CONTINUE)
                return rc;
        } else if (rc == -1 && opt >= OPT_POLICY_FIRST &&
                   opt < OPT_POLICY_FIRST + (int)POLICY_FLAGS) {
            size_t i = (size_t)(opt - OPT_POLICY_FIRST);
            any_policy = true;
            if ((rc = policy_option(c, a, policy_flags[i].flag, policy_flags[i].field,
                                    optarg)) != CLI_CONTINUE)
                return rc;
        } else if (rc != CLI_CONTINUE)
            return rc;
    }
    if (optind >= argc)
        return cli_usage_error(c, "no command given");
    a->command = argv[optind++];
    bool wants_id = !strcmp(a->command, "delete") || !strcmp(a->command, "put") ||
                    !strcmp(a->command, "policy");
    bool audit = !strcmp(a->command, "audit"), mode = !strcmp(a->command, "audit-mode");
    if (!wants_id && !audit && !mode && strcmp(a->command, "list") && strcmp(a->command, "lock"))
        return cli_usage_error(c, "unknown command '%s'", a->command);
    if (mode) {
        if (optind >= argc || (strcmp(argv[optind], "wrap") && strcmp(argv[optind], "strict")))
            return cli_usage_error(c, "audit-mode takes wrap or strict");
        a->id = argv[optind++];
    }
    if (any_policy && strcmp(a->command, "put"))
        return cli_usage_error(c, "the policy options go with put");
    if ((a->since || a->chain || a->verify_file) && !audit)
        return cli_usage_error(c, "--since, --chain and --verify-file go with audit");
    if (a->verify_file && (a->since || a->chain))
        return cli_usage_error(c, "--verify-file checks a whole file: no --since or --chain");
    if (a->chain && !a->since)
        return cli_usage_error(c, "--chain needs --since");
    if (optind < argc && wants_id)
        a->id = argv[optind++];
    if (optind < argc)
        return cli_usage_error(c, "too many arguments");
    if (wants_id && !a->id && !(a->from && !strcmp(a->command, "put")))
        return cli_usage_error(c, "%s needs an access key id", a->command);
    /* Not echoed: a secret pasted where the id goes must not reach a log. */
    if (a->id && !mode && !awsv2_key_id_is_valid(a->id))
        return cli_usage_error(c, "the ID given to %s is not an access key id: those are 1 to "
                                  "128 characters of A-Z and 0-9 (upper case)",
                               a->command);
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
    if (st == AWSV2_E_REFUSED && !strcmp(err->code, "key-exists") && id) {
        fprintf(stderr, "%s: %s: %s is stored already; to replace it, delete it first "
                        "(awsv2-keys delete %s), then put it again\n",
                c->prog, err->message, id, id);
        return awsv2_exit_code(st);
    }
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
        st = awsv2_signer_key_put_credentials(s, creds, a->policy, &err);
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
        st = awsv2_signer_key_put(s, a->id, secret, a->policy, &err);
    awsv2_wipe(secret, sizeof secret);
    return done(c, st, &err, "stored", a->id);
}

static int show_policy(const struct cli_common *c, awsv2_signer *s, const char *id)
{
    char text[AWSV2_KEY_POLICY_SIZE];
    awsv2_error err = AWSV2_ERROR_INIT;
    if (awsv2_signer_key_policy(s, id, text, sizeof text, &err))
        return cli_fail(c, &err);
    for (char *field = strtok(text, ";"); field; field = strtok(NULL, ";"))
        puts(field);
    return CLI_EXIT_OK;
}

/* ---- audit ----------------------------------------------------------------
 * Records are checked in the order read: each must carry the next number
 * and the chain that follows from the one before. A restart record (a power
 * cut) may jump ahead, but only from a chain value seen in this read. */

#define AUDIT_READS_MAX 4096

struct chain {
    bool known;                       /* chain holds the last record's value */
    uint8_t value[AWSV2_AUDIT_HASH_SIZE];
    bool numbered;                    /* next_seq is known */
    uint32_t next_seq;
    uint8_t (*seen)[AWSV2_AUDIT_HASH_SIZE]; /* every value checked, for restarts */
    size_t nseen;
    size_t records;
    bool broken;
};

static bool hex32(const char *s, size_t n, uint8_t out[AWSV2_AUDIT_HASH_SIZE])
{
    static const char digits[] = "0123456789abcdef";
    if (n != 2 * AWSV2_AUDIT_HASH_SIZE)
        return false;
    for (size_t i = 0; i < n; i++) {
        const char *d = s[i] ? strchr(digits, s[i]) : NULL;
        if (!d)
            return false;
        out[i / 2] = (uint8_t)((i % 2 ? out[i / 2] : 0) << 4 | (d - digits));
    }
    return true;
}

/* The n-th word from the end of line (0: the last). */
static bool word_from_end(const char *line, size_t len, int nth, const char **w, size_t *wlen)
{
    size_t end = len;
    for (;; nth--) {
        size_t start = end;
        while (start > 0 && line[start - 1] != ' ')
            start--;
        if (nth == 0) {
            *w = line + start;
            *wlen = end - start;
            return start > 0;
        }
        if (start == 0)
            return false;
        end = start - 1;
    }
}

static bool seen(const struct chain *ch, const uint8_t v[AWSV2_AUDIT_HASH_SIZE])
{
    for (size_t i = 0; i < ch->nseen; i++)
        if (!memcmp(ch->seen[i], v, AWSV2_AUDIT_HASH_SIZE))
            return true;
    return false;
}

static void remember(struct chain *ch, const uint8_t v[AWSV2_AUDIT_HASH_SIZE])
{
    void *more = realloc(ch->seen, (ch->nseen + 1) * sizeof *ch->seen);
    if (!more) {
        ch->broken = true; /* cannot check a later restart: say so rather than guess */
        fprintf(stderr, "awsv2-keys: out of memory\n");
        return;
    }
    ch->seen = more;
    memcpy(ch->seen[ch->nseen++], v, AWSV2_AUDIT_HASH_SIZE);
    memcpy(ch->value, v, AWSV2_AUDIT_HASH_SIZE);
    ch->known = true;
}

__attribute__((format(printf, 2, 3))) static void broken(struct chain *ch, const char *fmt,
                                                         ...)
{
    va_list ap;
    ch->broken = true;
    fprintf(stderr, "awsv2-keys: audit chain broken: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* Checks one "AUDIT <record> <chain>" line. */
static void check_record(struct chain *ch, const char *line, size_t len)
{
    static const uint8_t zero[AWSV2_AUDIT_HASH_SIZE];
    awsv2_error err = AWSV2_ERROR_INIT;
    uint8_t next[AWSV2_AUDIT_HASH_SIZE], saved[AWSV2_AUDIT_HASH_SIZE];
    uint32_t seq = 0;
    int restart = 0;
    const char *w;
    size_t wlen;
    if (awsv2_audit_verify(ch->known ? ch->value : zero, line, len, &seq, &restart, next, &err)) {
        /* With no value known before it, the first record read is taken as
         * it says: later ones are checked against it. */
        if (ch->known || !word_from_end(line, len, 0, &w, &wlen) || !hex32(w, wlen, next) ||
            sscanf(line, "AUDIT %" SCNu32, &seq) != 1) {
            broken(ch, "'%.*s' does not follow the chain value before it", (int)len, line);
            return;
        }
    }
    if (restart) {
        if (!word_from_end(line, len, 1, &w, &wlen) || !hex32(w, wlen, saved))
            broken(ch, "record %" PRIu32 ": unreadable restart record", seq);
        else if (ch->known && !seen(ch, saved))
            broken(ch, "record %" PRIu32 " restarts from a chain value this read has not seen",
                   seq);
        else if (ch->numbered && seq < ch->next_seq)
            broken(ch, "record %" PRIu32 " goes back", seq);
    } else if (ch->numbered && seq != ch->next_seq)
        broken(ch, "record %" PRIu32 " follows record %" PRIu32 ": records are missing or "
                   "out of order", seq, ch->next_seq - 1);
    ch->numbered = true;
    ch->next_seq = seq + 1;
    ch->records++;
    remember(ch, next);
}

static void hex_print(FILE *f, const uint8_t v[AWSV2_AUDIT_HASH_SIZE])
{
    for (size_t i = 0; i < AWSV2_AUDIT_HASH_SIZE; i++)
        fprintf(f, "%02x", v[i]);
}

/* The outcome of a read or a file: 0 when every record followed, else 1. */
static int chain_done(struct chain *ch)
{
    if (!ch->broken) {
        fprintf(stderr, "awsv2-keys: %zu audit records, chain verified", ch->records);
        if (ch->numbered && ch->known) {
            fprintf(stderr, "; next: --since %" PRIu32 " --chain ", ch->next_seq);
            hex_print(stderr, ch->value);
        }
        fputc('\n', stderr);
    }
    free(ch->seen);
    return ch->broken ? CLI_EXIT_SERVICE : CLI_EXIT_OK;
}

/* Starts a chain at record since, whose predecessor's value is chain_hex
 * (NULL: 32 zero bytes before record 0, else unknown). */
static int chain_start(const struct cli_common *c, struct chain *ch, uint32_t since,
                       const char *chain_hex)
{
    memset(ch, 0, sizeof *ch);
    uint8_t v[AWSV2_AUDIT_HASH_SIZE] = {0};
    if (chain_hex && !hex32(chain_hex, strlen(chain_hex), v))
        return cli_usage_error(c, "--chain takes 64 lower-case hex digits");
    if (chain_hex || since == 0)
        remember(ch, v);
    ch->numbered = true;
    ch->next_seq = since;
    return CLI_CONTINUE;
}

static int audit(const struct cli_common *c, awsv2_signer *s, const struct keys_args *a)
{
    char *end = NULL;
    unsigned long long since = 0;
    if (a->since) {
        errno = 0;
        since = strtoull(a->since, &end, 10);
        if (!*a->since || *end || errno || since > UINT32_MAX || a->since[0] == '-')
            return cli_usage_error(c, "--since takes a record number, not '%s'", a->since);
    }
    struct chain ch;
    int rc = chain_start(c, &ch, (uint32_t)since, a->chain);
    if (rc != CLI_CONTINUE)
        return rc;
    uint32_t seq = (uint32_t)since;
    awsv2_audit_entry e = AWSV2_AUDIT_ENTRY_INIT;
    awsv2_error err = AWSV2_ERROR_INIT;
    /* The device holds 16 records: a device that never reaches the end is
     * not telling the truth. */
    for (unsigned reads = 0;; reads++) {
        if (reads == AUDIT_READS_MAX) {
            free(ch.seen);
            return cli_fail(c, &(awsv2_error){.status = AWSV2_E_PROTOCOL,
                                              .message = "the device's log does not end"});
        }
        if (awsv2_signer_audit_read(s, seq, &e, &err)) {
            free(ch.seen);
            return cli_fail(c, &err);
        }
        size_t len = strlen(e.line);
        if (e.kind == AWSV2_AUDIT_END) {
            const char *w;
            size_t wlen;
            uint8_t v[AWSV2_AUDIT_HASH_SIZE];
            if (!word_from_end(e.line, len, 0, &w, &wlen) || !hex32(w, wlen, v) ||
                (ch.known && memcmp(v, ch.value, sizeof v)))
                broken(&ch, "the device's chain value after record %" PRIu32
                            " is not the one its records give", seq ? seq - 1 : 0);
            else if (!ch.known)
                remember(&ch, v);
            break;
        }
        if (e.kind == AWSV2_AUDIT_GAP) {
            if (e.seq <= seq) {
                free(ch.seen);
                return cli_fail(c, &(awsv2_error){.status = AWSV2_E_PROTOCOL,
                                                  .message = "the device's log went back"});
            }
            broken(&ch, "records %" PRIu32 " to %" PRIu32 " are no longer on the device", seq,
                   e.seq - 1);
            memset(&ch.value, 0, sizeof ch.value);
            ch.known = false; /* go on from the oldest held, unanchored */
            ch.numbered = false;
            seq = e.seq;
            continue;
        }
        printf("%s\n", e.line + strlen("AUDIT "));
        check_record(&ch, e.line, len);
        seq = e.seq + 1;
    }
    return chain_done(&ch);
}

/* Checks a file of audit's output, as a collector that kept it would. */
static int verify_file(const struct cli_common *c, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "%s: %s: %s\n", c->prog, path, strerror(errno));
        return CLI_EXIT_USAGE;
    }
    struct chain ch;
    chain_start(c, &ch, 0, NULL);
    ch.numbered = false; /* the file may start anywhere: the first record says */
    char line[AWSV2_AUDIT_LINE_SIZE + 8] = "AUDIT ";
    size_t prefix = strlen(line);
    unsigned long first_seq = 0;
    while (fgets(line + prefix, (int)(sizeof line - prefix), f)) {
        size_t len = strlen(line);
        if (len && line[len - 1] == '\n')
            line[--len] = '\0';
        if (ch.records == 0 && sscanf(line, "AUDIT %lu", &first_seq) == 1 && first_seq != 0) {
            /* Not from record 0: its predecessor's value is unknown. */
            free(ch.seen);
            memset(&ch, 0, sizeof ch);
        }
        check_record(&ch, line, len);
    }
    bool failed = ferror(f);
    fclose(f);
    if (failed) {
        fprintf(stderr, "%s: %s: read error\n", c->prog, path);
        free(ch.seen);
        return CLI_EXIT_USAGE;
    }
    return chain_done(&ch);
}

static int run(const struct cli_common *c, const struct keys_args *a)
{
    if (a->verify_file)
        return verify_file(c, a->verify_file);
    const char *spec = awsv2_signer_spec_resolve(c->signer);
    /* http(s): a daemon's admin listener (docs/daemon-api.md); pkcs11: a
     * token (docs/pkcs11.md) */
    if (strncmp(spec, "due:", 4) != 0 && strncmp(spec, "http:", 5) != 0 &&
        strncmp(spec, "https:", 6) != 0 && strncmp(spec, "pkcs11:", 7) != 0)
        return cli_usage_error(c, "keys live on a device: give --signer due:PATH, a "
                                  "daemon's admin URL or pkcs11:URI (not '%s')",
                               spec);
    awsv2_signer *s = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    if (awsv2_signer_open(&s, spec, NULL, &err))
        return cli_fail(c, &err);
    if (c->debug)
        fprintf(stderr, "%s: signer: %s\n", c->prog, awsv2_signer_describe(s));
    int rc;
    if (!strcmp(a->command, "list"))
        rc = list(c, s);
    else if (!strcmp(a->command, "put"))
        rc = put(c, s, a);
    else if (!strcmp(a->command, "policy"))
        rc = show_policy(c, s, a->id);
    else if (!strcmp(a->command, "audit"))
        rc = audit(c, s, a);
    else if (!strcmp(a->command, "audit-mode"))
        rc = done(c, awsv2_signer_audit_mode(s, a->id, &err), &err, "audit mode", a->id);
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
        .usage = "awsv2-keys [options] (list | put [ID] | delete ID | lock | policy ID | audit "
                 "| audit-mode wrap|strict)",
        .help = help,
        .common_help = cli_device_help,
    };
    struct keys_args a = {0};
    int rc = parse_args(&c, &a, argc, argv);
    if (rc == CLI_CONTINUE)
        rc = run(&c, &a);
    awsv2_key_policy_free(a.policy);
    return rc;
}
