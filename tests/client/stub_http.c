/* stub-http: the scripted server of stub_server.c as a process, for the
 * program-level tests. Prints its base URL first, then serves until
 * SIGTERM or SIGINT:
 *   stub-http silent        accepts and reads requests, never answers
 *   stub-http file FILE     answers every request 200 with FILE's contents
 *   stub-http stream BYTES  200 without a length: an endless document, BYTES long */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stub_server.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 20, len = 0, n;
    char *buf = malloc(cap + 1);
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0)
        len += n;
    fclose(f);
    if (buf)
        buf[len] = '\0';
    return buf;
}

int main(int argc, char **argv)
{
    static const char chunk[] = "<a>0123456789abcdef0123456789abcdef0123456789abcdef</a>";
    struct stub_reply r = {STUB_SILENT, 0, "", 0};
    char *file = NULL;
    if (argc == 3 && strcmp(argv[1], "file") == 0 && (file = slurp(argv[2])))
        r = (struct stub_reply){STUB_REPLY, 200, file, 0};
    else if (argc == 3 && strcmp(argv[1], "stream") == 0)
        r = (struct stub_reply){STUB_STREAM, 200, chunk, strtoul(argv[2], NULL, 10)};
    else if (argc != 2 || strcmp(argv[1], "silent") != 0) {
        fprintf(stderr, "usage: stub-http silent | file FILE | stream BYTES\n");
        return 2;
    }
    /* Block the signals before the server thread starts, then wait for one. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    struct stub_server *s = stub_start(&r, 1);
    printf("%s\n", stub_url(s));
    fflush(stdout);
    int sig;
    sigwait(&set, &sig);
    stub_stop(s);
    free(file);
    return 0;
}
