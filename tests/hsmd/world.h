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
/* (Re)starts only the emulator, on the same symlink. */
int world_start_emu(struct world *w, const char *const *emu_args);
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
    char body[16384];
    char error[128]; /* the JSON body's "error", or "" */
    int success;     /* the JSON body's "success": 1, 0, or -1 if absent */
};

/* Sends one request (body NULL: none; headers NULL-terminated or NULL).
 * 0 when an HTTP reply came. */
int world_http(const char *method, const char *url, const char *body, size_t len,
               const char *const *headers, struct http_result *out);

/* Runs the suite (libcurl initialised around it); main's exit status. */
int world_run(Suite *s);

#endif
