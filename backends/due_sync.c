/* Resynchronising with the device (see due_link_impl.h): after open and
 * after any failure, replies and requests are brought back in step with a
 * PING carrying a fresh random nonce; everything before its PONG is stale. */
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#include "due_link_impl.h"
#include "due_reply.h"
#include "hex.h"
#include "internal.h"

#define BOOT_TIMEOUT_MS 5000 /* opening the programming port resets the board */
#define PING_RETRY_MS 500    /* bytes sent while it boots are lost: ask again */

awsv2_status awsv2__due_nonce(char out[2 * NONCE_BYTES + 1], awsv2_error *err)
{
    unsigned char raw[NONCE_BYTES];
    if (RAND_bytes(raw, sizeof raw) != 1)
        return awsv2__fail(err, AWSV2_E_SIGNER, "no random bytes for a PING nonce");
    awsv2__hex_encode(raw, sizeof raw, out);
    return AWSV2_OK;
}

/* Reads lines (with the mutex: nobody else reads now) until "PONG nonce";
 * everything before it is stale and skipped. */
static awsv2_status await_pong(struct awsv2__due_link *l, const char *nonce, long long deadline,
                               awsv2_error *err)
{
    for (;;) {
        char *nl;
        while ((nl = memchr(l->rbuf, '\n', l->rlen))) {
            size_t len = (size_t)(nl - l->rbuf), rest = l->rlen - len - 1;
            bool pong = awsv2__due_is_pong(l->rbuf, len && nl[-1] == '\r' ? len - 1 : len, nonce);
            memmove(l->rbuf, nl + 1, rest);
            l->rlen = rest;
            if (pong)
                return AWSV2_OK;
        }
        if (l->rlen == sizeof l->rbuf)
            l->rlen = 0; /* line noise while the board boots */
        size_t got = 0;
        awsv2_status st = awsv2__serial_read(l->port, l->rbuf + l->rlen,
                                             sizeof l->rbuf - l->rlen, &got, deadline, err);
        if (st)
            return st;
        l->rlen += got;
    }
}

/* Drains, ends any half-written request with a lone NUL (the device answers
 * it with an error we skip), then PINGs with fresh nonces until the matching
 * PONG: from there on, replies and requests are in step. */
awsv2_status awsv2__due_sync(struct awsv2__due_link *l, awsv2_error *err)
{
    long long end = awsv2__serial_now_ms() + BOOT_TIMEOUT_MS;
    awsv2__serial_discard_input(l->port);
    l->rlen = 0;
    for (bool first = true; awsv2__serial_now_ms() < end; first = false) {
        char nonce[2 * NONCE_BYTES + 1], ping[1 + 5 + 2 * NONCE_BYTES + 1];
        awsv2_status st = awsv2__due_nonce(nonce, err);
        if (st)
            return st;
        size_t n = first ? 1 : 0; /* the lone NUL */
        ping[0] = '\0';
        n += (size_t)snprintf(ping + n, sizeof ping - n, "PING %s", nonce) + 1;
        long long attempt = awsv2__serial_now_ms() + PING_RETRY_MS;
        st = awsv2__serial_write(l->port, ping, n, attempt < end ? attempt : end, err);
        if (!st)
            st = await_pong(l, nonce, attempt < end ? attempt : end, err);
        if (st != AWSV2_E_TIMEOUT) {
            l->last_reply_ms = awsv2__serial_now_ms();
            return st;
        }
    }
    return awsv2__fail(err, AWSV2_E_TIMEOUT, "the device at '%s' did not answer PING within %d ms",
                       l->path, BOOT_TIMEOUT_MS);
}

/* Before the next request after a failure: nothing in flight, nobody
 * reading. Reopens the same path (a device that re-enumerated, or the
 * emulator's --symlink) when the old one vanished. */
awsv2_status awsv2__due_recover(struct awsv2__due_link *l, awsv2_error *err)
{
    if (l->need_reopen || !l->port) {
        awsv2__serial_close(l->port);
        l->port = NULL;
        awsv2_status st = awsv2__serial_open(&l->port, l->path, err);
        if (st)
            return st;
        l->need_reopen = false;
    }
    awsv2_status st = awsv2__due_sync(l, err);
    if (st == AWSV2_E_DEVICE)
        l->need_reopen = true;
    if (st)
        return st;
    l->need_sync = false;
    return AWSV2_OK;
}

