#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "world.h"

#define ARGS_MAX 32

static size_t append_args(const char **argv, size_t n, const char *const *args)
{
    for (size_t i = 0; args && args[i] && n < ARGS_MAX - 2; i++)
        argv[n++] = args[i];
    return n;
}

int world_start_emu(struct world *w, const char *const *emu_args)
{
    char creds[PATH_MAX + 16], log[PATH_MAX + 16], prog[PATH_MAX];
    const char *argv[ARGS_MAX] = {proc_program(prog, "awsv2-due-emu", "firmware/emu/awsv2-due-emu",
                                               NULL),
                                  "--import-credentials", creds, "--symlink", w->link};
    size_t n = append_args(argv, 5, emu_args);

    argv[n] = NULL;
    snprintf(creds, sizeof creds, "%s/credentials", w->dir);
    snprintf(log, sizeof log, "%s/emu.log", w->dir);
    return proc_start(&w->emu, argv, log);
}

int world_start(struct world *w, const char *const *emu_args, const char *const *hsmd_args,
                const char *spec_options)
{
    char spec[PATH_MAX + 64], log[PATH_MAX + 16], prog[PATH_MAX];
    const char *argv[ARGS_MAX] = {proc_program(prog, "daemon/awsv2-hsmd", NULL), "--listen",
                                  "127.0.0.1:0"};
    size_t n = append_args(argv, 3, hsmd_args);

    if (!w->dir[0] && proc_tmpdir(w->dir, sizeof w->dir) != 0)
        return -1;
    snprintf(w->link, sizeof w->link, "%s/due", w->dir);
    if (world_start_emu(w, emu_args) != 0)
        return -1;
    snprintf(spec, sizeof spec, "due:%s%s", w->link, spec_options);
    snprintf(log, sizeof log, "%s/hsmd.log", w->dir);
    argv[n++] = spec;
    argv[n] = NULL;
    if (proc_start(&w->hsmd, argv, log) != 0)
        return -1;
    snprintf(w->url, sizeof w->url, "%s", w->hsmd.line);
    snprintf(w->base, sizeof w->base, "%s", w->url);
    char *p = strstr(w->base, "/sign/aws");
    if (p)
        *p = '\0';
    return 0;
}

/* Copies a log to stderr: what a failed check needs to be understood. */
static void show_log(const struct world *w, const char *name)
{
    char path[PATH_MAX + 16], line[1024];
    snprintf(path, sizeof path, "%s/%s", w->dir, name);
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

    if (w->hsmd.pid > 0 && proc_stop(&w->hsmd, SIGTERM) != 0)
        rc = -1;
    if (w->emu.pid > 0 && proc_stop(&w->emu, SIGTERM) != 0)
        rc = -1;
    if (rc != 0) {
        show_log(w, "hsmd.log");
        show_log(w, "emu.log");
    }
    if (w->dir[0])
        proc_tmpdir_remove(w->dir);
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
