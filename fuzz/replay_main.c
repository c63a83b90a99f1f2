/* main() for a harness built with the ordinary compiler (make check): runs
 * the harness once on each file named on the command line. A broken
 * invariant aborts; a sanitizer build reports what it finds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        uint8_t *buf = NULL;
        size_t len = 0, cap = 0, n;

        if (!f) {
            perror(argv[i]);
            return 2;
        }
        do {
            if (len == cap) {
                cap = cap ? 2 * cap : 4096;
                if (!(buf = realloc(buf, cap)))
                    return 2;
            }
            n = fread(buf + len, 1, cap - len, f);
            len += n;
        } while (n > 0);
        if (ferror(f)) {
            perror(argv[i]);
            return 2;
        }
        fclose(f);
        /* exactly len bytes, so that AddressSanitizer sees a read past them */
        uint8_t *exact = malloc(len ? len : 1);
        if (!exact)
            return 2;
        memcpy(exact, buf, len);
        free(buf);
        LLVMFuzzerTestOneInput(exact, len);
        free(exact);
    }
    return 0;
}
