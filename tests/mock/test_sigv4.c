/* awsv2-mock's own SigV4 verifier (mock/sigv4.c, compiled into this test)
 * against the shared vectors of tests/core/sigv4.jsonl (botocore and a
 * plain reading of AWS's documentation agree on them; aws-doc-iam-listusers
 * is AWS's published example): every request is accepted, a presigned one
 * with exactly the vector's canonical request and string to sign, and
 * tampered copies are refused. Then the real awsv2-mock on 127.0.0.1, its
 * clock fixed with --now, hears each vector's request, tampered copies and
 * requests out of time, and answers with AWS's codes in the service's XML
 * shape. (tests/mock/sigv4_botocore.sh sends it requests botocore signs.) */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>

#include "../common/check_run.h"
#include "codec.h"
#include "harness.h"
#include "sigv4.h"
#include "sigv4_vectors.h"

#define MAX_VECTORS 64
#define MAX_HEADERS 16

typedef struct vector {
    const char *name, *kind, *key_id, *secret, *region, *service, *timestamp, *date;
    const char *canonical_request, *string_to_sign, *signature, *query, *authorization, *body;
    const char *signing_key;
    long expires;
    char host[256]; /* the Host header a client sends: no default port */
    char path[256];
    char url_query[8192]; /* the params, encoded, for a request with a header */
    json_object *headers;
    time_t when;
} vector;

static vector vectors[MAX_VECTORS];
static int nvectors;

static const char *field(json_object *v, const char *name)
{
    json_object *o;
    if (!json_object_object_get_ex(v, name, &o) || json_object_is_type(o, json_type_null))
        return NULL;
    return json_object_get_string(o);
}

static void join_params(vector *v, json_object *params)
{
    char *o = v->url_query;
    for (size_t i = 0; params != NULL && i < json_object_array_length(params); i++) {
        json_object *pair = json_object_array_get_idx(params, i);
        if (i > 0)
            *o++ = '&';
        percent_encode(json_object_get_string(json_object_array_get_idx(pair, 0)), o);
        o += strlen(o);
        *o++ = '=';
        percent_encode(json_object_get_string(json_object_array_get_idx(pair, 1)), o);
        o += strlen(o);
    }
    *o = '\0';
}

static void load_vectors(void)
{
    const sigv4_vector *all;
    size_t n = sigv4_vectors(&all);
    for (size_t i = 0; i < n && nvectors < MAX_VECTORS; i++) {
        const sigv4_vector *s = &all[i];
        json_object *doc = s->json, *o;
        vector *v = &vectors[nvectors++];
        v->name = s->name;
        v->kind = s->kind;
        v->key_id = s->key_id;
        v->secret = s->secret;
        v->region = s->region;
        v->service = s->service;
        v->timestamp = s->timestamp;
        v->date = s->date;
        v->canonical_request = s->canonical_request;
        v->string_to_sign = s->string_to_sign;
        v->signature = s->signature;
        v->query = field(doc, "query");
        v->authorization = s->authorization;
        v->body = s->body;
        v->signing_key = s->signing_key;
        v->expires = json_object_object_get_ex(doc, "expires", &o) ? json_object_get_int(o) : 0;
        json_object_object_get_ex(doc, "headers", &v->headers);
        if (field(doc, "endpoint") != NULL)
            split_endpoint(field(doc, "endpoint"), v->host, sizeof v->host, v->path,
                           sizeof v->path);
        if (json_object_object_get_ex(doc, "params", &o))
            join_params(v, o);
        if (v->timestamp != NULL && !mock_amz_date(v->timestamp, &v->when)) {
            fprintf(stderr, "%s: bad timestamp\n", v->name);
            exit(99);
        }
    }
}

static bool is(const vector *v, const char *kind)
{
    return strcmp(v->kind, kind) == 0;
}

/* ---- The verifier ------------------------------------------------------- */

/* A vector as the request the mock would receive. */
typedef struct built {
    sigv4_header h[MAX_HEADERS];
    char store[MAX_HEADERS][2][1024];
    sigv4_request r;
} built;

static void add_header(built *b, const char *name, const char *value)
{
    size_t n = b->r.n_headers++;
    ck_assert_uint_lt(n, MAX_HEADERS);
    snprintf(b->store[n][0], sizeof b->store[n][0], "%s", name);
    snprintf(b->store[n][1], sizeof b->store[n][1], "%s", value);
    b->h[n] = (sigv4_header){ b->store[n][0], b->store[n][1] };
}

static void build(const vector *v, built *b)
{
    memset(b, 0, sizeof *b);
    b->r.headers = b->h;
    b->r.path = v->path;
    if (is(v, "presigned-get")) {
        b->r.method = "GET";
        b->r.query = v->query;
        add_header(b, "Host", v->host);
        return;
    }
    b->r.method = is(v, "post-authorization") ? "POST" : "GET";
    b->r.query = is(v, "post-authorization") ? NULL : v->url_query;
    json_object_object_foreach(v->headers, name, value) add_header(b, name,
                                                                   json_object_get_string(value));
    add_header(b, "Authorization", v->authorization);
    b->r.body = v->body;
    b->r.body_len = strlen(v->body);
}

static sigv4_result verify(const sigv4_request *r, const char *secret, const char *name)
{
    sigv4_auth a;
    char why[512];
    ck_assert_msg(sigv4_parse(r, &a, why, sizeof why), "%s: %s", name, why);
    return sigv4_verify(r, &a, secret);
}

START_TEST(presigned_vectors_give_their_canonical_request)
{
    int seen = 0;
    for (int i = 0; i < nvectors; i++) {
        const vector *v = &vectors[i];
        if (!is(v, "presigned-get"))
            continue;
        built b;
        sigv4_auth a;
        char why[512];
        size_t len, sts_len;
        build(v, &b);
        ck_assert_msg(sigv4_parse(&b.r, &a, why, sizeof why), "%s: %s", v->name, why);
        ck_assert_int_eq(a.form, SIGV4_PRESIGNED);
        ck_assert_str_eq(a.key_id, v->key_id);
        ck_assert_str_eq(a.region, v->region);
        ck_assert_str_eq(a.service, v->service);
        ck_assert_int_eq(a.expires, v->expires);
        ck_assert(a.when == v->when);
        char *cr = sigv4_canonical_request(&b.r, &a, &len);
        ck_assert_ptr_nonnull(cr);
        ck_assert_msg(strcmp(cr, v->canonical_request) == 0,
                      "%s: canonical request\n%s\nwanted\n%s", v->name, cr, v->canonical_request);
        char *sts = sigv4_string_to_sign(&a, cr, len, &sts_len);
        ck_assert_str_eq(sts, v->string_to_sign);
        ck_assert_uint_eq(sts_len, strlen(v->string_to_sign));
        free(cr);
        free(sts);
        ck_assert_int_eq(sigv4_verify(&b.r, &a, v->secret), SIGV4_MATCH);
        seen++;
    }
    ck_assert_int_ge(seen, 6);
}
END_TEST

/* The Authorization header vectors, AWS's documented example among them. */
START_TEST(header_vectors_are_accepted)
{
    int seen = 0, aws = 0;
    for (int i = 0; i < nvectors; i++) {
        const vector *v = &vectors[i];
        if (!is(v, "post-authorization") && !is(v, "header-get"))
            continue;
        built b;
        build(v, &b);
        ck_assert_msg(verify(&b.r, v->secret, v->name) == SIGV4_MATCH, "%s refused", v->name);
        seen++;
        aws += strcmp(v->name, "aws-doc-iam-listusers") == 0;
    }
    ck_assert_int_ge(seen, 4);
    ck_assert_int_eq(aws, 1);
}
END_TEST

START_TEST(signing_keys)
{
    int seen = 0;
    for (int i = 0; i < nvectors; i++) {
        const vector *v = &vectors[i];
        if (v->signing_key == NULL)
            continue;
        unsigned char key[32];
        char hex[65];
        ck_assert(sigv4_signing_key(v->secret, v->date, v->region, v->service, key));
        mock_hex(key, sizeof key, hex);
        ck_assert_msg(strcmp(hex, v->signing_key) == 0, "%s", v->name);
        seen++;
    }
    ck_assert_int_ge(seen, 4);
}
END_TEST

/* One byte changed anywhere the signature covers is refused. */
START_TEST(tampered_requests_mismatch)
{
    for (int i = 0; i < nvectors; i++) {
        const vector *v = &vectors[i];
        if (is(v, "signing-key"))
            continue;
        built b;
        char text[65536];
        build(v, &b);

        /* the signature's last hex digit */
        sigv4_auth a;
        char why[512];
        ck_assert(sigv4_parse(&b.r, &a, why, sizeof why));
        a.signature[63] = a.signature[63] == '0' ? '1' : '0';
        ck_assert_int_eq(sigv4_verify(&b.r, &a, v->secret), SIGV4_MISMATCH);
        /* the secret */
        ck_assert_int_eq(verify(&b.r, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ", v->name),
                         SIGV4_MISMATCH);
        /* the host header */
        build(v, &b);
        for (size_t h = 0; h < b.r.n_headers; h++)
            if (strcasecmp(b.h[h].name, "host") == 0)
                b.store[h][1][0] ^= 0x01;
        ck_assert_msg(verify(&b.r, v->secret, v->name) == SIGV4_MISMATCH, "%s: host", v->name);
        /* the path */
        build(v, &b);
        snprintf(text, sizeof text, "%sx", v->path);
        b.r.path = text;
        ck_assert_msg(verify(&b.r, v->secret, v->name) == SIGV4_MISMATCH, "%s: path", v->name);
        /* one byte of the body, or of the query's first value */
        build(v, &b);
        if (b.r.body_len > 0) {
            snprintf(text, sizeof text, "%s", b.r.body);
            text[b.r.body_len - 1] ^= 0x01;
            b.r.body = text;
        } else {
            snprintf(text, sizeof text, "%s", b.r.query);
            char *eq = strchr(text, '=');
            eq[1] ^= 0x01;
            b.r.query = text;
        }
        ck_assert_msg(verify(&b.r, v->secret, v->name) == SIGV4_MISMATCH, "%s: payload/query",
                      v->name);
        /* the method */
        build(v, &b);
        b.r.method = strcmp(b.r.method, "GET") == 0 ? "POST" : "GET";
        ck_assert_msg(verify(&b.r, v->secret, v->name) == SIGV4_MISMATCH, "%s: method", v->name);
    }
}
END_TEST

/* AWS normalises the path: dot segments and repeated slashes go. */
START_TEST(path_is_normalised)
{
    static const char *const spellings[] = { "/123456789012/./my-queue", "//123456789012//my-queue",
                                             "/x/../123456789012/my-queue" };
    for (int i = 0; i < nvectors; i++) {
        const vector *v = &vectors[i];
        if (strcmp(v->name, "session-token") != 0)
            continue;
        for (size_t k = 0; k < sizeof spellings / sizeof spellings[0]; k++) {
            built b;
            build(v, &b);
            b.r.path = spellings[k];
            ck_assert_msg(verify(&b.r, v->secret, v->name) == SIGV4_MATCH, "%s", spellings[k]);
        }
        return;
    }
    ck_abort_msg("no session-token vector");
}
END_TEST

static const vector *first(const char *kind)
{
    for (int i = 0; i < nvectors; i++)
        if (is(&vectors[i], kind))
            return &vectors[i];
    ck_abort_msg("no %s vector", kind);
    return NULL;
}

/* Replaces the first occurrence of from in s (cap bytes) with to. */
static void replace(char *s, size_t cap, const char *from, const char *to)
{
    char *at = strstr(s, from), rest[65536];
    ck_assert_ptr_nonnull(at);
    snprintf(rest, sizeof rest, "%s", at + strlen(from));
    snprintf(at, cap - (size_t)(at - s), "%s%s", to, rest);
}

static bool parses(const sigv4_request *r, char *why, size_t cap)
{
    sigv4_auth a;
    return sigv4_parse(r, &a, why, cap);
}

START_TEST(incomplete_authorization_headers)
{
    static const char *const cuts[][2] = {
        { "Credential=", "Cred=" },
        { ", SignedHeaders=content-type;host;x-amz-date", "" },
        { "Signature=", "Sig=" },
        { "/aws4_request", "" },
        { "/20261121/", "/2026112/" },
        { "content-type;host;x-amz-date", "content-type;x-amz-date" },
        { "content-type;host;x-amz-date", "host;content-type;x-amz-date" },
        { "content-type;host;x-amz-date", "content-type;Host;x-amz-date" },
        { "content-type;host;x-amz-date", "content-type;host;host;x-amz-date" },
        { "SignedHeaders=", "SignedHeaders=content-type;host;x-amz-date, SignedHeaders=" },
    };
    const vector *v = first("post-authorization");
    char why[512];
    built b;
    for (size_t k = 0; k < sizeof cuts / sizeof cuts[0]; k++) {
        build(v, &b);
        size_t h = b.r.n_headers - 1; /* Authorization */
        replace(b.store[h][1], sizeof b.store[h][1], cuts[k][0], cuts[k][1]);
        ck_assert_msg(!parses(&b.r, why, sizeof why), "accepted: %s", b.store[h][1]);
    }
    build(v, &b);
    for (size_t h = 0; h < b.r.n_headers; h++)
        if (strcasecmp(b.h[h].name, "x-amz-date") == 0)
            b.h[h].name = "x-amz-dat";
    ck_assert(!parses(&b.r, why, sizeof why));
    ck_assert_ptr_nonnull(strstr(why, "X-Amz-Date"));
    build(v, &b);
    for (size_t h = 0; h < b.r.n_headers; h++)
        if (strcasecmp(b.h[h].name, "x-amz-date") == 0)
            b.h[h].value = "2026-11-21T12:00:00Z";
    ck_assert(!parses(&b.r, why, sizeof why));
    /* both mechanisms at once */
    build(v, &b);
    b.r.query = "X-Amz-Algorithm=AWS4-HMAC-SHA256";
    ck_assert_int_eq(sigv4_form_of(&b.r), SIGV4_BOTH);
    ck_assert(!parses(&b.r, why, sizeof why));
}
END_TEST

START_TEST(incomplete_presigned_queries)
{
    static const char *const names[] = { "X-Amz-Algorithm=", "X-Amz-Credential=",
                                         "X-Amz-Date=", "X-Amz-Expires=",
                                         "X-Amz-SignedHeaders=", "X-Amz-Signature=" };
    static const char *const bad[][2] = {
        { "X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-Algorithm=AWS4-HMAC-SHA1" },
        { "X-Amz-Expires=900", "X-Amz-Expires=0" },
        { "X-Amz-Expires=900", "X-Amz-Expires=604801" },
        { "X-Amz-Expires=900", "X-Amz-Expires=9x" },
        { "X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=x-amz-date" },
        { "X-Amz-Date=20261121T120000Z", "X-Amz-Date=20261121T126000Z" },
        { "%2Faws4_request", "" },
    };
    const vector *v = first("presigned-get");
    char why[512], q[8192];
    built b;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        build(v, &b);
        snprintf(q, sizeof q, "%s", v->query);
        replace(q, sizeof q, names[k], "Other=");
        b.r.query = q;
        ck_assert_msg(!parses(&b.r, why, sizeof why), "accepted without %s", names[k]);
        ck_assert_msg(strstr(why, "must include") != NULL, "%s: %s", names[k], why);
    }
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        build(v, &b);
        snprintf(q, sizeof q, "%s", v->query);
        replace(q, sizeof q, bad[k][0], bad[k][1]);
        b.r.query = q;
        ck_assert_msg(!parses(&b.r, why, sizeof why), "accepted: %s", bad[k][1]);
    }
}
END_TEST

/* ---- The real awsv2-mock ------------------------------------------------ */

static bool sqs(const vector *v)
{
    return strcmp(v->service, "sqs") == 0;
}

static void start_at(mock_proc *m, time_t when)
{
    char now[32];
    struct tm tm;
    gmtime_r(&when, &tm);
    strftime(now, sizeof now, "%Y%m%dT%H%M%SZ", &tm);
    const char *const extra[] = { "--now", now, NULL };
    mock_start(m, extra);
}

/* The vector's queue, created with SigV2 at the mock's time. */
static void create_queue(const mock_proc *m, const vector *v, time_t now)
{
    const char *name = strrchr(v->path, '/') + 1;
    sign_opts o = { .method = AWSV2_GET, .hash = AWSV2_HMAC_SHA256, .when = now };
    reply r = call(m->url, &o,
                   (const char *const[]){ "Action", "CreateQueue", "QueueName", name, NULL });
    ck_assert_msg(r.status == 200, "CreateQueue %s: %ld %s", name, r.status, error_code(&r));
    reply_free(&r);
}

/* What to change in a vector's request. */
typedef struct tamper {
    const char *from, *to;  /* in the query or the Authorization header */
    const char *host;       /* instead of the vector's */
    const char *header;     /* one more header */
    bool body_byte;         /* one byte of the body changed */
    bool no_date;           /* without X-Amz-Date */
} tamper;

static reply send_vector(const mock_proc *m, const vector *v, const tamper *t)
{
    char url[16384], auth[2048], host[300], q[8192], body[8192];
    char store[MAX_HEADERS][1024];
    const char *headers[MAX_HEADERS + 1];
    size_t n = 0;
    snprintf(host, sizeof host, "Host: %s", t && t->host ? t->host : v->host);
    headers[n++] = host;
    if (t && t->header)
        headers[n++] = t->header;
    if (is(v, "presigned-get")) {
        snprintf(q, sizeof q, "%s", v->query);
        if (t && t->from)
            replace(q, sizeof q, t->from, t->to);
        snprintf(url, sizeof url, "%s%s?%s", m->url, v->path + 1, q);
        headers[n] = NULL;
        return http_with("GET", url, NULL, 0, headers);
    }
    json_object_object_foreach(v->headers, name, value)
    {
        if (strcmp(name, "host") == 0 || (t && t->no_date && strcmp(name, "x-amz-date") == 0))
            continue;
        snprintf(store[n], sizeof store[n], "%s: %s", name, json_object_get_string(value));
        headers[n] = store[n];
        n++;
    }
    snprintf(auth, sizeof auth, "Authorization: %s", v->authorization);
    if (t && t->from)
        replace(auth, sizeof auth, t->from, t->to);
    headers[n++] = auth;
    headers[n] = NULL;
    snprintf(body, sizeof body, "%s", v->body);
    if (t && t->body_byte) {
        /* a letter or digit of the last value: still a well-formed form */
        char *c = body + strlen(body) - 1;
        while (c > body && !((*c >= 'a' && *c <= 'y') || (*c >= '0' && *c <= '8')))
            c--;
        (*c)++;
    }
    snprintf(url, sizeof url, "%s%s", m->url, v->path + 1);
    return http_with("POST", url, body, strlen(body), headers);
}

static const char *const auth_codes[] = { "SignatureDoesNotMatch", "IncompleteSignature",
                                          "AuthFailure", "InvalidClientTokenId",
                                          "RequestExpired", "XAmzContentSHA256Mismatch",
                                          "MissingParameter" };

static void expect_accepted(const vector *v, reply *r, const char *what)
{
    const char *code = error_code(r);
    for (size_t i = 0; i < sizeof auth_codes / sizeof auth_codes[0]; i++)
        ck_assert_msg(strcmp(code, auth_codes[i]) != 0, "%s%s: %ld %s", v->name, what, r->status,
                      code);
    ck_assert_msg(r->status == 200 || r->status == 400, "%s%s: %ld", v->name, what, r->status);
    if (sqs(v))
        ck_assert_msg(r->status == 200, "%s%s: %ld %s", v->name, what, r->status, code);
    reply_free(r);
}

/* An error in the service's shape: SQS's ErrorResponse, EC2's Response. */
static void expect_error(const vector *v, reply *r, long status, const char *code,
                         const char *what)
{
    ck_assert_msg(r->status == status && strcmp(error_code(r), code) == 0,
                  "%s, %s: %ld %s, wanted %ld %s", v->name, what, r->status, error_code(r), status,
                  code);
    ck_assert_msg(xml_count(r, sqs(v) ? "ErrorResponse" : "Response") == 1, "%s, %s: shape\n%s",
                  v->name, what, r->body);
    reply_free(r);
}

static bool sendable(const vector *v)
{
    return is(v, "presigned-get") || is(v, "post-authorization");
}

START_TEST(the_mock_accepts_the_vectors)
{
    int sent = 0;
    for (int i = 0; i < nvectors; i++) {
        const vector *v = &vectors[i];
        if (!sendable(v))
            continue;
        mock_proc m;
        reply r;
        start_at(&m, v->when);
        if (sqs(v))
            create_queue(&m, v, v->when);
        r = send_vector(&m, v, NULL);
        expect_accepted(v, &r, "");
        sent++;
        ck_assert_int_eq(mock_stop(&m), 0);
    }
    ck_assert_int_ge(sent, 10);
}
END_TEST

START_TEST(tampered_copies_are_refused)
{
    for (int i = 0; i < nvectors; i++) {
        const vector *v = &vectors[i];
        if (!sendable(v))
            continue;
        bool pre = is(v, "presigned-get");
        const char *sep = pre ? "%2F" : "/";
        char sig[80], sig2[80], svc[64], svc2[64], region[80], region2[80], key[64], key2[64];
        mock_proc m;
        reply r;
        start_at(&m, v->when);
        if (sqs(v))
            create_queue(&m, v, v->when);

        snprintf(sig, sizeof sig, "Signature=%s", v->signature);
        snprintf(sig2, sizeof sig2, "%s", sig);
        sig2[strlen(sig2) - 1] = sig2[strlen(sig2) - 1] == '0' ? '1' : '0';
        r = send_vector(&m, v, &(tamper){ .from = sig, .to = sig2 });
        expect_error(v, &r, 403, "SignatureDoesNotMatch", "signature");

        if (!pre) {
            r = send_vector(&m, v, &(tamper){ .body_byte = true });
            expect_error(v, &r, 403, "SignatureDoesNotMatch", "body byte");
            r = send_vector(&m, v, &(tamper){ .no_date = true });
            expect_error(v, &r, 400, "IncompleteSignature", "no X-Amz-Date");
            r = send_vector(&m, v, &(tamper){ .from = "Signature=", .to = "Sig=" });
            expect_error(v, &r, 400, "IncompleteSignature", "no Signature");
            static const char empty_hash[] = "X-Amz-Content-Sha256: e3b0c44298fc1c149afbf4c8996fb9"
                                             "2427ae41e4649b934ca495991b7852b855";
            r = send_vector(&m, v, &(tamper){ .header = empty_hash });
            expect_error(v, &r, 400, "XAmzContentSHA256Mismatch", "wrong content hash");
        } else {
            r = send_vector(&m, v, &(tamper){ .from = "&X-Amz-Credential=", .to = "&Credential=" });
            expect_error(v, &r, 400, "IncompleteSignature", "no X-Amz-Credential");
            r = send_vector(&m, v, &(tamper){ .from = "X-Amz-Date=", .to = "X-Amz-Dat=" });
            expect_error(v, &r, 400, "IncompleteSignature", "no X-Amz-Date");
        }
        /* a signed header */
        char host[300];
        snprintf(host, sizeof host, "x%s", v->host);
        r = send_vector(&m, v, &(tamper){ .host = host });
        expect_error(v, &r, 403, "SignatureDoesNotMatch", "host");

        /* the scope's service: the other one of the mock's, or a third */
        snprintf(svc, sizeof svc, "%s%s%s", sep, v->service, sep);
        snprintf(svc2, sizeof svc2, "%s%s%s", sep, sqs(v) ? "ec2" : "sqs", sep);
        r = send_vector(&m, v, &(tamper){ .from = svc, .to = svc2 });
        ck_assert_msg(r.body && strstr(r.body, "scoped to correct service"), "%s", v->name);
        expect_error(v, &r, 403, "SignatureDoesNotMatch", "service");
        ck_assert(strstr(svc2, "s3") == NULL);
        snprintf(svc2, sizeof svc2, "%ss3%s", sep, sep);
        r = send_vector(&m, v, &(tamper){ .from = svc, .to = svc2 });
        expect_error(v, &r, 403, "SignatureDoesNotMatch", "service s3");

        /* another region is served, but the signature is then wrong */
        snprintf(region, sizeof region, "%s%s%s", sep, v->region, sep);
        snprintf(region2, sizeof region2, "%sus-gov-west-1%s", sep, sep);
        r = send_vector(&m, v, &(tamper){ .from = region, .to = region2 });
        expect_error(v, &r, 403, "SignatureDoesNotMatch", "region");

        /* a key the mock does not know */
        snprintf(key, sizeof key, "=%s%s", v->key_id, sep);
        snprintf(key2, sizeof key2, "=AKIAUNKNOWNKEYEXAMPL%s", sep);
        r = send_vector(&m, v, &(tamper){ .from = key, .to = key2 });
        if (sqs(v))
            expect_error(v, &r, 403, "InvalidClientTokenId", "unknown key");
        else
            expect_error(v, &r, 401, "AuthFailure", "unknown key");
        ck_assert_int_eq(mock_stop(&m), 0);
    }
}
END_TEST

/* Presigned: valid until X-Amz-Date + X-Amz-Expires; with a header: within
 * 15 minutes of X-Amz-Date either way. */
START_TEST(requests_out_of_time_are_refused)
{
    for (int i = 0; i < nvectors; i++) {
        const vector *v = &vectors[i];
        if (!sendable(v))
            continue;
        bool pre = is(v, "presigned-get");
        time_t ok[2] = { pre ? v->when + v->expires : v->when + 15 * 60, v->when - 15 * 60 };
        time_t late[2] = { pre ? v->when + v->expires + 1 : v->when + 16 * 60,
                           v->when - 16 * 60 };
        for (int k = 0; k < 2; k++) {
            mock_proc m;
            reply r;
            start_at(&m, ok[k]);
            if (sqs(v))
                create_queue(&m, v, ok[k]);
            r = send_vector(&m, v, NULL);
            expect_accepted(v, &r, k ? " 15 min early" : " at its limit");
            ck_assert_int_eq(mock_stop(&m), 0);
            start_at(&m, late[k]);
            r = send_vector(&m, v, NULL);
            expect_error(v, &r, 400, "RequestExpired", k ? "16 min early" : "past its limit");
            ck_assert_int_eq(mock_stop(&m), 0);
        }
    }
}
END_TEST

int main(void)
{
    load_vectors();
    Suite *s = suite_create("awsv2-mock sigv4");
    TCase *tc = tcase_create("verifier");
    tcase_add_test(tc, presigned_vectors_give_their_canonical_request);
    tcase_add_test(tc, header_vectors_are_accepted);
    tcase_add_test(tc, signing_keys);
    tcase_add_test(tc, tampered_requests_mismatch);
    tcase_add_test(tc, path_is_normalised);
    tcase_add_test(tc, incomplete_authorization_headers);
    tcase_add_test(tc, incomplete_presigned_queries);
    suite_add_tcase(s, tc);
    tc = tcase_create("process");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, the_mock_accepts_the_vectors);
    tcase_add_test(tc, tampered_copies_are_refused);
    tcase_add_test(tc, requests_out_of_time_are_refused);
    suite_add_tcase(s, tc);
    return check_run(s);
}
