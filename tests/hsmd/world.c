#define _GNU_SOURCE /* memmem */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "../common/check_run.h"
#include "tmpdir.h"
#include "world.h"

#define ARGS_MAX 32

int world_start_logged(struct child *c, const char *const *argv, const char *dir,
                       const char *name)
{
    char log[PATH_MAX + 16];
    snprintf(log, sizeof log, "%s/%s", dir, name);
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    int rc = child_start(c, argv, fd);
    close(fd);
    return rc;
}

int world_dir(struct world *w)
{
    if (tmpdir_create(w->dir, sizeof w->dir, "hsmd-test") != 0)
        return -1;
    return tmpdir_add_credentials(w->dir);
}

int world_token_file(struct world *w, const char *text, char *path, size_t cap)
{
    if (world_dir(w) != 0)
        return -1;
    snprintf(path, cap, "%s/token", w->dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    /* a token file open to group or others is refused */
    return fclose(f) == 0 && chmod(path, 0600) == 0 ? 0 : -1;
}

int world_start_emu(struct world *w, const char *const *emu_args)
{
    char creds[PATH_MAX + 16], prog[PATH_MAX];
    const char *argv[ARGS_MAX] = {child_program(prog, sizeof prog, "awsv2-due-emu"),
                                  "--import-credentials", creds, "--symlink", w->link};

    child_args(argv, ARGS_MAX, 5, emu_args);
    snprintf(creds, sizeof creds, "%s/credentials", w->dir);
    return world_start_logged(&w->emu, argv, w->dir, "emu.log");
}

int world_start_hsmd_argv(struct world *w, const char *const *argv)
{
    if (world_start_logged(&w->hsmd, argv, w->dir, "hsmd.log") != 0)
        return -1;
    snprintf(w->url, sizeof w->url, "%s", w->hsmd.line);
    snprintf(w->base, sizeof w->base, "%s", w->url);
    char *p = strstr(w->base, "/sign/aws");
    if (p)
        *p = '\0';
    return 0;
}

int world_start(struct world *w, const char *const *emu_args, const char *const *hsmd_args,
                const char *spec_options)
{
    if (!w->dir[0] && world_dir(w) != 0)
        return -1;
    snprintf(w->link, sizeof w->link, "%s/due", w->dir);
    if (world_start_emu(w, emu_args) != 0)
        return -1;
    return world_start_hsmd(w, hsmd_args, spec_options);
}

int world_start_hsmd(struct world *w, const char *const *hsmd_args, const char *spec_options)
{
    char spec[PATH_MAX + 64], prog[PATH_MAX];
    const char *argv[ARGS_MAX] = {child_program(prog, sizeof prog, "daemon/awsv2-hsmd"),
                                  "--listen", "127.0.0.1:0"};
    const char *const last[] = {spec, NULL};
    size_t n = child_args(argv, ARGS_MAX - 1, 3, hsmd_args); /* room kept for the spec */

    child_args(argv, ARGS_MAX, n, last);
    snprintf(spec, sizeof spec, "due:%s%s", w->link, spec_options);
    return world_start_hsmd_argv(w, argv);
}

int world_start_openssl(struct world *w, const char *const *hsmd_args)
{
    char creds[PATH_MAX + 16], config[PATH_MAX + 16], prog[PATH_MAX];
    const char *argv[ARGS_MAX] = {child_program(prog, sizeof prog, "daemon/awsv2-hsmd"),
                                  "--listen", "127.0.0.1:0"};
    static const char *const last[] = {"openssl", NULL};
    size_t n = child_args(argv, ARGS_MAX - 1, 3, hsmd_args);

    child_args(argv, ARGS_MAX, n, last);
    if (!w->dir[0] && world_dir(w) != 0)
        return -1;
    snprintf(creds, sizeof creds, "%s/credentials", w->dir);
    snprintf(config, sizeof config, "%s/no-config", w->dir);
    static const char *const unset[] = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                        "AWS_SESSION_TOKEN", "AWS_PROFILE"};
    for (size_t i = 0; i < sizeof unset / sizeof unset[0]; i++)
        unsetenv(unset[i]);
    setenv("AWS_SHARED_CREDENTIALS_FILE", creds, 1);
    setenv("AWS_CONFIG_FILE", config, 1);
    return world_start_hsmd_argv(w, argv);
}

void world_show_log(const char *dir, const char *name)
{
    char path[PATH_MAX + 32], line[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    fprintf(stderr, "--- %s\n", name);
    while (fgets(line, sizeof line, f))
        fputs(line, stderr);
    fclose(f);
}

int world_stop(struct world *w)
{
    int rc = 0;

    if (w->hsmd.pid > 0 && child_stop(&w->hsmd, SIGTERM, CHILD_TIMEOUT_MS) != 0)
        rc = -1;
    if (w->emu.pid > 0 && child_stop(&w->emu, SIGTERM, CHILD_TIMEOUT_MS) != 0)
        rc = -1;
    if (rc != 0) {
        world_show_log(w->dir, "hsmd.log");
        world_show_log(w->dir, "emu.log");
    }
    if (w->dir[0])
        tmpdir_remove(w->dir);
    w->dir[0] = '\0';
    return rc;
}

size_t world_sts(char *buf, size_t cap, const char *key_id, const char *method, unsigned n)
{
    int len = snprintf(buf, cap,
                       "GET\nec2.amazonaws.com\n/\nAWSAccessKeyId=%s&Action=DescribeInstances"
                       "&InstanceId.1=i-%08x%s%s&SignatureVersion=2"
                       "&Timestamp=2026-11-21T12%%3A00%%3A00Z&Version=2012-12-01",
                       key_id, n, *method ? "&SignatureMethod=" : "", method);
    return len > 0 && (size_t)len < cap ? (size_t)len : 0;
}

void world_expected_hex(const char *s, size_t len, int sha1, char *hex)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    HMAC(sha1 ? EVP_sha1() : EVP_sha256(), SECRET, (int)strlen(SECRET),
         (const unsigned char *)s, len, mac, &n);
    for (unsigned i = 0; i < n; i++)
        sprintf(hex + 2 * i, "%02x", mac[i]);
}

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
    struct http_result *r = arg;
    size_t have = strlen(r->body), len = size * n;
    size_t room = sizeof r->body - 1 - have;

    memcpy(r->body + have, p, len < room ? len : room);
    r->body[have + (len < room ? len : room)] = '\0';
    return len;
}

static void read_json(struct http_result *r)
{
    json_object *obj = json_tokener_parse(r->body), *v;

    r->success = -1;
    r->error[0] = '\0';
    if (json_object_object_get_ex(obj, "success", &v) && json_object_is_type(v, json_type_boolean))
        r->success = json_object_get_boolean(v);
    if (json_object_object_get_ex(obj, "error", &v) && json_object_is_type(v, json_type_string))
        snprintf(r->error, sizeof r->error, "%s", json_object_get_string(v));
    json_object_put(obj);
}

int world_http(const char *method, const char *url, const char *body, size_t len,
               const char *const *headers, struct http_result *out)
{
    return world_http_from(NULL, method, url, body, len, headers, out);
}

int world_http_from(const char *source, const char *method, const char *url, const char *body,
                    size_t len, const char *const *headers, struct http_result *out)
{
    CURL *c = curl_easy_init();
    struct curl_slist *h = curl_slist_append(NULL, "Expect:");
    CURLcode rc;

    memset(out, 0, sizeof *out);
    for (size_t i = 0; headers && headers[i]; i++)
        h = curl_slist_append(h, headers[i]);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    if (source)
        curl_easy_setopt(c, CURLOPT_INTERFACE, source);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    read_json(out);
    return rc == CURLE_OK ? 0 : -1;
}

int world_connect(const struct world *w)
{
    struct sockaddr_in sin = {.sin_family = AF_INET};
    unsigned port = 0;

    if (sscanf(w->base, "http://127.0.0.1:%u", &port) != 1)
        return -1;
    sin.sin_port = htons((uint16_t)port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

int world_send(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

int world_read_reply(int fd, int timeout_ms, struct http_result *out)
{
    char buf[sizeof out->body];
    size_t have = 0;

    memset(out, 0, sizeof *out);
    for (;;) {
        char *end = memmem(buf, have, "\r\n\r\n", 4);
        if (end) {
            const char *cl = memmem(buf, (size_t)(end - buf), "Content-Length: ", 16);
            size_t want = cl ? strtoul(cl + 16, NULL, 10) : 0;
            size_t head = (size_t)(end + 4 - buf);
            if (have >= head + want && want < sizeof out->body) {
                if (sscanf(buf, "HTTP/1.%*d %ld", &out->status) != 1)
                    return -1;
                memcpy(out->body, end + 4, want);
                out->body[want] = '\0';
                read_json(out);
                return 0;
            }
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (have == sizeof buf || poll(&p, 1, timeout_ms) != 1)
            return -1;
        ssize_t n = recv(fd, buf + have, sizeof buf - have, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        have += (size_t)n;
    }
}

int world_run(Suite *s)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = check_run(s);
    curl_global_cleanup();
    return rc;
}
