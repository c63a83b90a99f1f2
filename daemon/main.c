/* awsv2-hsmd: the signing daemon. Owns one signer (normally a Due) or
 * several (a pool, daemon/pool.h) and signs for local clients over HTTP;
 * see docs/daemon-api.md. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsv2/credentials.h"
#include "awsv2/signer.h"
#include "awsv2/util.h"
#include "config.h"
#include "listen.h"
#include "server.h"

#define EXIT_USAGE 2
#define DEFAULT_QUEUE 256
#define DEFAULT_PER_IP 128
#define DEFAULT_REQUEST_TIMEOUT 10
/* On SIGTERM: how long the requests in progress get, then how long the
 * answers (to those and to the cancelled ones) get to go out. */
#define DRAIN_SECONDS 10
#define ANSWER_SECONDS 5
/* The largest certificate chain or key file, in bytes. */
#define TLS_FILE_MAX 65536
/* How often a device that is down is pinged to see whether it is back. */
#define PROBE_SECONDS 0.5

static const char usage[] =
    "usage: awsv2-hsmd [--listen ADDR] [--socket-mode MODE]\n"
    "                  [--admin-listen unix:/PATH [--admin-socket-mode MODE]]\n"
    "                  [--token-file F [--token-keys IDS]]... [--probe-token-file F]\n"
    "                  [--queue N] [--max-connections-per-ip N]\n"
    "                  [--request-timeout S] [--tls-cert F --tls-key F]\n"
    "                  [--allow-policy-mismatch] [--profile NAME]\n"
    "                  SIGNER_SPEC [SIGNER_SPEC...]\n";

static const char help[] =
    "Signs AWS Signature Version 2 strings (POST /sign/aws) and Version 4\n"
    "canonical requests (POST /sign/aws4) for local clients over HTTP, with the\n"
    "signer SIGNER_SPEC (normally due:/dev/ttyACM0), or with a pool of several:\n"
    "each request goes to a device holding its key, and to another one when that\n"
    "device fails.\n"
    "\n"
    "  --listen ADDR      127.0.0.1:PORT, [::1]:PORT, HOST:PORT or unix:/PATH\n"
    "                     (default " HSMD_DEFAULT_LISTEN "; port 0 picks a free one)\n"
    "  --socket-mode MODE permissions of a unix: socket, octal (default 0660)\n"
    "  --admin-listen unix:/PATH\n"
    "                     also serve the key management routes (/admin/...) on\n"
    "                     this Unix socket, and only there; no token: who may\n"
    "                     connect may store, delete and lock keys\n"
    "  --admin-socket-mode MODE\n"
    "                     permissions of the admin socket, octal (default 0600)\n"
    "  --token-file F     require 'Authorization: Bearer <first line of F>';\n"
    "                     needed to listen on a non-loopback address; repeat it\n"
    "                     (up to 16) to take any of several tokens\n"
    "  --token-keys IDS   the token of the --token-file before it signs only with\n"
    "                     these access key ids (comma-separated); others get 403\n"
    "  --probe-token-file F\n"
    "                     /healthz and /metrics need no signing token; with this,\n"
    "                     they need this token (or a signing one)\n"
    "  --queue N          signing requests that may wait; more get 503 (default 256)\n"
    "  --max-connections-per-ip N\n"
    "                     open connections from one IP address (default 128)\n"
    "  --request-timeout S\n"
    "                     seconds a connection has to deliver a whole request,\n"
    "                     from its opening or its previous answer (default 10)\n"
    "  --tls-cert F       serve HTTPS with this PEM certificate (chain), needs\n"
    "  --tls-key F        its PEM private key: a file only its owner may read\n"
    "  --allow-policy-mismatch\n"
    "                     start even when two devices hold one key id with\n"
    "                     different policies (each device enforces its own)\n"
    "  --profile NAME     the shared-configuration profile an openssl signer takes\n"
    "                     its key pair from (default: $AWS_PROFILE, else default)\n"
    "  --help, --version\n"
    "\n"
    "Prints the URL to sign at (an http: or https: signer spec) as its first line on\n"
    "stdout, logs one line per request to stderr, and drains and exits 0 on\n"
    "SIGTERM or SIGINT.\n";

struct options {
    const char *listen;
    unsigned socket_mode;
    const char *admin_listen; /* NULL: no admin listener */
    unsigned admin_socket_mode;
    const char *token_files[HSMD_TOKENS_MAX];
    const char *token_keys[HSMD_TOKENS_MAX]; /* NULL: any key */
    const char *probe_token_file; /* NULL: /healthz and /metrics are open */
    size_t n_tokens;
    size_t queue;
    unsigned per_ip;
    unsigned request_timeout;
    const char *tls_cert, *tls_key; /* both or neither */
    bool allow_policy_mismatch;
    const char *profile; /* NULL: AWS_PROFILE, else default */
    char *const *specs; /* from argv */
    size_t n_specs;
};

/* A number of at most max in base (10, or 8 for a mode) with nothing
 * after it; min is the smallest allowed. */
static bool number(const char *arg, int base, unsigned long min, unsigned long max,
                   unsigned long *out)
{
    char *end;

    if (*arg < '0' || *arg > '9')
        return false;
    errno = 0;
    *out = strtoul(arg, &end, base);
    return errno == 0 && *end == '\0' && *out >= min && *out <= max;
}

/* Returns -1 to go on, else an exit status. */
static int parse(int argc, char **argv, struct options *o)
{
    static const struct option longopts[] = {
        {"listen", required_argument, NULL, 'l'},
        {"socket-mode", required_argument, NULL, 'm'},
        {"admin-listen", required_argument, NULL, 'A'},
        {"admin-socket-mode", required_argument, NULL, 'M'},
        {"token-file", required_argument, NULL, 't'},
        {"token-keys", required_argument, NULL, 'k'},
        {"probe-token-file", required_argument, NULL, 'P'},
        {"queue", required_argument, NULL, 'q'},
        {"max-connections-per-ip", required_argument, NULL, 'p'},
        {"request-timeout", required_argument, NULL, 'r'},
        {"tls-cert", required_argument, NULL, 'c'},
        {"tls-key", required_argument, NULL, 'K'},
        {"allow-policy-mismatch", no_argument, NULL, 'a'},
        {"profile", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {0},
    };
    unsigned long n;
    int opt;

    *o = (struct options){.listen = HSMD_DEFAULT_LISTEN,
                          .socket_mode = HSMD_SOCKET_MODE,
                          .admin_socket_mode = HSMD_ADMIN_SOCKET_MODE,
                          .queue = DEFAULT_QUEUE,
                          .per_ip = DEFAULT_PER_IP,
                          .request_timeout = DEFAULT_REQUEST_TIMEOUT};
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (opt) {
        case 'l':
            o->listen = optarg;
            break;
        case 'm':
            if (!number(optarg, 8, 0, 0777, &n)) {
                fprintf(stderr, "awsv2-hsmd: --socket-mode wants an octal mode like 0660\n%s",
                        usage);
                return EXIT_USAGE;
            }
            o->socket_mode = (unsigned)n;
            break;
        case 'A':
            if (strncmp(optarg, "unix:", 5) != 0) {
                fprintf(stderr, "awsv2-hsmd: --admin-listen wants unix:/PATH\n%s", usage);
                return EXIT_USAGE;
            }
            o->admin_listen = optarg;
            break;
        case 'M':
            if (!number(optarg, 8, 0, 0777, &n)) {
                fprintf(stderr, "awsv2-hsmd: --admin-socket-mode wants an octal mode like "
                                "0600\n%s", usage);
                return EXIT_USAGE;
            }
            o->admin_socket_mode = (unsigned)n;
            break;
        case 't':
            if (o->n_tokens == HSMD_TOKENS_MAX) {
                fprintf(stderr, "awsv2-hsmd: at most %d --token-file\n%s", HSMD_TOKENS_MAX,
                        usage);
                return EXIT_USAGE;
            }
            o->token_files[o->n_tokens++] = optarg;
            break;
        case 'k':
            if (o->n_tokens == 0 || o->token_keys[o->n_tokens - 1]) {
                fprintf(stderr, "awsv2-hsmd: --token-keys follows the --token-file it limits, "
                                "once\n%s", usage);
                return EXIT_USAGE;
            }
            if (!hsmd_token_keys_valid(optarg)) {
                fprintf(stderr, "awsv2-hsmd: --token-keys wants access key ids (A-Z, 0-9) "
                                "joined by ','\n%s", usage);
                return EXIT_USAGE;
            }
            o->token_keys[o->n_tokens - 1] = optarg;
            break;
        case 'P':
            o->probe_token_file = optarg;
            break;
        case 'q':
            if (!number(optarg, 10, 1, SIZE_MAX / 2, &n)) {
                fprintf(stderr, "awsv2-hsmd: --queue wants a positive number\n%s", usage);
                return EXIT_USAGE;
            }
            o->queue = n;
            break;
        case 'p':
            if (!number(optarg, 10, 1, 100000, &n)) {
                fprintf(stderr, "awsv2-hsmd: --max-connections-per-ip wants a positive "
                                "number\n%s", usage);
                return EXIT_USAGE;
            }
            o->per_ip = (unsigned)n;
            break;
        case 'r':
            if (!number(optarg, 10, 1, 3600, &n)) {
                fprintf(stderr, "awsv2-hsmd: --request-timeout wants 1 to 3600 seconds\n%s",
                        usage);
                return EXIT_USAGE;
            }
            o->request_timeout = (unsigned)n;
            break;
        case 'c':
            o->tls_cert = optarg;
            break;
        case 'K':
            o->tls_key = optarg;
            break;
        case 'a':
            o->allow_policy_mismatch = true;
            break;
        case 'f':
            o->profile = optarg;
            break;
        case 'h':
            printf("%s\n%s", usage, help);
            return 0;
        case 'V':
            printf("awsv2-hsmd (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
            return 0;
        default:
            fputs(usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind == argc || argc - optind > HSMD_POOL_MAX) {
        fprintf(stderr, "awsv2-hsmd: want from 1 to %d SIGNER_SPECs\n%s", HSMD_POOL_MAX,
                usage);
        return EXIT_USAGE;
    }
    if (!o->tls_cert != !o->tls_key) {
        fprintf(stderr, "awsv2-hsmd: --tls-cert and --tls-key go together\n%s", usage);
        return EXIT_USAGE;
    }
    o->specs = argv + optind;
    o->n_specs = (size_t)(argc - optind);
    return -1;
}

static int fail(const awsv2_error *err)
{
    fprintf(stderr, "awsv2-hsmd: %s\n", err->message);
    return awsv2_exit_code(err->status);
}

/* --profile, for open_signer, which the pool calls with a spec alone (and
 * again, from its probe thread, for a device that was missing); set once
 * before the pool starts. */
static const char *credentials_profile;

/* Only the in-process signer needs credentials (with their secret). */
static awsv2_status open_signer(const char *spec, awsv2_signer **out, awsv2_error *err)
{
    awsv2_credentials *creds = NULL;
    awsv2_status st = AWSV2_OK;

    if (strcmp(spec, "openssl") == 0)
        st = awsv2_credentials_load(&creds, credentials_profile, 0, err);
    if (st == AWSV2_OK)
        st = awsv2_signer_open(out, spec, creds, err);
    awsv2_credentials_free(creds);
    return st;
}

/* The certificate is public: read as any file. NUL-terminated for
 * libmicrohttpd. */
static awsv2_status read_cert(const char *path, char **out, awsv2_error *err)
{
    FILE *f = fopen(path, "re");
    char *buf = f ? malloc(TLS_FILE_MAX + 1) : NULL;
    size_t n = buf ? fread(buf, 1, TLS_FILE_MAX + 1, f) : 0;
    awsv2_status st = AWSV2_OK;

    if (!f)
        st = awsv2_error_set(err, AWSV2_E_IO, NULL, "--tls-cert %s: %s", path, strerror(errno));
    else if (!buf)
        st = awsv2_error_set(err, AWSV2_E_NOMEM, NULL, "out of memory");
    else if (ferror(f))
        st = awsv2_error_set(err, AWSV2_E_IO, NULL, "--tls-cert %s: cannot read it", path);
    else if (n > TLS_FILE_MAX || memchr(buf, '\0', n))
        st = awsv2_error_set(err, AWSV2_E_CONFIG, NULL,
                             "--tls-cert %s: not a PEM certificate of at most %d bytes", path,
                             TLS_FILE_MAX);
    if (f)
        fclose(f);
    if (st) {
        free(buf);
        return st;
    }
    buf[n] = '\0';
    *out = buf;
    return AWSV2_OK;
}

/* The PEM texts for --tls-cert and --tls-key, until the server has them. */
struct tls {
    char *cert, *key;
    size_t key_len;
};

static void tls_free(struct tls *t)
{
    free(t->cert);
    awsv2_private_file_free(t->key, t->key_len);
    *t = (struct tls){0};
}

/* Reads the certificate and its key (a private file, as a token file) and
 * gives the URL its https: scheme. */
static awsv2_status load_tls(const struct options *o, struct hsmd_listen *l, struct tls *t,
                             awsv2_error *err)
{
    size_t n = strlen(l->url);
    awsv2_status st;

    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
        return awsv2_error_set(err, AWSV2_E_UNAVAILABLE, NULL,
                               "this libmicrohttpd was built without TLS: --tls-cert is "
                               "not available");
    if (n + 1 >= sizeof l->url || strncmp(l->url, "http://", 7) != 0)
        return awsv2_error_set(err, AWSV2_E_CONFIG, NULL, "--listen %s: address too long",
                               o->listen);
    if ((st = read_cert(o->tls_cert, &t->cert, err)))
        return st;
    if ((st = awsv2_private_file_read(o->tls_key, TLS_FILE_MAX, &t->key, &t->key_len, err))) {
        tls_free(t);
        return st;
    }
    memmove(l->url + 5, l->url + 4, n - 4 + 1);
    l->url[4] = 's';
    return AWSV2_OK;
}

/* Serves until SIGTERM or SIGINT, which every thread blocks (they are all
 * created after this mask is set) so that sigwait gets them here. */
static int serve(const struct options *o, const struct hsmd_token *tokens,
                 const struct hsmd_token *probe, struct hsmd_listen *l, struct hsmd_listen *admin,
                 struct tls *tls, const sigset_t *stop)
{
    struct hsmd_server_config cfg = {.listen_fd = l->fd,
                                     .tokens = tokens,
                                     .n_tokens = o->n_tokens,
                                     .probe_token = probe,
                                     .per_ip_limit = o->per_ip,
                                     .request_timeout = o->request_timeout,
                                     .tls_cert = tls->cert,
                                     .tls_key = tls->key};
    struct hsmd_server_config acfg = {.listen_fd = admin->fd,
                                      .per_ip_limit = o->per_ip,
                                      .request_timeout = o->request_timeout,
                                      .admin = true};
    hsmd_server *srv = NULL, *asrv = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    awsv2_status st;
    int sig;

    awsv2_error_clear(&err);
    credentials_profile = o->profile;
    struct hsmd_pool_config pcfg = {.specs = (const char *const *)o->specs,
                                    .n = o->n_specs,
                                    .open = open_signer,
                                    .capacity = o->queue,
                                    .allow_policy_mismatch = o->allow_policy_mismatch,
                                    .probe_interval = PROBE_SECONDS};
    st = hsmd_pool_new(&cfg.ctx.pool, &pcfg, &err);
    acfg.ctx = cfg.ctx;
    if (!st && (st = hsmd_server_start(&srv, &cfg, &err)))
        hsmd_pool_free(cfg.ctx.pool);
    if (!st && admin->fd >= 0 && (st = hsmd_server_start(&asrv, &acfg, &err))) {
        hsmd_pool_close(cfg.ctx.pool);
        hsmd_server_stop(srv); /* which closed l->fd */
        hsmd_pool_free(cfg.ctx.pool);
        l->fd = -1;
    }
    /* GnuTLS holds the key now (docs/secrets.md); our copies go. */
    cfg.tls_key = cfg.tls_cert = NULL;
    tls_free(tls);
    if (st)
        return fail(&err);
    l->fd = admin->fd = -1; /* the servers own them now */
    printf("%s\n", l->url);
    fflush(stdout);
    for (size_t i = 0; o->n_specs > 1 && i < o->n_specs; i++) {
        struct hsmd_device_info info;
        hsmd_pool_device(cfg.ctx.pool, i, &info);
        fprintf(stderr, "awsv2-hsmd: device %zu: %s%s\n", i, info.signer,
                info.up ? "" : " (down)");
    }
    fprintf(stderr, "awsv2-hsmd: signing with %s at %s%s\n",
            hsmd_pool_describe(cfg.ctx.pool), l->url,
            o->n_tokens ? " (bearer token required)" : "");
    if (asrv)
        fprintf(stderr, "awsv2-hsmd: key management at http://localhost/admin?unix_socket=%s\n",
                admin->path);
    sigwait(stop, &sig);
    fprintf(stderr, "awsv2-hsmd: %s, draining\n", strsignal(sig));
    if (asrv)
        hsmd_server_quiesce(asrv);
    hsmd_server_quiesce(srv);
    hsmd_server_wait(srv, DRAIN_SECONDS);
    if (asrv)
        hsmd_server_wait(asrv, DRAIN_SECONDS);
    /* What still waits for the signer is answered 503 shutting-down; what
     * the signer has gets its answer. Then the answers go out. */
    hsmd_pool_close(cfg.ctx.pool);
    hsmd_server_wait(srv, ANSWER_SECONDS);
    if (asrv) {
        hsmd_server_wait(asrv, ANSWER_SECONDS);
        hsmd_server_stop(asrv);
    }
    hsmd_server_stop(srv);
    hsmd_pool_free(cfg.ctx.pool);
    return 0;
}

int main(int argc, char **argv)
{
    struct options o;
    struct hsmd_token tokens[HSMD_TOKENS_MAX], probe;
    struct hsmd_listen l = {.fd = -1}, admin = {.fd = -1};
    struct tls tls = {0};
    awsv2_error err = AWSV2_ERROR_INIT;
    sigset_t stop;
    int rc = parse(argc, argv, &o);

    if (rc >= 0)
        return rc;
    awsv2_error_clear(&err);
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    for (size_t i = 0; i < o.n_tokens; i++) {
        if (hsmd_token_load(&tokens[i], o.token_files[i], &err) != AWSV2_OK)
            return fail(&err);
        tokens[i].keys = o.token_keys[i];
    }
    if (o.probe_token_file && hsmd_token_load(&probe, o.probe_token_file, &err) != AWSV2_OK)
        return fail(&err);
    if (hsmd_listen_open(&l, o.listen, o.socket_mode, &err) != AWSV2_OK)
        return fail(&err);
    if (!l.local && !o.n_tokens) {
        fprintf(stderr, "awsv2-hsmd: refusing to listen on %s, not a loopback address, "
                        "without --token-file\n", o.listen);
        hsmd_listen_close(&l);
        return EXIT_USAGE;
    }
    if (o.admin_listen &&
        hsmd_listen_open(&admin, o.admin_listen, o.admin_socket_mode, &err) != AWSV2_OK) {
        hsmd_listen_close(&l);
        return fail(&err);
    }
    /* A key file that is refused stops the daemon before the device opens. */
    if (o.tls_key && load_tls(&o, &l, &tls, &err) != AWSV2_OK)
        rc = fail(&err);
    else
        rc = serve(&o, tokens, o.probe_token_file ? &probe : NULL, &l, &admin, &tls, &stop);
    tls_free(&tls);
    hsmd_listen_close(&admin);
    hsmd_listen_close(&l);
    return rc;
}
