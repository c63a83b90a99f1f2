/* The processes of a daemon test: awsv2-due-emu with AWS's example key on
 * a pty reached through a stable symlink, and awsv2-hsmd in front of it;
 * and a small libcurl client for raw HTTP requests. */
#ifndef HSMD_TEST_WORLD_H
#define HSMD_TEST_WORLD_H

#include <check.h>
#include <limits.h>
#include <stddef.h>

#include "child.h"

struct world {
    char dir[PATH_MAX];  /* temporary: credentials, due (symlink), logs */
    char link[PATH_MAX + 8]; /* dir/due */
    struct child emu, hsmd;
    char url[512];       /* the daemon's first line: its http: signer spec */
    char base[512];      /* url without "/sign/aws" */
};

#define KEY_ID "AKIAIOSFODNN7EXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

/* Makes w->dir, a temporary directory holding "credentials" with AWS's
 * example key. 0 on success. */
int world_dir(struct world *w);

/* Makes w->dir (world_dir) with a file "token" holding text; its path
 * goes to path[cap]. 0 on success. */
int world_token_file(struct world *w, const char *text, char *path, size_t cap);

/* Makes the directory (unless w->dir is set already), starts the emulator (emu_args: extra options, NULL
 * terminated, or NULL) and the daemon with hsmd_args (options, likewise)
 * and the signer spec "due:<link><spec_options>" (spec_options: "" or
 * "?timeout_ms=300"). 0 on success. */
int world_start(struct world *w, const char *const *emu_args, const char *const *hsmd_args,
                const char *spec_options);
/* Starts only the daemon (as world_start) on the emulator already running
 * at w->link, e.g. one the test has given keys of its own first. */
int world_start_hsmd(struct world *w, const char *const *hsmd_args, const char *spec_options);
/* Makes the directory (unless w->dir is set already) and starts the daemon
 * with the openssl signer, its secret from the directory's "credentials"
 * (AWS_SHARED_CREDENTIALS_FILE, set in this process's environment). */
int world_start_openssl(struct world *w, const char *const *hsmd_args);
/* (Re)starts only the emulator, on the same symlink. */
int world_start_emu(struct world *w, const char *const *emu_args);
/* Starts argv with its stderr appended to the log dir/name. */
int world_start_logged(struct child *c, const char *const *argv, const char *dir,
                       const char *name);
/* Starts the daemon (argv, complete), logging to w->dir/hsmd.log, and
 * notes its URL in w->url and w->base. */
int world_start_hsmd_argv(struct world *w, const char *const *argv);
/* Copies the log dir/name to stderr: what a failed check needs to be
 * understood. */
void world_show_log(const char *dir, const char *name);
/* Stops what still runs (SIGTERM) and removes the directory. Returns 0
 * when each exited 0 (a sanitizer's report makes it fail), else -1 after
 * copying their logs to stderr. */
int world_stop(struct world *w);

/* A string to sign for GET ec2.amazonaws.com / with the given key id and
 * SignatureMethod ("" to leave it out), made distinct by n. */
size_t world_sts(char *buf, size_t cap, const char *key_id, const char *method, unsigned n);

/* The hex HMAC (OpenSSL) of s with AWS's example secret. */
void world_expected_hex(const char *s, size_t len, int sha1, char *hex);

struct http_result {
    long status;
    char body[65536]; /* room for all of /metrics */
    char error[128]; /* the JSON body's "error", or "" */
    int success;     /* the JSON body's "success": 1, 0, or -1 if absent */
};

/* Sends one request (body NULL: none; headers NULL-terminated or NULL).
 * 0 when an HTTP reply came. */
int world_http(const char *method, const char *url, const char *body, size_t len,
               const char *const *headers, struct http_result *out);

/* world_http from the local address source (e.g. "127.0.0.2"). */
int world_http_from(const char *source, const char *method, const char *url, const char *body,
                    size_t len, const char *const *headers, struct http_result *out);

/* Raw TCP to the daemon (w->base, "http://127.0.0.1:PORT"), for what
 * libcurl would not do: a blocking socket, or -1. */
int world_connect(const struct world *w);

/* Sends all of data (no SIGPIPE); 0, or -1 if the connection broke. */
int world_send(int fd, const char *data, size_t len);

/* Reads one HTTP reply within timeout_ms into out (status, body, error,
 * success); 0, or -1 when the connection ended or broke before a whole
 * reply came. */
int world_read_reply(int fd, int timeout_ms, struct http_result *out);

/* Runs the suite (libcurl initialised around it); main's exit status. */
int world_run(Suite *s);

#endif
