/* awsv2-hsmd as a process, in front of awsv2-due-emu: the HTTP API of
 * docs/daemon-api.md, bad input of every kind, tokens, a vanishing device, the
 * queue's bound, the metrics and a clean shutdown. */
#include <check.h>
#include <json-c/json.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sigv4_vectors.h"
#include "world.h"

static struct world w;

static void start(const char *const *emu_args, const char *const *hsmd_args,
                  const char *spec_options)
{
    ck_assert_msg(world_start(&w, emu_args, hsmd_args, spec_options) == 0,
                  "cannot start the emulator and the daemon");
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void teardown(void)
{
    ck_assert_int_eq(world_stop(&w), 0);
}

static void sign_ok(const char *url, const char *const *headers, const char *method, unsigned n)
{
    char sts[1024], want[65];
    struct http_result r;
    size_t len = world_sts(sts, sizeof sts, KEY_ID, method, n);

    world_expected_hex(sts, len, strcmp(method, "HmacSHA256") != 0, want);
    ck_assert_int_eq(world_http("POST", url, sts, len, headers, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(r.success, 1);
    char body[256];
    snprintf(body, sizeof body, "{\"success\": true, \"signature\": \"%s\"}", want);
    ck_assert_str_eq(r.body, body); /* byte for byte what hsmd.py answers */
}

static void expect(const char *method, const char *path, const char *body, size_t len,
                   long status, const char *error)
{
    char url[600];
    struct http_result r;

    snprintf(url, sizeof url, "%s%s", w.base, path);
    ck_assert_int_eq(world_http(method, url, body, len, NULL, &r), 0);
    ck_assert_msg(r.status == status, "%s %s: HTTP %ld, want %ld (%s)", method, path, r.status,
                  status, r.body);
    ck_assert_int_eq(r.success, 0);
    ck_assert_str_eq(r.error, error);
}

static void healthy(long status)
{
    char url[600];
    struct http_result r;

    snprintf(url, sizeof url, "%s/healthz", w.base);
    ck_assert_int_eq(world_http("GET", url, NULL, 0, NULL, &r), 0);
    ck_assert_int_eq(r.status, status);
    ck_assert_int_eq(r.success, status == 200);
}

START_TEST(test_signs_both_methods)
{
    start(NULL, NULL, "");
    sign_ok(w.url, NULL, "HmacSHA256", 1);
    sign_ok(w.url, NULL, "HmacSHA1", 2);
    sign_ok(w.url, NULL, "", 3); /* no SignatureMethod: HmacSHA1, as originally */
    healthy(200);
}
END_TEST

START_TEST(test_bad_input_answered_daemon_stays_up)
{
    static const char binary[] = "GET\n\x80\xff\x01\n/\nAWSAccessKeyId=AKIAIOSFODNN7EXAMPLE\x7f";
    static const char smuggled[] = "GET\nh\n/\nAWSAccessKeyId=AKIAIOSFODNN7EXAMPLE\0"
                                   "DELETE-KEY AKIAIOSFODNN7EXAMPLE";
    char sts[1024];
    size_t big = 1 << 20;
    char *huge = malloc(big);

    start(NULL, NULL, "");
    memset(huge, 'A', big);
    expect("POST", "/sign/aws", "", 0, 400, "invalid-command");
    expect("POST", "/sign/aws", huge, big, 413, "message-too-long");
    expect("POST", "/sign/aws", huge, 8193, 413, "message-too-long");
    expect("POST", "/sign/aws", binary, sizeof binary - 1, 400, "invalid-command");
    expect("POST", "/sign/aws", smuggled, sizeof smuggled - 1, 400, "invalid-command");
    expect("POST", "/sign/aws", "GET\nh\n/\nAction=X", 16, 400, "awsaccesskeyid-not-found");
    expect("POST", "/sign/aws", "GET\nh\n/\nXAWSAccessKeyId=AKIAIOSFODNN7EXAMPLE", 44, 400,
           "awsaccesskeyid-not-found");
    expect("POST", "/sign/aws", "GET\nh\n/\nAWSAccessKeyId=akia%2", 29, 400,
           "invalid-awsaccesskeyid");
    size_t len = world_sts(sts, sizeof sts, "AKIAUNKNOWNKEY000000", "HmacSHA256", 1);
    expect("POST", "/sign/aws", sts, len, 403, "unknown-awsaccesskey");
    len = world_sts(sts, sizeof sts, KEY_ID, "HmacMD5", 1);
    expect("POST", "/sign/aws", sts, len, 400, "unsupported-signaturemethod");
    expect("GET", "/sign/aws", NULL, 0, 405, "method-not-allowed");
    expect("PUT", "/sign/aws", "x", 1, 405, "method-not-allowed");
    expect("POST", "/healthz", "", 0, 405, "method-not-allowed");
    expect("DELETE", "/keys", NULL, 0, 405, "method-not-allowed");
    expect("GET", "/", NULL, 0, 404, "not-found");
    expect("POST", "/sign/aws/", "x", 1, 404, "not-found");
    expect("GET", "/sign/aws%0aX", NULL, 0, 404, "not-found");
    free(huge);
    /* still up, and the smuggled DELETE-KEY never reached the device */
    healthy(200);
    sign_ok(w.url, NULL, "HmacSHA256", 4);
}
END_TEST

START_TEST(test_chunked_body_over_limit)
{
    static const char *const chunked[] = {"Transfer-Encoding: chunked", NULL};
    size_t big = 100000;
    char *huge = malloc(big);
    struct http_result r;

    start(NULL, NULL, "");
    memset(huge, 'A', big);
    ck_assert_int_eq(world_http("POST", w.url, huge, big, chunked, &r), 0);
    ck_assert_int_eq(r.status, 413);
    ck_assert_str_eq(r.error, "message-too-long");
    free(huge);
    healthy(200);
}
END_TEST

START_TEST(test_keys_and_metrics)
{
    char url[600];
    struct http_result r;

    start(NULL, NULL, "");
    sign_ok(w.url, NULL, "HmacSHA256", 1);
    expect("GET", "/nothing", NULL, 0, 404, "not-found");
    snprintf(url, sizeof url, "%s/keys", w.base);
    ck_assert_int_eq(world_http("GET", url, NULL, 0, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    /* the one device (number 0) holds it */
    ck_assert_str_eq(r.body, "{\"success\": true, \"keys\": [\"" KEY_ID "\"], "
                             "\"holders\": {\"" KEY_ID "\":[0]}}");
    snprintf(url, sizeof url, "%s/metrics", w.base);
    ck_assert_int_eq(world_http("GET", url, NULL, 0, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(
        strstr(r.body, "awsv2_hsmd_requests_total{path=\"/sign/aws\",status=\"200\"} 1\n"));
    ck_assert_ptr_nonnull(
        strstr(r.body, "awsv2_hsmd_requests_total{path=\"other\",status=\"404\"} 1\n"));
    ck_assert_ptr_nonnull(
        strstr(r.body, "awsv2_hsmd_errors_total{path=\"other\",code=\"not-found\"} 1\n"));
    ck_assert_ptr_nonnull(strstr(r.body, "awsv2_hsmd_sign_duration_seconds_count 1\n"));
    ck_assert_ptr_nonnull(strstr(r.body, "awsv2_hsmd_queue_depth 0\n"));
}
END_TEST

START_TEST(test_token_required)
{
    char token_file[PATH_MAX + 16];
    const char *args[] = {"--token-file", token_file, NULL};
    static const char *const good[] = {"Authorization: Bearer s3cret-t0ken", NULL};
    static const char *const wrong[] = {"Authorization: Bearer s3cret-t0ke", NULL};
    static const char *const basic[] = {"Authorization: Basic s3cret-t0ken", NULL};
    struct http_result r;

    ck_assert_int_eq(world_token_file(&w, "s3cret-t0ken\n", token_file, sizeof token_file), 0);
    start(NULL, args, "");
    ck_assert_int_eq(world_http("POST", w.url, "x", 1, NULL, &r), 0);
    ck_assert_int_eq(r.status, 403);
    ck_assert_str_eq(r.error, "invalid-token");
    ck_assert_int_eq(world_http("POST", w.url, "x", 1, wrong, &r), 0);
    ck_assert_int_eq(r.status, 403);
    ck_assert_int_eq(world_http("POST", w.url, "x", 1, basic, &r), 0);
    ck_assert_int_eq(r.status, 403);
    ck_assert_int_eq(world_http("GET", w.url, NULL, 0, NULL, &r), 0);
    ck_assert_int_eq(r.status, 403); /* before anything else */
    sign_ok(w.url, good, "HmacSHA256", 1);
}
END_TEST

/* Probes reach /healthz and /metrics without the power to sign: with a
 * signing token and no probe token they are open; with a probe token they
 * take it (or a signing token) and nothing else. /keys stays a signer's. */
START_TEST(test_probe_token)
{
    char token_file[PATH_MAX + 16], probe_file[PATH_MAX + 16], url[600];
    const char *args[] = {"--token-file", token_file, "--probe-token-file", probe_file, NULL};
    static const char *const sign_tok[] = {"Authorization: Bearer s3cret-t0ken", NULL};
    static const char *const probe_tok[] = {"Authorization: Bearer pr0be", NULL};
    static const char *const paths[] = {"/healthz", "/metrics"};
    struct http_result r;

    ck_assert_int_eq(world_token_file(&w, "s3cret-t0ken\n", token_file, sizeof token_file), 0);
    snprintf(probe_file, sizeof probe_file, "%s/probe-token", w.dir);
    FILE *f = fopen(probe_file, "w");
    ck_assert_ptr_nonnull(f);
    fputs("pr0be\n", f);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_int_eq(chmod(probe_file, 0600), 0);

    /* a signing token alone: the probes are open */
    args[2] = NULL;
    start(NULL, args, "");
    for (size_t i = 0; i < 2; i++) {
        snprintf(url, sizeof url, "%s%s", w.base, paths[i]);
        ck_assert_int_eq(world_http("GET", url, NULL, 0, NULL, &r), 0);
        ck_assert_int_eq(r.status, 200);
    }
    /* a token that is sent must be right */
    static const char *const wrong[] = {"Authorization: Bearer s3cret-t0ke", NULL};
    ck_assert_int_eq(world_http("GET", url, NULL, 0, wrong, &r), 0);
    ck_assert_int_eq(r.status, 403);
    snprintf(url, sizeof url, "%s/keys", w.base);
    ck_assert_int_eq(world_http("GET", url, NULL, 0, NULL, &r), 0);
    ck_assert_int_eq(r.status, 403);
    ck_assert_int_eq(child_stop(&w.hsmd, SIGTERM, CHILD_TIMEOUT_MS), 0);

    args[2] = "--probe-token-file";
    ck_assert_int_eq(world_start_hsmd(&w, args, ""), 0);
    for (size_t i = 0; i < 2; i++) {
        snprintf(url, sizeof url, "%s%s", w.base, paths[i]);
        ck_assert_int_eq(world_http("GET", url, NULL, 0, NULL, &r), 0);
        ck_assert_int_eq(r.status, 403);
        ck_assert_str_eq(r.error, "invalid-token");
        ck_assert_int_eq(world_http("GET", url, NULL, 0, probe_tok, &r), 0);
        ck_assert_int_eq(r.status, 200);
        ck_assert_int_eq(world_http("GET", url, NULL, 0, sign_tok, &r), 0);
        ck_assert_int_eq(r.status, 200);
    }
    /* the probe token cannot sign, nor list keys */
    ck_assert_int_eq(world_http("POST", w.url, "x", 1, probe_tok, &r), 0);
    ck_assert_int_eq(r.status, 403);
    snprintf(url, sizeof url, "%s/keys", w.base);
    ck_assert_int_eq(world_http("GET", url, NULL, 0, probe_tok, &r), 0);
    ck_assert_int_eq(r.status, 403);
    sign_ok(w.url, sign_tok, "HmacSHA256", 1);
}
END_TEST

START_TEST(test_refuses_non_loopback_without_token)
{
    char prog[PATH_MAX];
    const char *argv[] = {child_program(prog, sizeof prog, "daemon/awsv2-hsmd"), "--listen",
                          "0.0.0.0:0", "openssl", NULL};
    ck_assert_int_eq(child_run(argv, NULL, 0), 2);
    const char *bad_queue[] = {argv[0], "--queue", "0", "openssl", NULL};
    ck_assert_int_eq(child_run(bad_queue, NULL, 0), 2);
    const char *no_spec[] = {argv[0], NULL};
    ck_assert_int_eq(child_run(no_spec, NULL, 0), 2);
    static const char *const bad[][2] = {
        {"--socket-mode", "0888"}, {"--socket-mode", "x"}, {"--socket-mode", "01777"},
        {"--max-connections-per-ip", "0"}, {"--request-timeout", "0"},
        {"--request-timeout", "10s"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *bad_option[] = {argv[0], bad[i][0], bad[i][1], "openssl", NULL};
        ck_assert_int_eq(child_run(bad_option, NULL, 0), 2);
    }
}
END_TEST

START_TEST(test_device_vanishes_and_returns)
{
    char sts[1024];
    size_t len;

    start(NULL, NULL, "");
    sign_ok(w.url, NULL, "HmacSHA256", 1);
    child_stop(&w.emu, SIGKILL, CHILD_TIMEOUT_MS); /* pulled out: no cleanup */
    len = world_sts(sts, sizeof sts, KEY_ID, "HmacSHA256", 2);
    expect("POST", "/sign/aws", sts, len, 503, "device-unavailable");
    healthy(503);
    ck_assert_int_eq(world_start_emu(&w, NULL), 0); /* plugged in again */
    healthy(200);
    sign_ok(w.url, NULL, "HmacSHA256", 3);
    sign_ok(w.url, NULL, "HmacSHA1", 4);
}
END_TEST

START_TEST(test_device_timeout)
{
    /* request 1 is the backend's PING at open, 2 the first signature */
    static const char *const stall[] = {"--stall", "2:1500", NULL};
    char sts[1024];
    size_t len;

    start(stall, NULL, "?timeout_ms=300");
    len = world_sts(sts, sizeof sts, KEY_ID, "HmacSHA256", 1);
    expect("POST", "/sign/aws", sts, len, 504, "device-timeout");
    expect("GET", "/none", NULL, 0, 404, "not-found"); /* still up */
}
END_TEST

struct burst {
    pthread_t thread;
    unsigned n;
    long status;
    char error[128];
};

static void *one_request(void *arg)
{
    struct burst *b = arg;
    char sts[1024];
    struct http_result r;
    size_t len = world_sts(sts, sizeof sts, KEY_ID, "HmacSHA256", b->n);

    b->status = world_http("POST", w.url, sts, len, NULL, &r) == 0 ? r.status : -1;
    snprintf(b->error, sizeof b->error, "%s", r.error);
    return NULL;
}

START_TEST(test_queue_full)
{
    static const char *const slow[] = {"--sign-us", "100000", NULL};
    static const char *const one[] = {"--queue", "1", NULL};
    struct burst b[24];
    int ok = 0, full = 0;

    start(slow, one, "?timeout_ms=10000");
    for (unsigned i = 0; i < 24; i++) {
        b[i].n = i;
        pthread_create(&b[i].thread, NULL, one_request, &b[i]);
    }
    for (unsigned i = 0; i < 24; i++) {
        pthread_join(b[i].thread, NULL);
        if (b[i].status == 200)
            ok++;
        else if (b[i].status == 503 && strcmp(b[i].error, "queue-full") == 0)
            full++;
    }
    /* How many get in depends on when the worker takes the first one off
     * the queue (before or after the other 23 arrive): at least the one
     * queued, never all. Every other request is refused at once. */
    ck_assert_int_eq(ok + full, 24);
    ck_assert_int_ge(ok, 1);
    ck_assert_int_ge(full, 1);
}
END_TEST

/* Waits (10 s at most) until the daemon reports n requests in progress. */
static void wait_in_progress(long n)
{
    char url[600];
    struct http_result r;
    long have = -1;

    snprintf(url, sizeof url, "%s/metrics", w.base);
    for (int i = 0; i < 2000 && have < n; i++) {
        ck_assert_int_eq(world_http("GET", url, NULL, 0, NULL, &r), 0);
        static const char gauge[] = "\nawsv2_hsmd_requests_in_progress ";
        const char *p = strstr(r.body, gauge);
        ck_assert_ptr_nonnull(p);
        have = strtol(p + sizeof gauge - 1, NULL, 10);
        if (have < n)
            poll(NULL, 0, 5); /* polling a condition, bounded */
    }
    ck_assert_int_ge(have, n);
}

START_TEST(test_sigterm_answers_requests_in_flight)
{
    static const char *const slow[] = {"--sign-us", "200000", NULL};
    struct burst b[4];

    start(slow, NULL, "?timeout_ms=10000");
    for (unsigned i = 0; i < 4; i++) {
        b[i].n = i;
        pthread_create(&b[i].thread, NULL, one_request, &b[i]);
    }
    wait_in_progress(5); /* the four, and the /metrics request asking */
    ck_assert_int_eq(child_stop(&w.hsmd, SIGTERM, CHILD_TIMEOUT_MS), 0);
    for (unsigned i = 0; i < 4; i++) {
        pthread_join(b[i].thread, NULL);
        ck_assert_int_eq(b[i].status, 200);
    }
    struct http_result r;
    ck_assert_int_eq(world_http("GET", w.url, NULL, 0, NULL, &r), -1); /* nobody listens */
}
END_TEST

/* Starts the daemon on a Unix socket in w.dir, with umask 0 (the widest)
 * and extra options; returns the socket's permission bits. */
static unsigned start_unix(const char *mode_option, char *sock, size_t cap)
{
    char listen[PATH_MAX + 16];
    const char *args[] = {"--listen", listen, mode_option ? "--socket-mode" : NULL, mode_option,
                          NULL};
    struct stat sb;

    ck_assert_int_eq(world_dir(&w), 0);
    snprintf(sock, cap, "%s/s", w.dir);
    snprintf(listen, sizeof listen, "unix:%s", sock);
    mode_t old = umask(0);
    int rc = world_start(&w, NULL, args, "");
    umask(old);
    ck_assert_msg(rc == 0, "cannot start the emulator and the daemon");
    ck_assert_int_eq(stat(sock, &sb), 0);
    ck_assert(S_ISSOCK(sb.st_mode));
    return (unsigned)sb.st_mode & 07777;
}

START_TEST(test_unix_socket)
{
    char sock[PATH_MAX + 8];
    unsigned mode = start_unix(NULL, sock, sizeof sock);

    ck_assert_msg(mode == 0660, "socket mode %o, want 0660 whatever the umask", mode);
    char want[PATH_MAX + 64];
    snprintf(want, sizeof want, "http://localhost/sign/aws?unix_socket=%s", sock);
    ck_assert_str_eq(w.url, want);
    ck_assert_int_eq(child_stop(&w.hsmd, SIGTERM, CHILD_TIMEOUT_MS), 0);
    struct stat sb;
    ck_assert_int_ne(stat(sock, &sb), 0); /* removed on exit */
}
END_TEST

START_TEST(test_unix_socket_mode_option)
{
    char sock[PATH_MAX + 8];
    unsigned mode = start_unix("0600", sock, sizeof sock);

    ck_assert_msg(mode == 0600, "socket mode %o, want 0600", mode);
}
END_TEST


/* Marks the connections of p[n] the daemon has closed (fd -1) after
 * polling them for up to ms; returns how many it closed. */
static size_t reap_closed(struct pollfd *p, size_t n, int ms)
{
    size_t closed = 0;

    if (poll(p, n, ms) <= 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c;
        if (p[i].fd < 0 || !p[i].revents || recv(p[i].fd, &c, 1, MSG_DONTWAIT) > 0)
            continue;
        close(p[i].fd);
        p[i].fd = -1; /* poll ignores it */
        closed++;
    }
    return closed;
}

/* The value of a counter or gauge of /metrics. */
static unsigned long metric(const char *name)
{
    char url[600], pattern[128];
    struct http_result r;

    snprintf(url, sizeof url, "%s/metrics", w.base);
    ck_assert_int_eq(world_http_from("127.0.0.2", "GET", url, NULL, 0, NULL, &r), 0);
    snprintf(pattern, sizeof pattern, "\n%s ", name);
    const char *c = strstr(r.body, pattern);
    ck_assert_msg(c != NULL, "no %s in /metrics", name);
    return strtoul(c + strlen(pattern), NULL, 10);
}

/* Issue 10, finding 3: a thousand connections from one address trickling
 * a header byte every half second neither lock out a client from another
 * address (the per-address limit, default 128, refuses the excess at once)
 * nor live past the request deadline (default 10 s), though libmicrohttpd's
 * idle timeout (60 s from the last byte) never fires for them. */
#define TRICKLERS 1000
START_TEST(test_trickling_connections_cut)
{
    static const char head[] = "POST /sign/aws HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
    struct pollfd p[TRICKLERS];
    struct rlimit rl;
    size_t open_n = TRICKLERS;

    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
    if (rl.rlim_cur < 2 * TRICKLERS + 64 && rl.rlim_max >= 2 * TRICKLERS + 64) {
        rl.rlim_cur = 2 * TRICKLERS + 64; /* the daemon inherits it */
        ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
    }
    start(NULL, NULL, "");
    for (size_t i = 0; i < TRICKLERS; i++) {
        p[i].fd = world_connect(&w);
        ck_assert_int_ge(p[i].fd, 0);
        p[i].events = POLLIN;
        world_send(p[i].fd, head, sizeof head - 1); /* refused ones may break here */
    }

    /* Another client (another address) signs at once. */
    char sts[1024], want[65], body[256];
    struct http_result r;
    size_t len = world_sts(sts, sizeof sts, KEY_ID, "HmacSHA256", 1);
    world_expected_hex(sts, len, 0, want);
    double t = now();
    ck_assert_int_eq(world_http_from("127.0.0.2", "POST", w.url, sts, len, NULL, &r), 0);
    fprintf(stderr, "signed beside %d tricklers in %.3f s\n", TRICKLERS, now() - t);
    ck_assert_int_eq(r.status, 200);
    snprintf(body, sizeof body, "{\"success\": true, \"signature\": \"%s\"}", want);
    ck_assert_str_eq(r.body, body);

    /* The excess was closed at once: what stays open was admitted. */
    while (open_n > 0) {
        size_t closed = reap_closed(p, TRICKLERS, 200);
        if (closed == 0)
            break;
        open_n -= closed;
    }
    size_t admitted = open_n;
    ck_assert_uint_le(admitted, 128);

    /* Trickle until the daemon has closed every one (40 s at most). */
    double deadline = now() + 40;
    while (open_n > 0 && now() < deadline) {
        for (size_t i = 0; i < TRICKLERS; i++)
            if (p[i].fd >= 0)
                world_send(p[i].fd, "x", 1);
        open_n -= reap_closed(p, TRICKLERS, 500); /* wakes early when one is closed */
    }
    for (size_t i = 0; i < TRICKLERS; i++)
        if (p[i].fd >= 0)
            close(p[i].fd);
    unsigned long cut = metric("awsv2_hsmd_connections_timed_out_total");
    ck_assert_msg(open_n == 0, "%zu of %zu admitted trickling connections still open after 40 s "
                               "(%lu cut)", open_n, admitted, cut);
    /* All admitted were cut by the deadline (and maybe some before the
     * count above, on a slow machine). */
    ck_assert_uint_ge(cut, admitted);
    ck_assert_uint_ge(cut, 1);
    ck_assert_uint_le(cut, 128);
}
END_TEST

static void oversize_then_read_as(const char *path, size_t size, bool close_after, long status,
                                  const char *error)
{
    char head[256];
    struct http_result r;
    char *body = malloc(size);
    int fd = world_connect(&w);

    ck_assert_ptr_nonnull(body);
    ck_assert_int_ge(fd, 0);
    memset(body, 'A', size);
    int n = snprintf(head, sizeof head,
                     "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\n%s\r\n",
                     path, size, close_after ? "Connection: close\r\n" : "");
    ck_assert_msg(world_send(fd, head, (size_t)n) == 0 && world_send(fd, body, size) == 0,
                  "%s: the daemon broke the connection while the body was sent", path);
    ck_assert_msg(world_read_reply(fd, 20000, &r) == 0, "%s: no answer, the connection broke",
                  path);
    ck_assert_int_eq(r.status, status);
    ck_assert_str_eq(r.error, error);
    close(fd);
    free(body);
}

/* Sends a whole oversize body before reading, as Python's urllib and
 * requests do, and reads the answer; with "Connection: close" as urllib
 * sends, or keep-alive as requests does. */
static void oversize_then_read(const char *path, size_t size, long status, const char *error)
{
    oversize_then_read_as(path, size, true, status, error);
    oversize_then_read_as(path, size, false, status, error);
}

/* Issue 10, finding 6: a refusal made from the headers reaches a client
 * that writes its whole body first: the body is read (up to 4 MiB) and
 * dropped, not left to make the kernel reset the connection. */
START_TEST(test_refusal_read_after_whole_body)
{
    start(NULL, NULL, "");
    oversize_then_read("/sign/aws", 4 * 1024 * 1024, 413, "message-too-long");
    oversize_then_read("/sign/aws", 8193, 413, "message-too-long");
    oversize_then_read("/nothing", 4 * 1024 * 1024, 404, "not-found");
    oversize_then_read("/sign/aws4", 4 * 1024 * 1024, 413, "message-too-long");
    healthy(200);
}
END_TEST

/* Issue 10, finding 10: a decoded NUL in a parameter the device compares
 * is refused by the daemon; the device never sees the request (the
 * emulator logs every request it answers). */
START_TEST(test_nul_refused_before_device)
{
    static const char *const verbose[] = {"--verbose", NULL};
    char sts[1024], path[PATH_MAX + 16], line[1024];
    struct http_result r;
    size_t len;

    start(verbose, NULL, "");
    len = world_sts(sts, sizeof sts, KEY_ID, "HmacSHA256%00x", 1);
    ck_assert_int_eq(world_http("POST", w.url, sts, len, NULL, &r), 0);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(r.error, "unsupported-signaturemethod");
    len = world_sts(sts, sizeof sts, KEY_ID, "HmacSHA1%00", 2);
    ck_assert_int_eq(world_http("POST", w.url, sts, len, NULL, &r), 0);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(r.error, "unsupported-signaturemethod");
    len = world_sts(sts, sizeof sts, KEY_ID "%00", "HmacSHA256", 2);
    ck_assert_int_eq(world_http("POST", w.url, sts, len, NULL, &r), 0);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(r.error, "invalid-awsaccesskeyid");
    sign_ok(w.url, NULL, "HmacSHA256", 3); /* logged before it is answered */
    snprintf(path, sizeof path, "%s/emu.log", w.dir);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    int signs = 0;
    while (fgets(line, sizeof line, f))
        signs += strstr(line, ": SIGN-AWS-V2 -> ") != NULL;
    fclose(f);
    ck_assert_int_eq(signs, 1);
}
END_TEST

/* Waits (10 s at most) until connecting to the daemon is refused: it has
 * taken SIGTERM and stopped accepting. */
static void wait_refused(void)
{
    for (int i = 0; i < 2000; i++) {
        int fd = world_connect(&w);
        if (fd < 0)
            return;
        close(fd);
        poll(NULL, 0, 5); /* polling a condition, bounded */
    }
    ck_abort_msg("the daemon still accepts connections after SIGTERM");
}

/* Issue 10, finding 12: a connection accepted before SIGTERM whose request
 * comes after it, when nothing else is in progress, gets an answer. */
START_TEST(test_sigterm_answers_idle_connection)
{
    static const char req[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    struct http_result r;

    start(NULL, NULL, "");
    int fd = world_connect(&w);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(kill(w.hsmd.pid, SIGTERM), 0);
    wait_refused();
    poll(NULL, 0, 500); /* a client that takes its time, within the deadline */
    ck_assert_int_eq(world_send(fd, req, sizeof req - 1), 0);
    ck_assert_msg(world_read_reply(fd, 20000, &r) == 0, "closed without an answer");
    ck_assert_int_eq(r.status, 503);
    ck_assert_str_eq(r.error, "shutting-down");
    close(fd);
    ck_assert_int_eq(child_wait(&w.hsmd, 30000), 0);
}
END_TEST

/* Issue 10, finding 12: SIGTERM with more work at a slow device than the
 * 10 s drain: every request is answered, by its signature or by 503
 * shutting-down, none with a silent close. */
#define IN_FLIGHT 100
START_TEST(test_sigterm_answers_every_request)
{
    static const char *const slow[] = {"--sign-us", "120000", NULL};
    int fds[IN_FLIGHT];
    char wants[IN_FLIGHT][65];
    int ok = 0, refused = 0;

    start(slow, NULL, "?timeout_ms=30000");
    for (unsigned i = 0; i < IN_FLIGHT; i++) {
        char sts[1024], req[1400];
        size_t len = world_sts(sts, sizeof sts, KEY_ID, "HmacSHA256", i);
        world_expected_hex(sts, len, 0, wants[i]);
        int n = snprintf(req, sizeof req,
                         "POST /sign/aws HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %zu\r\n"
                         "\r\n%s",
                         len, sts);
        fds[i] = world_connect(&w);
        ck_assert_int_ge(fds[i], 0);
        ck_assert_int_eq(world_send(fds[i], req, (size_t)n), 0);
    }
    wait_in_progress(IN_FLIGHT + 1); /* and the /metrics request asking */
    ck_assert_int_eq(kill(w.hsmd.pid, SIGTERM), 0);
    for (unsigned i = 0; i < IN_FLIGHT; i++) {
        struct http_result r;
        ck_assert_msg(world_read_reply(fds[i], 40000, &r) == 0,
                      "request %u: closed without an answer", i);
        close(fds[i]);
        if (r.status == 200) {
            char body[256];
            snprintf(body, sizeof body, "{\"success\": true, \"signature\": \"%.64s\"}", wants[i]);
            ck_assert_str_eq(r.body, body);
            ok++;
        } else {
            ck_assert_int_eq(r.status, 503);
            ck_assert_str_eq(r.error, "shutting-down");
            refused++;
        }
    }
    fprintf(stderr, "SIGTERM with %d in flight: %d signed, %d shutting-down\n", IN_FLIGHT, ok,
            refused);
    ck_assert_int_ge(ok, 1);
    ck_assert_int_eq(child_wait(&w.hsmd, 30000), 0);
}
END_TEST

/* POST /sign/aws4 with body (a JSON text) at w.base. */
static void sign4(const char *body, size_t len, struct http_result *r)
{
    static const char *const json[] = {"Content-Type: application/json", NULL};
    char url[600];

    snprintf(url, sizeof url, "%s/sign/aws4", w.base);
    ck_assert_int_eq(world_http("POST", url, body, len, json, r), 0);
}

static void sign4_refused(const char *body, long status, const char *error)
{
    struct http_result r;

    sign4(body, strlen(body), &r);
    ck_assert_msg(r.status == status && strcmp(r.error, error) == 0,
                  "%s: HTTP %ld %s, want %ld %s", body, r.status, r.body, status, error);
    ck_assert_int_eq(r.success, 0);
}

/* A presigned GET's canonical request for AWS's example key, 2026-11-21. */
#define CR_GET_JSON                                                                              \
    "\"GET\\n/\\nAction=DescribeInstances&Version=2016-11-15&X-Amz-Algorithm=AWS4-HMAC-SHA256"   \
    "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261121%2Feu-central-1%2Fec2%2Faws4_request"     \
    "&X-Amz-Date=20261121T120000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host\\n"                \
    "host:ec2.eu-central-1.amazonaws.com\\n\\nhost\\nUNSIGNED-PAYLOAD\""

/* Issue 11: POST /sign/aws4 refuses what is not a SigV4 request, before
 * the signer: 400 with a code, 413 over 16 KiB. */
START_TEST(test_sign4_bad_input)
{
    static const char *const bad_json[] = {
        "", "{", "[]", "\"x\"", "null", "{} {}", "{\"key_id\": \"A\",}", "{'key_id': 'A'}",
        "{\"key_id\": \"A\"} x",
    };
    static const char *const bad_fields[] = {
        "{}",
        "{\"key_id\": \"AKIAIOSFODNN7EXAMPLE\", \"region\": \"eu-central-1\", "
        "\"service\": \"ec2\"}",
        "{\"key_id\": \"AKIAIOSFODNN7EXAMPLE\", \"region\": 1, \"service\": \"ec2\", "
        "\"canonical_request\": " CR_GET_JSON "}",
        "{\"key_id\": \"AKIAIOSFODNN7EXAMPLE\", \"region\": \"eu-central-1\", "
        "\"service\": \"ec2\", \"canonical_request\": " CR_GET_JSON ", \"payload\": null}",
        "{\"key_id\": [\"AKIAIOSFODNN7EXAMPLE\"], \"region\": \"eu-central-1\", \"service\": "
        "\"ec2\", \"canonical_request\": " CR_GET_JSON "}",
        /* a misspelt payload must not mean UNSIGNED-PAYLOAD */
        "{\"key_id\": \"AKIAIOSFODNN7EXAMPLE\", \"region\": \"eu-central-1\", "
        "\"service\": \"ec2\", \"canonical_request\": " CR_GET_JSON ", \"paylod\": \"\"}",
        "{\"key_id\": \"AKIAIOSFODNN7EXAMPLE\\u0000X\", \"region\": \"eu-central-1\", \"service\": "
        "\"ec2\", \"canonical_request\": " CR_GET_JSON "}",
    };
    struct http_result r;
    char url[600];

    start(NULL, NULL, "");
    for (size_t i = 0; i < sizeof bad_json / sizeof bad_json[0]; i++)
        sign4_refused(bad_json[i], 400, "invalid-json");
    for (size_t i = 0; i < sizeof bad_fields / sizeof bad_fields[0]; i++)
        sign4_refused(bad_fields[i], 400, "invalid-field");
    sign4_refused("{\"key_id\": \"AKIAIOSFODNN7EXAMPLE\", \"region\": \"eu-central-1\", "
                  "\"service\": \"ec2\", \"canonical_request\": \"GET\\n/\"}",
                  400, "invalid-canonical-request");
    sign4_refused("{\"key_id\": \"AKIAIOSFODNN7EXAMPLE\", \"region\": \"eu central 1\", "
                  "\"service\": \"ec2\", \"canonical_request\": " CR_GET_JSON "}",
                  400, "invalid-scope");
    sign4_refused("{\"key_id\": \"akia-lower\", \"region\": \"eu-central-1\", "
                  "\"service\": \"ec2\", \"canonical_request\": " CR_GET_JSON "}",
                  400, "invalid-awsaccesskeyid");

    /* 16 KiB is the limit; declared or chunked, more is 413. */
    size_t big = 16385;
    char *huge = malloc(big + 1);
    memset(huge, ' ', big);
    huge[0] = '{';
    huge[big - 1] = '}';
    huge[big] = '\0';
    sign4_refused(huge, 413, "message-too-long");
    huge[big - 2] = '}';
    huge[big - 1] = '\0'; /* 16384 bytes: read, and {} lacks every field */
    sign4_refused(huge, 400, "invalid-field");
    static const char *const chunked[] = {"Transfer-Encoding: chunked", NULL};
    snprintf(url, sizeof url, "%s/sign/aws4", w.base);
    memset(huge, 'A', big);
    ck_assert_int_eq(world_http("POST", url, huge, big, chunked, &r), 0);
    ck_assert_int_eq(r.status, 413);
    ck_assert_str_eq(r.error, "message-too-long");
    free(huge);
    expect("GET", "/sign/aws4", NULL, 0, 405, "method-not-allowed");

    snprintf(url, sizeof url, "%s/metrics", w.base);
    ck_assert_int_eq(world_http("GET", url, NULL, 0, NULL, &r), 0);
    ck_assert_ptr_nonnull(
        strstr(r.body, "awsv2_hsmd_requests_total{path=\"/sign/aws4\",status=\"413\"} 2\n"));
    ck_assert_ptr_nonnull(strstr(
        r.body, "awsv2_hsmd_errors_total{path=\"/sign/aws4\",code=\"invalid-json\"} 9\n"));
    ck_assert_ptr_nonnull(strstr(
        r.body, "awsv2_hsmd_errors_total{path=\"/sign/aws4\",code=\"invalid-scope\"} 1\n"));
    ck_assert_ptr_nonnull(strstr(
        r.body, "awsv2_hsmd_errors_total{path=\"/sign/aws\",code=\"invalid-json\"} 0\n"));
}
END_TEST

/* Signs every vector of tests/core/sigv4.jsonl that has a canonical
 * request (botocore's, AWS's example key) at the daemon: the canonical
 * request that was signed, whose signature must be the vector's. Also the
 * refusals a signer makes itself. */
static void sign4_vectors(void)
{
    const sigv4_vector *all;
    size_t n = sigv4_vectors(&all);
    int checked = 0;

    for (size_t i = 0; i < n; i++) {
        const sigv4_vector *v = &all[i];
        const char *cr = v->signed_request;
        if (!cr)
            continue;
        /* A payload goes with the canonical request unless its last line
         * says UNSIGNED-PAYLOAD; a GET's is empty. */
        const char *unsigned_line = "\nUNSIGNED-PAYLOAD";
        size_t crlen = strlen(cr), ulen = strlen(unsigned_line);
        bool unsigned_payload = crlen > ulen && strcmp(cr + crlen - ulen, unsigned_line) == 0;
        const char *body = v->body ? v->body : "";
        json_object *req = json_object_new_object();
        json_object_object_add(req, "key_id", json_object_new_string(v->key_id));
        json_object_object_add(req, "region", json_object_new_string(v->region));
        json_object_object_add(req, "service", json_object_new_string(v->service));
        json_object_object_add(req, "canonical_request", json_object_new_string(cr));
        if (!unsigned_payload)
            json_object_object_add(req, "payload", json_object_new_string(body));
        const char *text = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
        struct http_result r;
        char want[128];
        ck_assert_str_eq(v->key_id, KEY_ID);
        snprintf(want, sizeof want, "{\"success\": true, \"signature\": \"%s\"}", v->signature);
        sign4(text, strlen(text), &r);
        ck_assert_msg(r.status == 200 && strcmp(r.body, want) == 0, "%s: HTTP %ld %s, want %s",
                      v->name, r.status, r.body, want);
        checked++;
        if (!unsigned_payload) {
            /* the payload is not the one the canonical request names */
            json_object_object_add(req, "payload", json_object_new_string("Action=Other"));
            text = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
            sign4_refused(text, 400, "payload-mismatch");
            /* a key the signer does not hold */
            json_object_object_add(req, "payload", json_object_new_string(body));
            if (!strstr(cr, "X-Amz-Credential=")) { /* else the scope names the key */
                json_object_object_add(req, "key_id",
                                       json_object_new_string("AKIAUNKNOWNKEY000000"));
                text = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
                sign4_refused(text, 403, "unknown-awsaccesskey");
            }
        }
        json_object_put(req);
    }
    ck_assert_int_ge(checked, 12);
}

/* Issue 11: POST /sign/aws4 with the openssl signer signs botocore's
 * vectors. */
START_TEST(test_sign4_vectors_openssl)
{
    ck_assert_int_eq(world_start_openssl(&w, NULL), 0);
    sign4_vectors();
}
END_TEST

/* Issue 11: ... and with a Due (the emulator): SIGN-AWS-V4. */
START_TEST(test_sign4_vectors_due)
{
    start(NULL, NULL, "");
    sign4_vectors();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hsmd");
    TCase *tc = tcase_create("daemon");
    TCase *limits = tcase_create("limits"); /* issue 10 */
    TCase *v4 = tcase_create("sigv4");      /* issue 11 */

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_signs_both_methods);
    tcase_add_test(tc, test_bad_input_answered_daemon_stays_up);
    tcase_add_test(tc, test_chunked_body_over_limit);
    tcase_add_test(tc, test_keys_and_metrics);
    tcase_add_test(tc, test_token_required);
    tcase_add_test(tc, test_refuses_non_loopback_without_token);
    tcase_add_test(tc, test_device_vanishes_and_returns);
    tcase_add_test(tc, test_device_timeout);
    tcase_add_test(tc, test_probe_token);
    tcase_add_test(tc, test_queue_full);
    tcase_add_test(tc, test_sigterm_answers_requests_in_flight);
    tcase_add_test(tc, test_unix_socket);
    tcase_add_test(tc, test_unix_socket_mode_option);
    suite_add_tcase(s, tc);
    tcase_add_checked_fixture(limits, NULL, teardown);
    tcase_set_timeout(limits, 90);
    tcase_add_test(limits, test_trickling_connections_cut);
    tcase_add_test(limits, test_refusal_read_after_whole_body);
    tcase_add_test(limits, test_nul_refused_before_device);
    tcase_add_test(limits, test_sigterm_answers_idle_connection);
    tcase_add_test(limits, test_sigterm_answers_every_request);
    suite_add_tcase(s, limits);
    tcase_add_checked_fixture(v4, NULL, teardown);
    tcase_set_timeout(v4, 60);
    tcase_add_test(v4, test_sign4_bad_input);
    tcase_add_test(v4, test_sign4_vectors_openssl);
    tcase_add_test(v4, test_sign4_vectors_due);
    suite_add_tcase(s, v4);
    return world_run(s);
}
