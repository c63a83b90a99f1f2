/* See harness.h. */
#include "harness.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/evp.h>

static void die(const char *what)
{
    fprintf(stderr, "harness: %s\n", what);
    exit(99); /* a hard error for the test driver */
}

static void write_creds(mock_proc *m)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(m->creds, sizeof m->creds, "%s/awsv2-mock-creds-XXXXXX", tmp && *tmp ? tmp : ".");
    int fd = mkstemp(m->creds);
    if (fd < 0)
        die("mkstemp");
    FILE *f = fdopen(fd, "w");
    fprintf(f, "[default]\naws_access_key_id = " KEY_ID "\naws_secret_access_key = " SECRET
               "\n\n[second]\naws_access_key_id = AKIASECONDEXAMPLE\n"
               "aws_secret_access_key = second/secret+key\n");
    fclose(f);
}

void mock_start(mock_proc *m, const char *const *extra)
{
    char prog[4096];
    const char *argv[32] = { child_program(prog, sizeof prog, "awsv2-mock"), "--port", "0",
                             "--credentials", m->creds };
    write_creds(m);
    child_args(argv, sizeof argv / sizeof argv[0], 5, extra);
    int rc = child_start(&m->proc, argv, -1);
    /* Read at startup: gone now, so a failing test leaves no file behind. */
    unlink(m->creds);
    if (rc != 0)
        die("awsv2-mock printed no URL within 10 s");
    size_t n = strlen(m->proc.line);
    if (n >= sizeof m->url)
        die("awsv2-mock printed too long a URL");
    memcpy(m->url, m->proc.line, n + 1);
}

int mock_stop(mock_proc *m)
{
    return child_stop(&m->proc, SIGTERM, CHILD_TIMEOUT_MS);
}

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
    reply *r = ctx;
    char *body = realloc(r->body, r->len + size * n + 1);
    if (body == NULL)
        return 0;
    memcpy(body + r->len, p, size * n);
    r->body = body;
    r->len += size * n;
    body[r->len] = '\0';
    return size * n;
}

static reply perform(const char *method, const char *url, const char *body, size_t body_len,
                     struct curl_slist *headers)
{
    reply r = { 0 };
    CURL *curl = curl_easy_init();
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    if (body != NULL) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    }
    if (curl_easy_perform(curl) == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return r;
}

reply http(const char *method, const char *url, const char *body, size_t body_len,
           const char *content_type, const char *extra_header)
{
    char type[256];
    struct curl_slist *headers = NULL;
    snprintf(type, sizeof type, "Content-Type: %s",
             content_type ? content_type : "application/x-www-form-urlencoded; charset=utf-8");
    headers = curl_slist_append(headers, type);
    if (extra_header != NULL)
        headers = curl_slist_append(headers, extra_header);
    return perform(method, url, body, body_len, headers);
}

reply http_with(const char *method, const char *url, const char *body, size_t body_len,
                const char *const *headers)
{
    /* No "Expect: 100-continue" round trip, and no form type unless given. */
    struct curl_slist *list = curl_slist_append(NULL, "Expect:");
    bool typed = false;
    for (size_t i = 0; headers != NULL && headers[i] != NULL; i++) {
        list = curl_slist_append(list, headers[i]);
        typed |= strncasecmp(headers[i], "Content-Type:", 13) == 0;
    }
    if (!typed)
        list = curl_slist_append(list, "Content-Type:");
    return perform(method, url, body, body_len, list);
}

void reply_free(reply *r)
{
    free(r->body);
    r->body = NULL;
}

reply call(const char *endpoint, const sign_opts *o, const char *const *params)
{
    awsv2_request *req;
    const char *sts;
    size_t len, mac_len;
    unsigned char mac[EVP_MAX_MD_SIZE];
    const char *secret = o->secret ? o->secret : SECRET;
    if (awsv2_request_new(&req, o->method, endpoint, NULL))
        die("awsv2_request_new");
    for (size_t i = 0; params[i] != NULL; i += 2)
        awsv2_params_set(awsv2_request_params(req), params[i], params[i + 1], NULL);
    time_t when = o->when ? o->when : time(NULL);
    if (awsv2_request_set_auth(req, o->key_id ? o->key_id : KEY_ID, NULL, o->hash, NULL) ||
        (o->expires ? awsv2_request_set_expires(req, when, NULL)
                    : awsv2_request_set_timestamp(req, when, NULL)) ||
        awsv2_request_string_to_sign(req, &sts, &len, NULL) ||
        !EVP_Q_mac(NULL, "HMAC", NULL, o->hash == AWSV2_HMAC_SHA1 ? "SHA1" : "SHA256", NULL,
                   secret, strlen(secret), (const unsigned char *)sts, len, mac, sizeof mac,
                   &mac_len) ||
        awsv2_request_set_mac(req, mac, mac_len, NULL))
        die("signing failed");
    reply r = o->method == AWSV2_POST
                  ? http("POST", awsv2_request_url(req), awsv2_request_query(req),
                         strlen(awsv2_request_query(req)), NULL, NULL)
                  : http("GET", awsv2_request_url(req), NULL, 0, NULL, NULL);
    awsv2_request_free(req);
    return r;
}

static xmlNode *find(xmlNode *node, const char *local, int *n)
{
    for (; node != NULL; node = node->next) {
        if (node->type == XML_ELEMENT_NODE && strcmp((const char *)node->name, local) == 0 &&
            (*n)-- == 0)
            return node;
        xmlNode *hit = find(node->children, local, n);
        if (hit != NULL)
            return hit;
    }
    return NULL;
}

static xmlDoc *parse(const reply *r)
{
    return r->body ? xmlReadMemory(r->body, (int)r->len, "reply.xml", NULL, XML_PARSE_NONET)
                   : NULL;
}

char *xml_text(const reply *r, const char *local, int n)
{
    xmlDoc *doc = parse(r);
    char *text = NULL;
    xmlNode *node = doc ? find(xmlDocGetRootElement(doc), local, &n) : NULL;
    if (node != NULL) {
        xmlChar *content = xmlNodeGetContent(node);
        text = strdup((const char *)content);
        xmlFree(content);
    }
    xmlFreeDoc(doc);
    return text;
}

int xml_count(const reply *r, const char *local)
{
    int count = 0;
    xmlDoc *doc = parse(r);
    for (int n = 0; doc != NULL; count++) {
        n = count;
        if (find(xmlDocGetRootElement(doc), local, &n) == NULL)
            break;
    }
    xmlFreeDoc(doc);
    return count;
}

const char *error_code(const reply *r)
{
    static char code[128];
    char *text = xml_text(r, "Code", 0);
    snprintf(code, sizeof code, "%s", text ? text : "");
    free(text);
    return code;
}

void md5_hex(const void *data, size_t n, char hex[33])
{
    unsigned char d[16];
    EVP_Digest(data, n, d, NULL, EVP_md5(), NULL);
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

void split_endpoint(const char *endpoint, char *host, size_t host_cap, char *path,
                    size_t path_cap)
{
    const char *auth = strstr(endpoint, "://") + 3;
    size_t len = strcspn(auth, "/");
    snprintf(host, host_cap, "%.*s", (int)len, auth);
    snprintf(path, path_cap, "%s", auth[len] ? auth + len : "/");
    const char *dflt = strncmp(endpoint, "https://", 8) == 0 ? ":443" : ":80";
    size_t n = strlen(host), d = strlen(dflt);
    if (n > d && strcmp(host + n - d, dflt) == 0)
        host[n - d] = '\0';
}

void percent_encode(const char *s, char *out)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~", *p)) {
            *out++ = (char)*p;
        } else {
            *out++ = '%';
            *out++ = hex[*p >> 4];
            *out++ = hex[*p & 15];
        }
    }
    *out = '\0';
}
