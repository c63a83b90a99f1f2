/* hsm-standin: the original firmware of the hack this project grew from
 * (st3fan/arduino-aws-hsm, hsm.ino, MPL-2.0) on a pty, for the tests of
 * the due backend's legacy mode. Not installed.
 *
 * It does what that sketch does, byte for byte, and nothing more:
 *   - a request is what Serial.readBytesUntil(0x00, buf, 8191) returns:
 *     bytes up to a NUL (not kept), or 8191 of them (the NUL then stays
 *     unread and makes the next, empty, request), or whatever came before a
 *     pause of one second (Arduino's stream timeout, per byte); an empty
 *     request gets no answer at all;
 *   - only "SIGN-AWS-V2 " is known; anything else is "ERROR
 *     invalid-command";
 *   - the key id is what follows the first "AWSAccessKeyId=" anywhere in
 *     the message, up to '&' or the end, not decoded; more than 64
 *     characters is "ERROR invalid-awsaccesskeyid", no "AWSAccessKeyId="
 *     "ERROR awsaccesskeyid-not-found", an id not in the table "ERROR
 *     unknown-awsaccesskey";
 *   - the MAC is HMAC-SHA1 of the whole message, whatever its
 *     SignatureMethod says, in upper-case hex ("SUCCESS " and 40 digits); a
 *     secret longer than 64 bytes is used as 64 zero bytes (the sketch's
 *     "TODO" branch);
 *   - every line ends "\r\n" (Serial.println).
 *
 * Usage: hsm-standin --keys FILE [--cut N]
 * FILE holds "KEYID SECRET" lines (the sketch's gAWSCredentials table). It
 * prints the pty's path on its first line of stdout once it is ready, and
 * serves until killed. --cut N reads every Nth request as if the host had
 * paused for more than the one-second timeout after its first CUT_AT bytes:
 * the sketch then signs those bytes as a request of their own and takes the
 * rest for the next one (a slow or stalled host, made deterministic). Other
 * faults of the link are tests/due/due-glitch's business. */
#include <errno.h>
#include <getopt.h>
#include <openssl/hmac.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu_pty.h"

#define BUFFER_SIZE 8192    /* char buffer[8192] in loop() */
#define STREAM_TIMEOUT_MS 1000 /* Stream's default setTimeout */
#define MAX_KEYS 16

struct key {
    char id[128];
    char secret[128];
};

static struct key keys[MAX_KEYS];
static size_t nkeys;
static int master = -1;
#define CUT_AT 90
static unsigned long cut_every, requests;

/* The sketch's serial receive buffer: bytes read from the pty, not yet
 * taken by readBytesUntil. */
static unsigned char rx[4096];
static size_t rx_len, rx_pos;

/* Stream::timedRead: the next byte, or -1 after a second without one. */
static int timed_read(void)
{
    if (rx_pos == rx_len) {
        struct pollfd p = {.fd = master, .events = POLLIN};
        int n;
        do
            n = poll(&p, 1, STREAM_TIMEOUT_MS);
        while (n < 0 && errno == EINTR);
        if (n <= 0)
            return -1;
        ssize_t r = read(master, rx, sizeof rx);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
            exit(0); /* the pty is gone */
        if (r < 0)
            return -1;
        rx_len = (size_t)r;
        rx_pos = 0;
    }
    return rx[rx_pos++];
}

/* Stream::readBytesUntil (and --cut's pause). */
static size_t read_bytes_until(char terminator, char *buffer, size_t length)
{
    size_t index = 0;
    bool cut = false;
    while (index < length) {
        if (cut && index == CUT_AT)
            break; /* a second without a byte */
        int c = timed_read();
        if (c < 0 || c == (unsigned char)terminator)
            break;
        if (index == 0)
            cut = cut_every && ++requests % cut_every == 0;
        buffer[index++] = (char)c;
    }
    return index;
}

static void write_all(const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(master, s, n);
        if (w > 0) {
            s += w;
            n -= (size_t)w;
        } else if (w < 0 && errno == EAGAIN) {
            struct pollfd p = {.fd = master, .events = POLLOUT};
            poll(&p, 1, -1);
        } else if (w < 0 && errno != EINTR) {
            exit(0);
        }
    }
}

/* Serial.println(line). */
static void println(const char *line)
{
    char out[128];
    int n = snprintf(out, sizeof out, "%s\r\n", line);
    write_all(out, (size_t)n);
}

static const char *find_secret(const char *key)
{
    for (size_t i = 0; i < nkeys; i++)
        if (strcmp(keys[i].id, key) == 0)
            return keys[i].secret;
    return NULL;
}

/* One pass of loop(). */
static void loop(void)
{
    static char buffer[BUFFER_SIZE];
    static const char command[] = "SIGN-AWS-V2 ", marker[] = "AWSAccessKeyId=";
    size_t length = read_bytes_until(0x00, buffer, sizeof buffer - 1);
    if (length == 0)
        return;
    buffer[length] = 0x00;
    if (strncmp(buffer, command, strlen(command)) != 0) {
        println("ERROR invalid-command");
        return;
    }
    char *message = buffer + strlen(command);
    char *p = strstr(message, marker);
    if (!p) {
        println("ERROR awsaccesskeyid-not-found");
        return;
    }
    p += strlen(marker);
    char key[64 + 1];
    unsigned key_length = 0;
    while (*p != 0x00 && *p != '&') {
        if (key_length == 64) { /* the sketch has stored the 65th and gives up */
            println("ERROR invalid-awsaccesskeyid");
            return;
        }
        key[key_length++] = *p++;
    }
    key[key_length] = 0x00;
    const char *secret = find_secret(key);
    if (!secret) {
        println("ERROR unknown-awsaccesskey");
        return;
    }
    static const unsigned char zero_key[64];
    size_t secret_len = strlen(secret);
    unsigned char digest[20];
    unsigned digest_len = 0;
    HMAC(EVP_sha1(), secret_len > 64 ? (const void *)zero_key : (const void *)secret,
         secret_len > 64 ? 64 : (int)secret_len, (const unsigned char *)message,
         strlen(message), digest, &digest_len);
    char line[sizeof "SUCCESS " + 40];
    strcpy(line, "SUCCESS ");
    for (size_t i = 0; i < sizeof digest; i++)
        sprintf(line + 8 + 2 * i, "%02X", digest[i]);
    println(line);
}

static void load_keys(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "hsm-standin: %s: %s\n", path, strerror(errno));
        exit(2);
    }
    char line[300];
    while (fgets(line, sizeof line, f) && nkeys < MAX_KEYS)
        if (sscanf(line, "%127s %127s", keys[nkeys].id, keys[nkeys].secret) == 2)
            nkeys++;
    fclose(f);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"keys", required_argument, NULL, 'k'},
        {"cut", required_argument, NULL, 'c'},
        {0},
    };
    const char *keys_file = NULL;
    int opt;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'k': keys_file = optarg; break;
        case 'c': cut_every = strtoul(optarg, NULL, 10); break;
        default:
            fprintf(stderr, "usage: hsm-standin --keys FILE [--cut N]\n");
            return 2;
        }
    }
    if (!keys_file || optind != argc) {
        fprintf(stderr, "usage: hsm-standin --keys FILE [--cut N]\n");
        return 2;
    }
    load_keys(keys_file);
    emu_pty pty;
    if (emu_pty_open(&pty) < 0) {
        fprintf(stderr, "hsm-standin: cannot open a pty: %s\n", strerror(errno));
        return 1;
    }
    master = pty.master;
    printf("%s\n", pty.path);
    fflush(stdout);
    for (;;)
        loop();
}
