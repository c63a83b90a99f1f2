/* credential_process (see credential_process.h). */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "awsv2/request.h"
#include "credential_process.h"
#include "credentials_impl.h"
#include "internal.h"

extern char **environ;

awsv2_status awsv2__command_split(const char *cmd, char ***argv_out, awsv2_error *err)
{
    *argv_out = NULL;
    size_t len = strlen(cmd);
    /* Never more words than half the bytes plus one, never longer text. */
    size_t nptr = len / 2 + 2;
    char **argv = malloc(nptr * sizeof *argv + len + 1);
    if (!argv)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    char *text = (char *)(argv + nptr), *w = text;
    size_t n = 0;
    const char *p = cmd;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (!*p)
            break;
        argv[n++] = w;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
            if (*p == '\'') {
                const char *close = strchr(p + 1, '\'');
                if (!close)
                    goto unterminated;
                memcpy(w, p + 1, (size_t)(close - p - 1));
                w += close - p - 1;
                p = close + 1;
            } else if (*p == '"') {
                for (p++; *p != '"'; p++) {
                    if (!*p)
                        goto unterminated;
                    if (*p == '\\' && p[1] && strchr("\"\\$`\n", p[1]))
                        p++;
                    *w++ = *p;
                }
                p++;
            } else if (*p == '\\') {
                if (p[1])
                    *w++ = p[1], p += 2;
                else
                    p++;
            } else {
                *w++ = *p++;
            }
        }
        *w++ = '\0';
    }
    argv[n] = NULL;
    if (n == 0) {
        free(argv);
        return awsv2__fail(err, AWSV2_E_CONFIG, "credential_process is empty");
    }
    *argv_out = argv;
    return AWSV2_OK;
unterminated:
    free(argv);
    return awsv2__fail(err, AWSV2_E_CONFIG, "credential_process has an unterminated quote");
}

/* RFC 3339: awsv2_timestamp_parse's form, or with "+HH:MM" / "-HH:MM". */
static int parse_expiration(const char *text, time_t *out)
{
    char buf[64];
    size_t n = strlen(text);
    long offset = 0;
    if (n >= sizeof buf)
        return 0;
    memcpy(buf, text, n + 1);
    /* 25: the shortest, "2026-12-02T09:00:00+01:00" */
    if (n >= 25 && (buf[n - 6] == '+' || buf[n - 6] == '-') && buf[n - 3] == ':') {
        const char *z = buf + n - 5;
        for (int i = 0; i < 5; i++)
            if (i == 2 ? z[i] != ':' : (z[i] < '0' || z[i] > '9'))
                return 0;
        int h = (z[0] - '0') * 10 + (z[1] - '0'), m = (z[3] - '0') * 10 + (z[4] - '0');
        if (h > 23 || m > 59)
            return 0;
        offset = (h * 60L + m) * 60L * (buf[n - 6] == '+' ? 1 : -1);
        buf[n - 6] = '\0';
    } else if (n == 0 || (buf[n - 1] != 'Z' && buf[n - 1] != 'z')) {
        return 0; /* a time without its zone means nothing */
    } else {
        buf[n - 1] = 'Z';
    }
    if (awsv2_timestamp_parse(buf, out, NULL) != AWSV2_OK)
        return 0;
    *out -= offset;
    return 1;
}

/* The string member name of o, or NULL; *bad when present but not a string. */
static const char *member(json_object *o, const char *name, int *bad)
{
    json_object *v;
    if (!json_object_object_get_ex(o, name, &v) || json_object_is_type(v, json_type_null))
        return NULL;
    if (!json_object_is_type(v, json_type_string)) {
        *bad = 1;
        return NULL;
    }
    return json_object_get_string(v);
}

/* json-c keeps each string in its object: wipe them in place before
 * json_object_put frees them. */
static void wipe_strings(json_object *o)
{
    json_object_object_foreach(o, key, v)
    {
        (void)key;
        if (json_object_is_type(v, json_type_string))
            OPENSSL_cleanse((void *)json_object_get_string(v),
                            (size_t)json_object_get_string_len(v));
    }
}

awsv2_status awsv2__credential_process_parse(const char *json, size_t len,
                                             awsv2_credentials **out, awsv2_error *err)
{
    *out = NULL;
    json_tokener *tok = json_tokener_new();
    if (!tok)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    json_object *o = len <= AWSV2__CREDENTIAL_PROCESS_MAX_OUTPUT
                         ? json_tokener_parse_ex(tok, json, (int)len)
                         : NULL;
    size_t end = o ? json_tokener_get_parse_end(tok) : 0;
    /* The tokener's buffer holds the last string it read (possibly the
     * secret); wiped here. Copies it dropped while growing are not. */
    if (tok->pb)
        OPENSSL_cleanse(tok->pb->buf, (size_t)tok->pb->size);
    json_tokener_free(tok);
    while (o && end < len && strchr(" \t\r\n", json[end]))
        end++;
    awsv2_status st = AWSV2_OK;
    if (!o || end != len || !json_object_is_type(o, json_type_object)) {
        st = awsv2__fail(err, AWSV2_E_CREDENTIALS,
                         "credential_process did not print one JSON object");
        goto done;
    }
    json_object *version;
    if (!json_object_object_get_ex(o, "Version", &version) ||
        !json_object_is_type(version, json_type_int) || json_object_get_int64(version) != 1) {
        st = awsv2__fail(err, AWSV2_E_CREDENTIALS,
                         "credential_process printed no \"Version\": 1 (the only version "
                         "there is)");
        goto done;
    }
    int bad = 0;
    const char *id = member(o, "AccessKeyId", &bad);
    const char *secret = member(o, "SecretAccessKey", &bad);
    const char *token = member(o, "SessionToken", &bad);
    const char *expiration = member(o, "Expiration", &bad);
    time_t expires = 0;
    if (bad)
        st = awsv2__fail(err, AWSV2_E_CREDENTIALS,
                         "credential_process printed a member that is not a string");
    else if (!id || !*id || !secret || !*secret)
        st = awsv2__fail(err, AWSV2_E_CREDENTIALS,
                         "credential_process printed no %s",
                         !id || !*id ? "AccessKeyId" : "SecretAccessKey");
    else if (expiration && !parse_expiration(expiration, &expires))
        st = awsv2__fail(err, AWSV2_E_CREDENTIALS,
                         "credential_process printed an Expiration that is not an RFC 3339 "
                         "time (e.g. 2026-12-02T09:00:00Z)");
    else if (expiration && expires <= time(NULL))
        st = awsv2__fail(err, AWSV2_E_CREDENTIALS,
                         "credential_process printed credentials that expired at %s",
                         expiration);
    if (!st)
        st = awsv2_credentials_new(out, id, secret, token, err);
    if (!st)
        awsv2__credentials_set_expiration(*out, expires);
done:
    if (o && json_object_is_type(o, json_type_object))
        wipe_strings(o);
    json_object_put(o);
    return st;
}

static long ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000L + (t.tv_nsec - t0->tv_nsec) / 1000000L;
}

/* Reads the child's stdout until EOF, the limit or the deadline. Returns 0,
 * ETIMEDOUT or EFBIG. */
static int read_output(int fd, char *buf, size_t cap, size_t *len, long timeout_ms,
                       const struct timespec *t0)
{
    *len = 0;
    for (;;) {
        long left = timeout_ms - ms_since(t0);
        if (left <= 0)
            return ETIMEDOUT;
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int r = poll(&pfd, 1, left > 1000 ? 1000 : (int)left);
        if (r < 0 && errno != EINTR)
            return errno;
        if (r <= 0)
            continue;
        if (*len == cap)
            return EFBIG;
        ssize_t n = read(fd, buf + *len, cap - *len);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0)
            return n < 0 ? errno : 0;
        *len += (size_t)n;
    }
}

/* Waits for pid until the deadline, then kills it. */
static int reap(pid_t pid, long timeout_ms, const struct timespec *t0, int *timed_out)
{
    int status = 0;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR))
            return status;
        if (ms_since(t0) >= timeout_ms) {
            *timed_out = 1;
            kill(pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            return status;
        }
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

awsv2_status awsv2__credential_process_run(const char *command, long timeout_ms,
                                           awsv2_credentials **out, awsv2_error *err)
{
    *out = NULL;
    char **argv;
    awsv2_status st = awsv2__command_split(command, &argv, err);
    if (st)
        return st;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        free(argv);
        return awsv2__fail(err, AWSV2_E_CREDENTIALS, "credential_process: pipe: %s",
                           strerror(errno));
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    int e = posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
    /* Nothing but stdin, stdout and stderr reaches the process: not all of
     * this program's descriptors are O_CLOEXEC (libcurl's connections, to
     * the signing daemon among them, are not). */
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    if (!e)
        e = posix_spawn_file_actions_addclosefrom_np(&fa, STDERR_FILENO + 1);
#else
    for (int fd = STDERR_FILENO + 1; !e && fd < 1024; fd++) {
        int fl = fcntl(fd, F_GETFD);
        if (fl >= 0 && !(fl & FD_CLOEXEC))
            e = posix_spawn_file_actions_addclose(&fa, fd);
    }
#endif
    /* Nor this program's signal mask and ignored signals (awsv2-hsmd blocks
     * SIGTERM and SIGINT and ignores SIGPIPE): the process starts as from a
     * shell. */
    posix_spawnattr_t attr;
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    posix_spawnattr_init(&attr);
    if (!e)
        e = posix_spawnattr_setsigmask(&attr, &none);
    if (!e)
        e = posix_spawnattr_setsigdefault(&attr, &all);
    if (!e)
        e = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid;
    if (!e)
        e = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (e != 0) {
        close(fds[0]);
        st = awsv2__fail(err, AWSV2_E_CREDENTIALS, "credential_process: cannot run '%s': %s",
                         argv[0], strerror(e));
        free(argv);
        return st;
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char *buf = malloc(AWSV2__CREDENTIAL_PROCESS_MAX_OUTPUT);
    size_t len = 0;
    int rd = buf ? read_output(fds[0], buf, AWSV2__CREDENTIAL_PROCESS_MAX_OUTPUT, &len,
                               timeout_ms, &t0)
                 : ENOMEM;
    close(fds[0]);
    int timed_out = rd == ETIMEDOUT;
    if (rd)
        kill(pid, SIGKILL); /* it is not going to give us credentials */
    int status = reap(pid, timeout_ms, &t0, &timed_out);
    if (timed_out)
        st = awsv2__fail(err, AWSV2_E_CREDENTIALS,
                         "credential_process '%s' did not finish within %ld ms", argv[0],
                         timeout_ms);
    else if (rd == ENOMEM)
        st = awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    else if (rd == EFBIG)
        st = awsv2__fail(err, AWSV2_E_CREDENTIALS,
                         "credential_process '%s' printed more than %d bytes", argv[0],
                         AWSV2__CREDENTIAL_PROCESS_MAX_OUTPUT);
    else if (rd)
        st = awsv2__fail(err, AWSV2_E_CREDENTIALS, "credential_process '%s': reading: %s",
                         argv[0], strerror(rd));
    else if (WIFSIGNALED(status))
        st = awsv2__fail(err, AWSV2_E_CREDENTIALS,
                         "credential_process '%s' was killed by signal %d", argv[0],
                         WTERMSIG(status));
    else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        st = awsv2__fail(err, AWSV2_E_CREDENTIALS,
                         "credential_process '%s' exited with status %d", argv[0],
                         WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    if (!st) {
        awsv2_error sub = AWSV2_ERROR_INIT;
        st = awsv2__credential_process_parse(buf, len, out, &sub);
        if (st)
            awsv2__fail(err, st, "%s ('%s')", sub.message, argv[0]);
    }
    if (buf) {
        OPENSSL_cleanse(buf, AWSV2__CREDENTIAL_PROCESS_MAX_OUTPUT);
        free(buf);
    }
    free(argv);
    return st;
}
