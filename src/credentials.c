/* Credentials: explicit, from the environment, or from a profile of the
 * AWS CLI's files (keys, or credential_process). The secret is wiped when
 * freed. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "awsv2/credentials.h"
#include "ini.h"
#include "internal.h"
#include "credential_process.h"
#include "credentials_impl.h"
#include "profile.h"

struct awsv2_credentials {
    char *key_id;
    char *secret;
    char *token;
    time_t expiration; /* 0: none */
};

void awsv2_credentials_free(awsv2_credentials *c)
{
    if (!c)
        return;
    free(c->key_id);
    awsv2__free_secret(c->secret);
    awsv2__free_secret(c->token);
    free(c);
}

awsv2_status awsv2_credentials_new(awsv2_credentials **out, const char *key_id,
                                   const char *secret, const char *token, awsv2_error *err)
{
    *out = NULL;
    if ((!key_id || !*key_id) && secret)
        return awsv2__fail(err, AWSV2_E_CREDENTIALS, "a secret key without an access key id");
    awsv2_credentials *c = calloc(1, sizeof *c);
    if (!c)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    c->key_id = key_id && *key_id ? strdup(key_id) : NULL;
    c->secret = secret && *secret ? strdup(secret) : NULL;
    c->token = token && *token ? strdup(token) : NULL;
    if ((key_id && *key_id && !c->key_id) || (secret && *secret && !c->secret) ||
        (token && *token && !c->token)) {
        awsv2_credentials_free(c);
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    }
    *out = c;
    return AWSV2_OK;
}

const char *awsv2_credentials_access_key_id(const awsv2_credentials *c) { return c->key_id; }
const char *awsv2_credentials_session_token(const awsv2_credentials *c) { return c->token; }
bool awsv2_credentials_has_secret(const awsv2_credentials *c) { return c->secret != NULL; }
const char *awsv2__credentials_secret(const awsv2_credentials *c) { return c->secret; }

struct profile_reader {
    const char *profile;
    int seen;          /* the profile's section exists */
    char *values[3];   /* key id, secret, token */
    const char *empty; /* the first of them set to nothing, at line empty_line */
    int empty_line;
    int nomem;
};

static const char *const profile_keys[3] = {
    "aws_access_key_id", "aws_secret_access_key", "aws_session_token",
};

static int take_profile_value(void *ctx, const char *section, const char *key,
                              const char *value, int line)
{
    struct profile_reader *r = ctx;
    if (strcmp(section, r->profile) != 0)
        return 0;
    r->seen = 1;
    for (int i = 0; i < 3; i++)
        if (strcmp(key, profile_keys[i]) == 0) {
            /* "aws_access_key_id =" is a mistake, not a way to say "none":
             * taken as absent it would load credentials without a key. */
            if (!*value) {
                r->empty = profile_keys[i];
                r->empty_line = line;
                return 1;
            }
            awsv2__free_secret(r->values[i]);
            r->values[i] = strdup(value);
            if (!r->values[i]) {
                r->nomem = 1;
                return 1;
            }
        }
    return 0;
}

static void reader_free(struct profile_reader *r)
{
    for (int i = 0; i < 3; i++)
        awsv2__free_secret(r->values[i]);
}

/* Reads profile from path; *found tells whether the file exists. */
static awsv2_status read_profile(const char *path, struct profile_reader *r, bool *found,
                                 awsv2_error *err)
{
    awsv2_status st = awsv2__ini_parse(path, take_profile_value, r, found, err);
    if (!st && r->nomem)
        st = awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    if (!st && r->empty)
        st = awsv2__fail(err, AWSV2_E_CONFIG, "%s:%d: %s in profile [%s] has no value", path,
                         r->empty_line, r->empty, r->profile);
    if (!st && r->seen && r->values[1] && !r->values[0])
        st = awsv2__fail(err, AWSV2_E_CONFIG,
                         "%s: profile [%s] has aws_secret_access_key but no aws_access_key_id",
                         path, r->profile);
    return st;
}

awsv2_status awsv2_credentials_load_file(awsv2_credentials **out, const char *path,
                                         const char *profile, awsv2_error *err)
{
    struct profile_reader r = {.profile = profile ? profile : "default"};
    bool found;
    *out = NULL;
    awsv2_status st = read_profile(path, &r, &found, err);
    if (!st && !found)
        st = awsv2__fail(err, AWSV2_E_CREDENTIALS, "%s: no such file", path);
    if (!st && !r.seen)
        st = awsv2__fail(err, AWSV2_E_CREDENTIALS, "%s: no profile [%s]", path, r.profile);
    if (!st && !r.values[0])
        st = awsv2__fail(err, AWSV2_E_CREDENTIALS, "%s: profile [%s] has no aws_access_key_id",
                         path, r.profile);
    if (!st)
        st = awsv2_credentials_new(out, r.values[0], r.values[1], r.values[2], err);
    reader_free(&r);
    return st;
}

static awsv2_status from_env(awsv2_credentials **out, unsigned flags, awsv2_error *err)
{
    const char *id = getenv("AWS_ACCESS_KEY_ID"), *secret = getenv("AWS_SECRET_ACCESS_KEY");
    if (!(secret && *secret) && !(flags & AWSV2_CREDENTIALS_SECRET_OPTIONAL))
        return awsv2__fail(err, AWSV2_E_CREDENTIALS,
                           "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
    return awsv2_credentials_new(out, id, secret, getenv("AWS_SESSION_TOKEN"), err);
}

/* The key id, secret and token of one file's section of the profile.
 * "aws_access_key_id =" is a mistake, not a way to say "none": taken as
 * absent it would load credentials without a key. */
static awsv2_status profile_keys_of(const awsv2__profile *p, int file, const char *v[3],
                                    awsv2_error *err)
{
    for (int i = 0; i < 3; i++) {
        int line = 0;
        v[i] = awsv2__profile_get(p, file, profile_keys[i], &line, NULL);
        if (v[i] && !*v[i])
            return awsv2__fail(err, AWSV2_E_CONFIG, "%s:%d: %s in profile [%s] has no value",
                               awsv2__profile_path(p, file), line, profile_keys[i],
                               awsv2__profile_name(p));
    }
    if (v[1] && !v[0])
        return awsv2__fail(err, AWSV2_E_CONFIG,
                           "%s: profile [%s] has aws_secret_access_key but no aws_access_key_id",
                           awsv2__profile_path(p, file), awsv2__profile_name(p));
    return AWSV2_OK;
}

static awsv2_status process_timeout_ms(long *out, awsv2_error *err)
{
    const char *env = getenv("AWSV2_CREDENTIAL_PROCESS_TIMEOUT_MS");
    char *end;
    *out = AWSV2__CREDENTIAL_PROCESS_TIMEOUT_MS;
    if (!env || !*env)
        return AWSV2_OK;
    errno = 0;
    long v = strtol(env, &end, 10);
    if (errno || *end || v < 1 || v > 3600000)
        return awsv2__fail(err, AWSV2_E_CONFIG,
                           "AWSV2_CREDENTIAL_PROCESS_TIMEOUT_MS=\"%s\" is not a number of "
                           "milliseconds from 1 to 3600000",
                           env);
    *out = v;
    return AWSV2_OK;
}

/* The profile's credentials in the AWS CLI's order: the credentials file's
 * keys, else credential_process, else the config file's keys. */
static awsv2_status from_profile(awsv2_credentials **out, const awsv2__profile *p,
                                 awsv2_error *err)
{
    const char *cred[3], *conf[3];
    awsv2_status st = profile_keys_of(p, AWSV2__CREDENTIALS_FILE, cred, err);
    if (!st)
        st = profile_keys_of(p, AWSV2__CONFIG_FILE, conf, err);
    if (st)
        return st;
    if (cred[0])
        return awsv2_credentials_new(out, cred[0], cred[1], cred[2], err);
    int line = 0, file = 0;
    const char *process = awsv2__profile_get(p, -1, "credential_process", &line, &file);
    if (process && !*process)
        return awsv2__fail(err, AWSV2_E_CONFIG,
                           "%s:%d: credential_process in profile [%s] has no value",
                           awsv2__profile_path(p, file), line, awsv2__profile_name(p));
    long timeout_ms;
    if (process && (st = process_timeout_ms(&timeout_ms, err)) == AWSV2_OK)
        st = awsv2__credential_process_run(process, timeout_ms, out, err);
    if (process)
        return st;
    return awsv2_credentials_new(out, conf[0], conf[1], conf[2], err);
}

awsv2_status awsv2_credentials_load(awsv2_credentials **out, const char *profile,
                                    unsigned flags, awsv2_error *err)
{
    *out = NULL;
    const char *env_id = getenv("AWS_ACCESS_KEY_ID");
    /* The environment wins as a whole, as in the AWS CLI, unless the caller
     * names a profile (the CLI's --profile). */
    if (!(profile && *profile) && env_id && *env_id)
        return from_env(out, flags, err);
    awsv2__profile *p;
    awsv2_status st = awsv2__profile_load(&p, profile, err);
    if (st)
        return st;
    st = from_profile(out, p, err);
    if (!st && !awsv2_credentials_has_secret(*out) &&
        !(flags & AWSV2_CREDENTIALS_SECRET_OPTIONAL)) {
        awsv2_credentials_free(*out);
        *out = NULL;
        const char *name = awsv2__profile_name(p);
        bool is_default = strcmp(name, "default") == 0;
        st = awsv2__fail(err, AWSV2_E_CREDENTIALS,
                         "no AWS secret access key: set AWS_ACCESS_KEY_ID and "
                         "AWS_SECRET_ACCESS_KEY, or keys or credential_process in [%s] of %s "
                         "or [%s%s] of %s",
                         name, awsv2__profile_path(p, AWSV2__CREDENTIALS_FILE),
                         is_default ? "" : "profile ", name,
                         awsv2__profile_path(p, AWSV2__CONFIG_FILE));
    }
    awsv2__profile_free(p);
    return st;
}

time_t awsv2_credentials_expiration(const awsv2_credentials *c)
{
    return c->expiration;
}

void awsv2__credentials_set_expiration(awsv2_credentials *c, time_t t)
{
    c->expiration = t;
}
