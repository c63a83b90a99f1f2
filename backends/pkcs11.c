/* The pkcs11: backend: the HMAC computed in a PKCS#11 token (docs/pkcs11.md).
 *
 * The spec is an RFC 7512 URI, parsed by libp11-kit (p11_kit_uri_parse),
 * which also loads the module: the one module-path names, else every module
 * p11-kit is configured with, of which the one holding the token is kept.
 * A key is a secret-key object labelled with its access key id; SigV4 uses
 * a second object, labelled ID/aws4, holding "AWS4" + secret, with which
 * the token computes kDate; the host derives kRegion, kService and
 * kSigning (sigv4_host.h), so kDate, good for one day in every region and
 * service, passes through this process's memory and is wiped there.
 *
 * Threads share a pool of sessions under one login (PKCS#11 logs the whole
 * application in). A call that finds the token gone (removed, reset,
 * finalised under us) fails with AWSV2_E_DEVICE and marks the connection
 * broken; the next call, once no session is in use, finalises the module
 * and connects again from scratch (initialise, find the token, log in), so
 * a token that comes back is used again without restarting the process.
 * The PIN is read from its source at each login and wiped right after. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <p11-kit/p11-kit.h>
#include <p11-kit/uri.h>

#include "awsv2_sts.h"
#include "secret_file.h"
#include "signer_impl.h"
#include "sigv4_host.h"

/* The environment variable read for the PIN when the spec names no
 * pin-source. */
#define DEFAULT_PIN_ENV "AWSV2_PKCS11_PIN"
/* The label of a key's SigV4 object is its key id and this. */
#define AWS4_SUFFIX "/aws4"
#define LABEL_MAX (AWSV2_KEY_ID_SIZE + sizeof AWS4_SUFFIX)
#define PIN_MAX 256
#define POOL_MAX 32
#define KEY_CACHE 16

enum { OBJ_SECRET, OBJ_AWS4 };

/* Handles of a key's two objects found in this connection (gen). */
struct key_handles {
    char key_id[AWSV2_KEY_ID_SIZE];
    CK_OBJECT_HANDLE obj[2]; /* CK_INVALID_HANDLE: not looked up yet */
    unsigned long gen;
};

struct pkcs11_signer {
    pthread_mutex_t lock;
    pthread_cond_t changed; /* a session came back or the connection changed */
    CK_FUNCTION_LIST *module; /* loaded for the signer's life */
    bool initialized, broken;
    CK_SLOT_ID slot;
    unsigned long gen; /* bumped at each disconnection: older sessions are gone */
    CK_SESSION_HANDLE idle[POOL_MAX];
    size_t nidle, busy, max_sessions;
    struct key_handles cache[KEY_CACHE];
    unsigned next_slot;
    P11KitUri *uri;
    char *pin_file;          /* pin-source=file:PATH */
    char *pin_env;           /* pin-source=env:NAME, or DEFAULT_PIN_ENV */
    char only_key[AWSV2_KEY_ID_SIZE]; /* object=: the one key this signer uses; "" any */
    unsigned char *id;       /* id=: the CKA_ID of both objects; NULL any */
    size_t id_len;
    char token[33];          /* the token's label, for messages */
    unsigned caps;           /* AWSV2_SIGNER_CAN_*, from the mechanisms at open */
    struct awsv2__scope_keys *keys;
    char *spec;
    char description[256];
};

/* ---- Messages -------------------------------------------------------------- */

static const char *ckr_name(CK_RV rv)
{
    switch (rv) {
#define N(x)                                                                                      \
    case x:                                                                                       \
        return #x;
        N(CKR_OK) N(CKR_HOST_MEMORY) N(CKR_SLOT_ID_INVALID) N(CKR_GENERAL_ERROR)
        N(CKR_FUNCTION_FAILED) N(CKR_ARGUMENTS_BAD) N(CKR_ATTRIBUTE_READ_ONLY)
        N(CKR_ATTRIBUTE_TYPE_INVALID) N(CKR_ATTRIBUTE_VALUE_INVALID) N(CKR_DEVICE_ERROR)
        N(CKR_DEVICE_MEMORY) N(CKR_DEVICE_REMOVED) N(CKR_FUNCTION_NOT_SUPPORTED)
        N(CKR_KEY_HANDLE_INVALID) N(CKR_KEY_SIZE_RANGE) N(CKR_KEY_TYPE_INCONSISTENT)
        N(CKR_KEY_FUNCTION_NOT_PERMITTED) N(CKR_MECHANISM_INVALID) N(CKR_MECHANISM_PARAM_INVALID)
        N(CKR_OBJECT_HANDLE_INVALID) N(CKR_OPERATION_ACTIVE) N(CKR_PIN_INCORRECT)
        N(CKR_PIN_INVALID) N(CKR_PIN_LEN_RANGE) N(CKR_PIN_EXPIRED) N(CKR_PIN_LOCKED)
        N(CKR_SESSION_CLOSED) N(CKR_SESSION_COUNT) N(CKR_SESSION_HANDLE_INVALID)
        N(CKR_SESSION_READ_ONLY) N(CKR_TEMPLATE_INCOMPLETE) N(CKR_TEMPLATE_INCONSISTENT)
        N(CKR_TOKEN_NOT_PRESENT) N(CKR_TOKEN_NOT_RECOGNIZED) N(CKR_TOKEN_WRITE_PROTECTED)
        N(CKR_USER_NOT_LOGGED_IN) N(CKR_USER_PIN_NOT_INITIALIZED) N(CKR_USER_TYPE_INVALID)
        N(CKR_DATA_LEN_RANGE) N(CKR_BUFFER_TOO_SMALL) N(CKR_CRYPTOKI_NOT_INITIALIZED)
        N(CKR_CRYPTOKI_ALREADY_INITIALIZED) N(CKR_CANT_LOCK)
#undef N
    }
    return "CKR_VENDOR_OR_UNKNOWN";
}

/* Whether rv means the token or the connection to it is gone: the
 * connection is then rebuilt before the next call. */
static bool gone(CK_RV rv)
{
    switch (rv) {
    case CKR_DEVICE_ERROR:
    case CKR_DEVICE_MEMORY:
    case CKR_DEVICE_REMOVED:
    case CKR_TOKEN_NOT_PRESENT:
    case CKR_TOKEN_NOT_RECOGNIZED:
    case CKR_SESSION_CLOSED:
    case CKR_SESSION_HANDLE_INVALID:
    case CKR_SLOT_ID_INVALID:
    case CKR_USER_NOT_LOGGED_IN:
    case CKR_CRYPTOKI_NOT_INITIALIZED:
    case CKR_GENERAL_ERROR:
    case CKR_FUNCTION_FAILED:
        return true;
    default:
        return false;
    }
}

/* The error of a failed call fn: AWSV2_E_DEVICE when the token went away
 * (the next call reconnects), else AWSV2_E_SIGNER. */
static awsv2_status ck_fail(const struct pkcs11_signer *s, const char *fn, CK_RV rv,
                            awsv2_error *err)
{
    if (gone(rv))
        return awsv2_error_set(err, AWSV2_E_DEVICE, "device-gone",
                               "signer %s: %s failed: %s (%s); the token is gone or was "
                               "reset, the next call connects again",
                               s->description, fn, ckr_name(rv), p11_kit_strerror(rv));
    return awsv2__fail(err, AWSV2_E_SIGNER, "signer %s: %s failed: %s (%s)", s->description, fn,
                       ckr_name(rv), p11_kit_strerror(rv));
}

/* ---- Connection ----------------------------------------------------------- */

static awsv2_status read_pin(struct pkcs11_signer *s, char **pin, size_t *len, awsv2_error *err)
{
    *pin = NULL;
    *len = 0;
    if (s->pin_file) {
        awsv2_status st = awsv2__secret_file_read(s->pin_file, AWSV2__SECRET_FILE_PRIVATE,
                                                  PIN_MAX, pin, len, NULL, err);
        if (st)
            return st;
        /* A file written with echo ends with a newline that is no part of it. */
        while (*len && ((*pin)[*len - 1] == '\n' || (*pin)[*len - 1] == '\r'))
            (*pin)[--*len] = '\0';
        if (*len == 0 || memchr(*pin, '\0', *len)) {
            awsv2__secret_file_free(*pin, *len);
            *pin = NULL;
            return awsv2__fail(err, AWSV2_E_CONFIG, "signer %s: PIN file '%s' is empty or "
                               "holds a NUL byte", s->description, s->pin_file);
        }
        return AWSV2_OK;
    }
    const char *v = getenv(s->pin_env);
    if (v && *v) {
        *len = strlen(v);
        *pin = malloc(*len + 1);
        if (!*pin)
            return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
        memcpy(*pin, v, *len + 1);
    }
    return AWSV2_OK;
}

static void free_pin(char *pin, size_t len)
{
    if (pin)
        awsv2__secret_file_free(pin, len);
}

static awsv2_status login(struct pkcs11_signer *s, CK_SESSION_HANDLE sess, bool required,
                          awsv2_error *err)
{
    char *pin;
    size_t len;
    awsv2_status st = read_pin(s, &pin, &len, err);
    if (st)
        return st;
    if (!pin) {
        if (!required)
            return AWSV2_OK;
        return awsv2__fail(err, AWSV2_E_CREDENTIALS,
                           "signer %s: token '%s' needs its user PIN: set %s, or name a file "
                           "with pin-source=file:PATH (a PIN is never taken from the spec)",
                           s->description, s->token, s->pin_env);
    }
    CK_RV rv = s->module->C_Login(sess, CKU_USER, (CK_UTF8CHAR_PTR)pin, len);
    free_pin(pin, len);
    switch (rv) {
    case CKR_OK:
    case CKR_USER_ALREADY_LOGGED_IN:
        return AWSV2_OK;
    case CKR_PIN_INCORRECT:
    case CKR_PIN_INVALID:
    case CKR_PIN_LEN_RANGE:
        return awsv2_error_set(err, AWSV2_E_REFUSED, "pin-incorrect",
                               "signer %s: token '%s' refused the PIN from %s%s: %s",
                               s->description, s->token, s->pin_file ? "file " : "$",
                               s->pin_file ? s->pin_file : s->pin_env, ckr_name(rv));
    case CKR_PIN_LOCKED:
    case CKR_PIN_EXPIRED:
        return awsv2_error_set(err, AWSV2_E_REFUSED, "pin-locked",
                               "signer %s: token '%s' will not log in: %s (%s)", s->description,
                               s->token, ckr_name(rv), p11_kit_strerror(rv));
    default:
        return ck_fail(s, "C_Login", rv, err);
    }
}

static void label_of(const CK_UTF8CHAR *padded, size_t n, char *out)
{
    while (n && padded[n - 1] == ' ')
        n--;
    memcpy(out, padded, n);
    out[n] = '\0';
}

/* Finds the slot whose token the URI names in module m (initialised): the
 * first match into *slot and *tinfo, how many matched into *matches. */
static CK_RV find_slot(struct pkcs11_signer *s, CK_FUNCTION_LIST *m, size_t *matches,
                       CK_SLOT_ID *slot, CK_TOKEN_INFO *tinfo)
{
    CK_INFO info;
    *matches = 0;
    CK_RV rv = m->C_GetInfo(&info);
    if (rv != CKR_OK)
        return rv;
    if (!p11_kit_uri_match_module_info(s->uri, &info))
        return CKR_OK;
    CK_ULONG n = 0;
    if ((rv = m->C_GetSlotList(CK_TRUE, NULL, &n)) != CKR_OK || n == 0)
        return rv;
    CK_SLOT_ID *slots = calloc(n, sizeof *slots);
    if (!slots)
        return CKR_HOST_MEMORY;
    if ((rv = m->C_GetSlotList(CK_TRUE, slots, &n)) == CKR_OK) {
        for (CK_ULONG i = 0; i < n; i++) {
            CK_SLOT_INFO si;
            CK_TOKEN_INFO ti;
            if (m->C_GetSlotInfo(slots[i], &si) != CKR_OK ||
                m->C_GetTokenInfo(slots[i], &ti) != CKR_OK)
                continue;
            /* slot-id= is no part of CK_SLOT_INFO: p11-kit leaves it to us. */
            CK_SLOT_ID want = p11_kit_uri_get_slot_id(s->uri);
            if ((want != (CK_SLOT_ID)-1 && want != slots[i]) ||
                !p11_kit_uri_match_slot_info(s->uri, &si) ||
                !p11_kit_uri_match_token_info(s->uri, &ti))
                continue;
            if (++*matches == 1) {
                *slot = slots[i];
                *tinfo = ti;
            }
        }
    }
    free(slots);
    return rv;
}

/* Under s->lock: initialises the module, finds the token, opens the first
 * session and logs in. */
static awsv2_status connect_locked(struct pkcs11_signer *s, awsv2_error *err)
{
    CK_C_INITIALIZE_ARGS args = {.flags = CKF_OS_LOCKING_OK};
    CK_RV rv = s->module->C_Initialize(&args);
    if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED)
        return awsv2__fail(err, AWSV2_E_DEVICE, "signer %s: C_Initialize failed: %s (%s)",
                           s->description, ckr_name(rv), p11_kit_strerror(rv));
    s->initialized = true;
    size_t matches = 0;
    CK_TOKEN_INFO ti;
    awsv2_status st = AWSV2_OK;
    rv = find_slot(s, s->module, &matches, &s->slot, &ti);
    if (rv != CKR_OK)
        st = ck_fail(s, "C_GetSlotList", rv, err);
    else if (matches == 0)
        st = awsv2_error_set(err, AWSV2_E_DEVICE, "token-not-found",
                             "signer %s: no token matches (not plugged in, not initialised, or "
                             "another label?)", s->description);
    else if (matches > 1)
        st = awsv2__fail(err, AWSV2_E_SPEC,
                         "signer %s: %zu tokens match: name one with token=LABEL or serial=",
                         s->description, matches);
    CK_SESSION_HANDLE sess = CK_INVALID_HANDLE;
    if (!st) {
        label_of(ti.label, sizeof ti.label, s->token);
        CK_MECHANISM_INFO mi;
        if (s->module->C_GetMechanismInfo(s->slot, CKM_SHA256_HMAC, &mi) != CKR_OK ||
            !(mi.flags & CKF_SIGN))
            st = awsv2_error_set(err, AWSV2_E_UNAVAILABLE, "mechanism-unsupported",
                                 "signer %s: token '%s' cannot sign with HMAC-SHA256 "
                                 "(CKM_SHA256_HMAC)", s->description, s->token);
        else if (!s->caps) /* once, at open: read without the lock afterwards */
            s->caps = AWSV2_SIGNER_CAN_HMAC_SHA256 | AWSV2_SIGNER_CAN_SIGV4 |
                      (s->module->C_GetMechanismInfo(s->slot, CKM_SHA_1_HMAC, &mi) == CKR_OK &&
                               (mi.flags & CKF_SIGN)
                           ? AWSV2_SIGNER_CAN_HMAC_SHA1
                           : 0u);
    }
    if (!st) {
        /* A token that says "no limit" (0, or CK_EFFECTIVELY_INFINITE) still
         * gets a bounded pool. */
        s->max_sessions = ti.ulMaxSessionCount == CK_UNAVAILABLE_INFORMATION ||
                                  ti.ulMaxSessionCount == 0 || ti.ulMaxSessionCount > POOL_MAX
                              ? POOL_MAX
                              : ti.ulMaxSessionCount;
        rv = s->module->C_OpenSession(s->slot, CKF_SERIAL_SESSION, NULL, NULL, &sess);
        if (rv != CKR_OK)
            st = ck_fail(s, "C_OpenSession", rv, err);
    }
    if (!st)
        st = login(s, sess, (ti.flags & CKF_LOGIN_REQUIRED) != 0, err);
    if (st) {
        s->module->C_Finalize(NULL);
        s->initialized = false;
        return st;
    }
    s->idle[s->nidle++] = sess;
    return AWSV2_OK;
}

/* Under s->lock, with no session in use. */
static void disconnect_locked(struct pkcs11_signer *s)
{
    if (s->initialized)
        s->module->C_Finalize(NULL); /* closes every session */
    s->initialized = false;
    s->broken = false;
    s->nidle = 0;
    s->gen++;
}

/* A session of the pool in use: its handle, the connection's generation
 * it was opened in (a session of an older one is dropped, never given
 * back) and whether it is read-write (closed after use). */
struct session {
    CK_SESSION_HANDLE h;
    unsigned long gen;
    bool rw;
};

/* A session of the pool (rw: a fresh read-write one, closed at release),
 * connecting first when needed. */
static awsv2_status acquire(struct pkcs11_signer *s, bool rw, struct session *ss,
                            awsv2_error *err)
{
    awsv2_status st = AWSV2_OK;
    ss->rw = rw;
    pthread_mutex_lock(&s->lock);
    for (;;) {
        if (s->broken) {
            if (s->busy) {
                pthread_cond_wait(&s->changed, &s->lock);
                continue;
            }
            disconnect_locked(s);
        }
        if (!s->initialized && (st = connect_locked(s, err)))
            break;
        if (!rw && s->nidle) {
            ss->h = s->idle[--s->nidle];
            break;
        }
        if (s->busy + s->nidle < s->max_sessions || (rw && s->busy < s->max_sessions)) {
            CK_FLAGS flags = CKF_SERIAL_SESSION | (rw ? CKF_RW_SESSION : 0);
            if (rw && s->busy + s->nidle >= s->max_sessions && s->nidle)
                s->module->C_CloseSession(s->idle[--s->nidle]); /* make room */
            CK_RV rv = s->module->C_OpenSession(s->slot, flags, NULL, NULL, &ss->h);
            if (rv == CKR_OK)
                break;
            if (rv != CKR_SESSION_COUNT || !s->busy) {
                s->broken = gone(rv);
                st = ck_fail(s, "C_OpenSession", rv, err);
                break;
            }
        }
        pthread_cond_wait(&s->changed, &s->lock);
    }
    if (!st) {
        s->busy++;
        ss->gen = s->gen;
    }
    pthread_mutex_unlock(&s->lock);
    return st;
}

/* Gives back a session that the last call on it answered rv. */
static void release(struct pkcs11_signer *s, const struct session *ss, CK_RV rv)
{
    pthread_mutex_lock(&s->lock);
    s->busy--;
    if (ss->gen == s->gen) {
        if (gone(rv))
            s->broken = true;
        else if (ss->rw)
            s->module->C_CloseSession(ss->h);
        else
            s->idle[s->nidle++] = ss->h;
    }
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
}

/* ---- Keys ----------------------------------------------------------------- */

static void label(const char *key_id, int which, char out[LABEL_MAX])
{
    snprintf(out, LABEL_MAX, "%s%s", key_id, which == OBJ_AWS4 ? AWS4_SUFFIX : "");
}

/* The secret-key objects labelled lab (and with the spec's id=): up to
 * cap handles into h, how many into *n. */
static CK_RV find_objects(struct pkcs11_signer *s, CK_SESSION_HANDLE sess, const char *lab,
                          CK_OBJECT_HANDLE *h, CK_ULONG cap, CK_ULONG *n)
{
    CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
    CK_ATTRIBUTE tmpl[3] = {
        {CKA_CLASS, &cls, sizeof cls},
    };
    CK_ULONG nt = 1;
    if (lab)
        tmpl[nt++] = (CK_ATTRIBUTE){CKA_LABEL, (void *)lab, strlen(lab)};
    if (s->id)
        tmpl[nt++] = (CK_ATTRIBUTE){CKA_ID, s->id, s->id_len};
    CK_RV rv = s->module->C_FindObjectsInit(sess, tmpl, nt);
    if (rv != CKR_OK)
        return rv;
    *n = 0;
    rv = s->module->C_FindObjects(sess, h, cap, n);
    CK_RV rv2 = s->module->C_FindObjectsFinal(sess);
    return rv != CKR_OK ? rv : rv2;
}

/* Refuses an object whose secret could leave the token, or that cannot
 * sign: a key the token would hand out is no better than a file. */
static awsv2_status check_object(struct pkcs11_signer *s, CK_SESSION_HANDLE sess,
                                 CK_OBJECT_HANDLE h, const char *lab, CK_RV *rv,
                                 awsv2_error *err)
{
    CK_BBOOL sign = CK_FALSE, extractable = CK_TRUE, sensitive = CK_FALSE;
    CK_ATTRIBUTE a[] = {
        {CKA_SIGN, &sign, sizeof sign},
        {CKA_EXTRACTABLE, &extractable, sizeof extractable},
        {CKA_SENSITIVE, &sensitive, sizeof sensitive},
    };
    *rv = s->module->C_GetAttributeValue(sess, h, a, 3);
    if (*rv != CKR_OK && *rv != CKR_ATTRIBUTE_TYPE_INVALID && *rv != CKR_ATTRIBUTE_SENSITIVE)
        return ck_fail(s, "C_GetAttributeValue", *rv, err);
    *rv = CKR_OK;
    /* An attribute the token does not report counts against the key. */
    if (a[0].ulValueLen != sizeof sign || sign != CK_TRUE)
        return awsv2_error_set(err, AWSV2_E_REFUSED, "key-cannot-sign",
                               "signer %s: key '%s' in token '%s' does not allow signing "
                               "(CKA_SIGN is not true): store it with awsv2-keys put",
                               s->description, lab, s->token);
    if (a[1].ulValueLen != sizeof extractable || extractable != CK_FALSE)
        return awsv2_error_set(err, AWSV2_E_REFUSED, "key-extractable",
                               "signer %s: key '%s' in token '%s' is extractable (CKA_EXTRACTABLE "
                               "is not false), so its secret could leave the token: store it "
                               "again with awsv2-keys put", s->description, lab, s->token);
    if (a[2].ulValueLen != sizeof sensitive || sensitive != CK_TRUE)
        return awsv2_error_set(err, AWSV2_E_REFUSED, "key-not-sensitive",
                               "signer %s: key '%s' in token '%s' is not sensitive (CKA_SENSITIVE "
                               "is not true), so its secret can be read: store it again with "
                               "awsv2-keys put", s->description, lab, s->token);
    return AWSV2_OK;
}

static struct key_handles *cached(struct pkcs11_signer *s, const char *key_id)
{
    for (int i = 0; i < KEY_CACHE; i++)
        if (s->cache[i].gen == s->gen && strcmp(s->cache[i].key_id, key_id) == 0)
            return &s->cache[i];
    return NULL;
}

/* Forgets key_id's handles (deleted, or found stale). */
static void uncache(struct pkcs11_signer *s, const char *key_id)
{
    pthread_mutex_lock(&s->lock);
    struct key_handles *k = cached(s, key_id);
    if (k)
        memset(k, 0, sizeof *k);
    pthread_mutex_unlock(&s->lock);
}

/* The handle of key_id's object which, checked, cached per connection. */
static awsv2_status find_key(struct pkcs11_signer *s, CK_SESSION_HANDLE sess, unsigned long gen,
                             const char *key_id, int which, CK_OBJECT_HANDLE *out, CK_RV *rv,
                             awsv2_error *err)
{
    *rv = CKR_OK;
    pthread_mutex_lock(&s->lock);
    struct key_handles *k = cached(s, key_id);
    *out = k && k->obj[which] != CK_INVALID_HANDLE ? k->obj[which] : CK_INVALID_HANDLE;
    pthread_mutex_unlock(&s->lock);
    if (*out != CK_INVALID_HANDLE)
        return AWSV2_OK;
    char lab[LABEL_MAX];
    label(key_id, which, lab);
    CK_OBJECT_HANDLE h[2];
    CK_ULONG n = 0;
    if ((*rv = find_objects(s, sess, lab, h, 2, &n)) != CKR_OK)
        return ck_fail(s, "C_FindObjects", *rv, err);
    if (n == 0)
        return awsv2_error_set(err, AWSV2_E_REFUSED, "unknown-awsaccesskey",
                               "signer %s: token '%s' holds no secret key labelled '%s'%s",
                               s->description, s->token, lab,
                               which == OBJ_AWS4 ? " (SigV4 needs it: store the key again "
                                                   "with awsv2-keys put)" : "");
    if (n > 1)
        return awsv2_error_set(err, AWSV2_E_REFUSED, "key-ambiguous",
                               "signer %s: token '%s' holds several secret keys labelled '%s'",
                               s->description, s->token, lab);
    awsv2_status st = check_object(s, sess, h[0], lab, rv, err);
    if (st)
        return st;
    *out = h[0];
    pthread_mutex_lock(&s->lock);
    if (gen == s->gen) {
        if (!(k = cached(s, key_id))) {
            k = &s->cache[s->next_slot++ % KEY_CACHE];
            memset(k, 0, sizeof *k);
            snprintf(k->key_id, sizeof k->key_id, "%s", key_id);
            k->gen = gen;
        }
        k->obj[which] = h[0];
    }
    pthread_mutex_unlock(&s->lock);
    return AWSV2_OK;
}

static awsv2_status check_only_key(const struct pkcs11_signer *s, const char *key_id,
                                   awsv2_error *err)
{
    if (*s->only_key && strcmp(s->only_key, key_id) != 0)
        return awsv2_error_set(err, AWSV2_E_REFUSED, "unknown-awsaccesskey",
                               "signer %s is limited to key %s (object=)", s->description,
                               s->only_key);
    return AWSV2_OK;
}

/* The HMAC of msg with key_id's object which, computed by the token. */
static awsv2_status token_hmac(struct pkcs11_signer *s, const char *key_id, int which,
                               awsv2_hash hash, const void *msg, size_t len, uint8_t *mac,
                               size_t *mac_len, awsv2_error *err)
{
    struct session ss;
    awsv2_status st = acquire(s, false, &ss, err);
    if (st)
        return st;
    CK_MECHANISM mech = {hash == AWSV2_HMAC_SHA1 ? CKM_SHA_1_HMAC : CKM_SHA256_HMAC, NULL, 0};
    const char *mech_name = hash == AWSV2_HMAC_SHA1 ? "HMAC-SHA1 (CKM_SHA_1_HMAC)"
                                                    : "HMAC-SHA256 (CKM_SHA256_HMAC)";
    CK_RV rv = CKR_OK;
    for (int attempt = 0; attempt < 2; attempt++) {
        CK_OBJECT_HANDLE h;
        if ((st = find_key(s, ss.h, ss.gen, key_id, which, &h, &rv, err)))
            break;
        CK_ULONG n = AWSV2_MAC_MAX;
        const char *fn = "C_SignInit";
        rv = s->module->C_SignInit(ss.h, &mech, h);
        if (rv == CKR_OK) {
            fn = "C_Sign";
            rv = s->module->C_Sign(ss.h, (CK_BYTE_PTR)msg, len, mac, &n);
        }
        /* A handle gone stale (the object deleted and made again by another
         * program) is looked up once more. */
        if ((rv == CKR_KEY_HANDLE_INVALID || rv == CKR_OBJECT_HANDLE_INVALID) && attempt == 0) {
            uncache(s, key_id);
            continue;
        }
        switch (rv) {
        case CKR_OK:
            if (n != awsv2_hash_size(hash))
                st = awsv2__fail(err, AWSV2_E_SIGNER, "signer %s: %s gave %lu bytes, not %zu",
                                 s->description, mech_name, (unsigned long)n,
                                 awsv2_hash_size(hash));
            *mac_len = n;
            break;
        case CKR_MECHANISM_INVALID:
            st = awsv2_error_set(err, AWSV2_E_UNAVAILABLE, "mechanism-unsupported",
                                 "signer %s: token '%s' cannot sign with %s using key '%s' "
                                 "(a TPM's HMAC key signs with the one hash it was imported "
                                 "for)", s->description, s->token, mech_name, key_id);
            break;
        case CKR_KEY_TYPE_INCONSISTENT:
        case CKR_KEY_FUNCTION_NOT_PERMITTED:
        case CKR_KEY_SIZE_RANGE:
            st = awsv2_error_set(err, AWSV2_E_REFUSED, "key-cannot-sign",
                                 "signer %s: token '%s' will not sign with %s using key '%s': "
                                 "%s", s->description, s->token, mech_name, key_id,
                                 ckr_name(rv));
            break;
        default:
            st = ck_fail(s, fn, rv, err);
        }
        break;
    }
    release(s, &ss, rv);
    return st;
}

/* ---- Operations ------------------------------------------------------------- */

static awsv2_status pkcs11_sign(void *ctx, awsv2_sign_job *job, awsv2_error *err)
{
    struct pkcs11_signer *s = ctx;
    awsv2__sts sts;
    awsv2__sts_status r = awsv2__sts_parse(job->string_to_sign, job->len, &sts);
    /* Read as a Due reads it: what a device would refuse, a token does not sign. */
    if (r != AWSV2__STS_OK)
        return awsv2_error_set(err, AWSV2_E_REFUSED, awsv2__sts_code(r),
                               "the string to sign has no single valid AWSAccessKeyId or "
                               "SignatureMethod");
    awsv2_status st = check_only_key(s, sts.key_id, err);
    if (st)
        return st;
    size_t n = 0;
    st = token_hmac(s, sts.key_id, OBJ_SECRET, job->hash, job->string_to_sign, job->len, job->mac,
                    &n, err);
    job->mac_len = st ? 0 : n;
    return st;
}

/* kSigning of a scope: kDate from the token, the rest here. */
static awsv2_status derive(void *ctx, const char *key_id, const char *date, const char *region,
                           const char *service, unsigned char key[32], awsv2_error *err)
{
    struct pkcs11_signer *s = ctx;
    uint8_t k_date[AWSV2_MAC_MAX];
    size_t n = 0;
    unsigned int n2 = 0;
    unsigned char k[32];
    awsv2_status st = token_hmac(s, key_id, OBJ_AWS4, AWSV2_HMAC_SHA256, date, strlen(date),
                                 k_date, &n, err);
    int ok = !st && HMAC(EVP_sha256(), k_date, 32, (const unsigned char *)region,
                         strlen(region), k, &n2) &&
             HMAC(EVP_sha256(), k, 32, (const unsigned char *)service, strlen(service), key,
                  &n2) &&
             HMAC(EVP_sha256(), key, 32, (const unsigned char *)"aws4_request", 12, k, &n2);
    if (ok)
        memcpy(key, k, 32);
    OPENSSL_cleanse(k_date, sizeof k_date);
    OPENSSL_cleanse(k, sizeof k);
    if (st)
        return st;
    if (!ok) {
        OPENSSL_cleanse(key, 32);
        return awsv2__fail(err, AWSV2_E_SIGNER, "OpenSSL HMAC failed");
    }
    return AWSV2_OK;
}

static awsv2_status pkcs11_sign4(void *ctx, awsv2_sign4_job *job, awsv2_error *err)
{
    struct pkcs11_signer *s = ctx;
    awsv2_status st = check_only_key(s, job->key_id, err);
    bool denied; /* never: derive refuses no scope by policy */
    return st ? st : awsv2__sigv4_host_sign(s->keys, job, &denied, err);
}

static awsv2_status pkcs11_ping(void *ctx, awsv2_error *err)
{
    struct pkcs11_signer *s = ctx;
    struct session ss;
    awsv2_status st = acquire(s, false, &ss, err);
    if (st)
        return st;
    CK_SESSION_INFO info;
    CK_RV rv = s->module->C_GetSessionInfo(ss.h, &info);
    if (rv != CKR_OK)
        st = ck_fail(s, "C_GetSessionInfo", rv, err);
    release(s, &ss, rv);
    return st;
}

static awsv2_status pkcs11_key_ids(void *ctx, char *buf, size_t cap, awsv2_error *err)
{
    struct pkcs11_signer *s = ctx;
    struct session ss;
    awsv2_status st = acquire(s, false, &ss, err);
    if (st)
        return st;
    size_t used = 0;
    buf[0] = '\0';
    CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
    CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_ID, s->id, s->id_len}};
    CK_RV rv = s->module->C_FindObjectsInit(ss.h, tmpl, s->id ? 2 : 1);
    bool searching = rv == CKR_OK;
    while (!st && rv == CKR_OK) {
        CK_OBJECT_HANDLE h[16];
        CK_ULONG n = 0;
        if ((rv = s->module->C_FindObjects(ss.h, h, 16, &n)) != CKR_OK || n == 0)
            break;
        for (CK_ULONG i = 0; i < n && !st; i++) {
            char lab[AWSV2_KEY_ID_SIZE];
            CK_ATTRIBUTE a = {CKA_LABEL, lab, sizeof lab - 1};
            /* Labels that are no key id (ID/aws4, other applications'
             * keys) are not listed. */
            if (s->module->C_GetAttributeValue(ss.h, h[i], &a, 1) != CKR_OK ||
                a.ulValueLen == CK_UNAVAILABLE_INFORMATION ||
                !awsv2__key_id_valid(lab, a.ulValueLen))
                continue;
            lab[a.ulValueLen] = '\0';
            if (*s->only_key && strcmp(lab, s->only_key) != 0)
                continue;
            size_t len = a.ulValueLen + (used ? 1 : 0);
            if (used + len >= cap) {
                st = awsv2__fail(err, AWSV2_E_INVALID, "buffer too small for the key ids");
                break;
            }
            snprintf(buf + used, cap - used, "%s%s", used ? "," : "", lab);
            used += len;
        }
    }
    CK_RV rv2 = searching ? s->module->C_FindObjectsFinal(ss.h) : CKR_OK;
    if (rv == CKR_OK)
        rv = rv2;
    if (!st && rv != CKR_OK)
        st = ck_fail(s, "C_FindObjects", rv, err);
    release(s, &ss, rv);
    return st;
}

static CK_RV create_secret(struct pkcs11_signer *s, CK_SESSION_HANDLE sess, const char *lab,
                           const void *value, size_t len, CK_OBJECT_HANDLE *h)
{
    CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
    CK_KEY_TYPE type = CKK_GENERIC_SECRET;
    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    CK_ATTRIBUTE t[] = {
        {CKA_CLASS, &cls, sizeof cls},
        {CKA_KEY_TYPE, &type, sizeof type},
        {CKA_TOKEN, &yes, sizeof yes},
        {CKA_PRIVATE, &yes, sizeof yes},
        {CKA_SENSITIVE, &yes, sizeof yes},
        {CKA_EXTRACTABLE, &no, sizeof no},
        {CKA_SIGN, &yes, sizeof yes},
        {CKA_VERIFY, &no, sizeof no},
        {CKA_ENCRYPT, &no, sizeof no},
        {CKA_DECRYPT, &no, sizeof no},
        {CKA_WRAP, &no, sizeof no},
        {CKA_UNWRAP, &no, sizeof no},
        {CKA_DERIVE, &no, sizeof no},
        {CKA_LABEL, (void *)lab, strlen(lab)},
        {CKA_VALUE, (void *)value, len},
        {CKA_ID, s->id, s->id_len},
    };
    return s->module->C_CreateObject(sess, t, s->id ? 16 : 15, h);
}

static awsv2_status pkcs11_key_put(void *ctx, const char *key_id, const char *secret,
                                   const awsv2_key_policy *policy, awsv2_error *err)
{
    struct pkcs11_signer *s = ctx;
    if (*awsv2_key_policy_text(policy))
        return awsv2_error_set(err, AWSV2_E_REFUSED, "policy-unsupported",
                               "signer %s: a PKCS#11 token cannot enforce a key policy; store "
                               "the key without one (or use a Due)", s->description);
    awsv2_status st = check_only_key(s, key_id, err);
    struct session ss;
    if (st || (st = acquire(s, true, &ss, err)))
        return st;
    char lab[2][LABEL_MAX];
    CK_OBJECT_HANDLE h[2] = {CK_INVALID_HANDLE, CK_INVALID_HANDLE};
    CK_ULONG n = 0;
    CK_RV rv = CKR_OK;
    for (int i = 0; i < 2 && !st; i++) {
        label(key_id, i, lab[i]);
        if ((rv = find_objects(s, ss.h, lab[i], h, 1, &n)) != CKR_OK)
            st = ck_fail(s, "C_FindObjects", rv, err);
        else if (n)
            st = awsv2_error_set(err, AWSV2_E_REFUSED, "key-exists",
                                 "signer %s: token '%s' already holds a key labelled '%s': "
                                 "delete it first", s->description, s->token, lab[i]);
    }
    size_t len = strlen(secret);
    char *aws4 = st ? NULL : malloc(len + 5);
    if (!st && !aws4)
        st = awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    if (!st) {
        memcpy(aws4, "AWS4", 4);
        memcpy(aws4 + 4, secret, len + 1);
        h[0] = h[1] = CK_INVALID_HANDLE;
        rv = create_secret(s, ss.h, lab[0], secret, len, &h[0]);
        if (rv == CKR_OK)
            rv = create_secret(s, ss.h, lab[1], aws4, len + 4, &h[1]);
        awsv2__free_secret(aws4);
        if (rv != CKR_OK) {
            /* Both objects or none. */
            if (h[0] != CK_INVALID_HANDLE)
                s->module->C_DestroyObject(ss.h, h[0]);
            if (rv == CKR_USER_NOT_LOGGED_IN) /* not gone: no PIN was given */
                st = awsv2__fail(err, AWSV2_E_CREDENTIALS,
                                 "signer %s: storing a key in token '%s' needs its user PIN "
                                 "(pin-source=file:PATH, or %s)", s->description, s->token,
                                 s->pin_env ? s->pin_env : DEFAULT_PIN_ENV);
            else
                st = ck_fail(s, "C_CreateObject", rv, err);
        }
    }
    release(s, &ss, rv == CKR_USER_NOT_LOGGED_IN ? CKR_OK : rv);
    return st;
}

static awsv2_status pkcs11_key_delete(void *ctx, const char *key_id, awsv2_error *err)
{
    struct pkcs11_signer *s = ctx;
    awsv2_status st = check_only_key(s, key_id, err);
    struct session ss;
    if (st || (st = acquire(s, true, &ss, err)))
        return st;
    CK_RV rv = CKR_OK;
    int deleted = 0;
    for (int i = 0; i < 2 && !st; i++) {
        char lab[LABEL_MAX];
        label(key_id, i, lab);
        CK_OBJECT_HANDLE h[8];
        CK_ULONG n = 0;
        if ((rv = find_objects(s, ss.h, lab, h, 8, &n)) != CKR_OK)
            st = ck_fail(s, "C_FindObjects", rv, err);
        for (CK_ULONG j = 0; j < n && !st; j++) {
            if ((rv = s->module->C_DestroyObject(ss.h, h[j])) != CKR_OK)
                st = ck_fail(s, "C_DestroyObject", rv, err);
            deleted++;
        }
    }
    uncache(s, key_id);
    if (!st && !deleted)
        st = awsv2_error_set(err, AWSV2_E_REFUSED, "unknown-awsaccesskey",
                             "signer %s: token '%s' holds no key labelled '%s'", s->description,
                             s->token, key_id);
    release(s, &ss, rv);
    return st;
}

/* What the token's mechanisms allow; a key may still be bound to one hash
 * (a TPM's), which signing then reports. */
static unsigned pkcs11_capabilities(void *ctx)
{
    return ((struct pkcs11_signer *)ctx)->caps;
}

static void pkcs11_close(void *ctx)
{
    struct pkcs11_signer *s = ctx;
    if (s->module) {
        if (s->initialized)
            s->module->C_Finalize(NULL);
        p11_kit_module_release(s->module);
    }
    if (s->uri)
        p11_kit_uri_free(s->uri);
    awsv2__scope_keys_free(s->keys);
    pthread_cond_destroy(&s->changed);
    pthread_mutex_destroy(&s->lock);
    free(s->pin_file);
    free(s->pin_env);
    free(s->id);
    free(s->spec);
    free(s);
}

static const awsv2_signer_ops pkcs11_ops = {
    .size = sizeof pkcs11_ops,
    .sign = pkcs11_sign,
    .ping = pkcs11_ping,
    .key_ids = pkcs11_key_ids,
    .key_put = pkcs11_key_put,
    .key_delete = pkcs11_key_delete,
    .close = pkcs11_close,
    .sign4 = pkcs11_sign4,
    .capabilities = pkcs11_capabilities,
};

/* ---- Opening ---------------------------------------------------------------- */

static bool env_name_valid(const char *n)
{
    if (!*n || (*n >= '0' && *n <= '9'))
        return false;
    for (; *n; n++)
        if (!((*n >= 'A' && *n <= 'Z') || (*n >= 'a' && *n <= 'z') || (*n >= '0' && *n <= '9') ||
              *n == '_'))
            return false;
    return true;
}

/* Reads what the URI says beyond the token: where the PIN comes from, the
 * one key (object=), the objects' id (id=). */
static awsv2_status read_uri(struct pkcs11_signer *s, awsv2_error *err)
{
    /* Checked before anything quotes the spec, which would show the PIN. */
    if (strstr(s->spec, "pin-value"))
        return awsv2__fail(err, AWSV2_E_SPEC,
                           "a pkcs11: signer spec may not hold a PIN (pin-value): it would "
                           "show in ps, shell history and logs; use pin-source=file:PATH (a "
                           "file only you can read), pin-source=env:NAME or " DEFAULT_PIN_ENV);
    int rc = p11_kit_uri_parse(s->spec, P11_KIT_URI_FOR_ANY, s->uri);
    if (rc != P11_KIT_URI_OK)
        return awsv2__fail(err, AWSV2_E_SPEC, "signer spec '%s' is not a PKCS#11 URI: %s",
                           s->spec, p11_kit_uri_message(rc));
    if (p11_kit_uri_get_pin_value(s->uri)) /* spelt with percent-escapes */
        return awsv2__fail(err, AWSV2_E_SPEC, "a pkcs11: signer spec may not hold a PIN");
    if (p11_kit_uri_any_unrecognized(s->uri))
        return awsv2__fail(err, AWSV2_E_SPEC,
                           "signer spec '%s' has an attribute this signer does not know (it "
                           "takes RFC 7512's token, slot, module and object attributes, "
                           "module-path and pin-source)", s->spec);
    if (p11_kit_uri_get_module_name(s->uri))
        return awsv2__fail(err, AWSV2_E_SPEC,
                           "signer spec '%s': module-name is not supported: name the module's "
                           "file with module-path, or leave both out to use p11-kit's modules",
                           s->spec);
    CK_ATTRIBUTE *a = p11_kit_uri_get_attribute(s->uri, CKA_CLASS);
    if (a && (a->ulValueLen != sizeof(CK_OBJECT_CLASS) ||
              *(CK_OBJECT_CLASS *)a->pValue != CKO_SECRET_KEY))
        return awsv2__fail(err, AWSV2_E_SPEC,
                           "signer spec '%s': the keys are secret keys (type=secret-key)",
                           s->spec);
    if ((a = p11_kit_uri_get_attribute(s->uri, CKA_LABEL))) {
        if (!awsv2__key_id_valid(a->pValue, a->ulValueLen))
            return awsv2__fail(err, AWSV2_E_SPEC,
                               "signer spec '%s': object= is the access key id the key is "
                               "labelled with (1 to 128 of A-Z and 0-9)", s->spec);
        memcpy(s->only_key, a->pValue, a->ulValueLen);
        s->only_key[a->ulValueLen] = '\0';
    }
    if ((a = p11_kit_uri_get_attribute(s->uri, CKA_ID)) && a->ulValueLen) {
        if (!(s->id = malloc(a->ulValueLen)))
            return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
        memcpy(s->id, a->pValue, a->ulValueLen);
        s->id_len = a->ulValueLen;
    }
    const char *src = p11_kit_uri_get_pin_source(s->uri);
    if (!src) {
        s->pin_env = awsv2__strdup(DEFAULT_PIN_ENV);
    } else if (!strncmp(src, "file:", 5)) {
        /* file:/path, or file:///path (RFC 8089, an empty host) */
        const char *path = src + 5;
        if (!strncmp(path, "//", 2))
            path += 2;
        if (*path != '/')
            return awsv2__fail(err, AWSV2_E_SPEC,
                               "signer spec '%s': pin-source=file: needs an absolute path",
                               s->spec);
        s->pin_file = awsv2__strdup(path);
    } else if (!strncmp(src, "env:", 4) && env_name_valid(src + 4)) {
        s->pin_env = awsv2__strdup(src + 4);
    } else {
        return awsv2__fail(err, AWSV2_E_SPEC,
                           "signer spec '%s': pin-source is file:/PATH or env:NAME", s->spec);
    }
    if (!s->pin_env && !s->pin_file)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    return AWSV2_OK;
}

/* Without module-path: p11-kit's configured modules, of which the one
 * whose token matches is kept (exactly one may match). */
static awsv2_status pick_module(struct pkcs11_signer *s, awsv2_error *err)
{
    CK_FUNCTION_LIST **mods = p11_kit_modules_load(NULL, 0);
    if (!mods)
        return awsv2__fail(err, AWSV2_E_DEVICE, "signer %s: p11-kit could not load its modules: %s",
                           s->description, p11_kit_message() ? p11_kit_message() : "?");
    size_t total = 0;
    for (size_t i = 0; mods[i]; i++) {
        CK_C_INITIALIZE_ARGS args = {.flags = CKF_OS_LOCKING_OK};
        CK_RV rv = mods[i]->C_Initialize(&args);
        if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED)
            continue; /* a configured module that does not work here (no device) */
        size_t matches = 0;
        CK_SLOT_ID slot;
        CK_TOKEN_INFO ti;
        if (find_slot(s, mods[i], &matches, &slot, &ti) == CKR_OK && matches && !s->module)
            s->module = mods[i];
        total += matches;
        mods[i]->C_Finalize(NULL);
    }
    for (size_t i = 0; mods[i]; i++)
        if (mods[i] != s->module)
            p11_kit_module_release(mods[i]);
    free(mods);
    if (total > 1)
        return awsv2__fail(err, AWSV2_E_SPEC,
                           "signer %s: %zu tokens of p11-kit's modules match: name one with "
                           "token=LABEL, or the module with module-path", s->description, total);
    if (!s->module)
        return awsv2_error_set(err, AWSV2_E_DEVICE, "token-not-found",
                               "signer %s: no token of p11-kit's modules matches (not plugged "
                               "in, not initialised, another label, or name its module with "
                               "module-path)", s->description);
    return AWSV2_OK;
}

awsv2_status awsv2__pkcs11_open(awsv2_signer **out, const char *spec, const char *rest,
                                const awsv2_credentials *creds, awsv2_error *err)
{
    (void)rest;
    (void)creds; /* the secret is the token's */
    struct pkcs11_signer *s = calloc(1, sizeof *s);
    if (!s)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->changed, NULL);
    s->gen = 1; /* an empty cache entry (gen 0) never matches */
    s->spec = awsv2__strdup(spec);
    s->uri = p11_kit_uri_new();
    s->keys = awsv2__scope_keys_new(derive, s, true);
    awsv2_status st = AWSV2_OK;
    if (!s->spec || !s->uri || !s->keys)
        st = awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    if (!st)
        st = read_uri(s, err);
    if (!st) {
        /* The spec without its query: what names the token, nothing secret
         * (a PIN is never in a spec). */
        const char *q = strchr(spec, '?');
        int n = q ? (int)(q - spec) : (int)strlen(spec);
        const char *path = p11_kit_uri_get_module_path(s->uri);
        snprintf(s->description, sizeof s->description, "%.*s%s%.100s%s", n > 120 ? 120 : n,
                 spec, path ? " (" : "", path ? path : "", path ? ")" : "");
        if (path) {
            s->module = p11_kit_module_load(path, 0);
            if (!s->module)
                st = awsv2__fail(err, AWSV2_E_DEVICE,
                                 "signer %s: cannot load PKCS#11 module '%s': %s",
                                 s->description, path,
                                 p11_kit_message() ? p11_kit_message() : "?");
        } else {
            st = pick_module(s, err);
        }
    }
    if (!st) {
        pthread_mutex_lock(&s->lock);
        st = connect_locked(s, err);
        pthread_mutex_unlock(&s->lock);
    }
    if (!st)
        st = awsv2_signer_new(out, &pkcs11_ops, s, s->description, err);
    if (st)
        pkcs11_close(s);
    return st;
}
