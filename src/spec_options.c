/* Options after '?' in a signer spec: "timeout_ms=2000&window=4". */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "signer_impl.h"

static long option_index(const char *const *allowed, const char *name, size_t n)
{
    for (long i = 0; allowed[i]; i++)
        if (strlen(allowed[i]) == n && strncmp(allowed[i], name, n) == 0)
            return i;
    return -1;
}

awsv2_status awsv2__spec_options(const char *spec, const char *query,
                                 const char *const *allowed, unsigned long *values,
                                 awsv2_error *err)
{
    const char *p = query;
    while (p && *p) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        long i = eq ? option_index(allowed, p, (size_t)(eq - p)) : -1;
        if (i < 0)
            return awsv2__fail(err, AWSV2_E_SPEC, "signer spec '%s': unknown option '%.*s'",
                               spec, (int)len, p);
        char *end;
        errno = 0;
        unsigned long v = strtoul(eq + 1, &end, 10);
        /* strtoul also takes leading spaces and a sign: only digits are a number */
        if (eq[1] < '0' || eq[1] > '9' || end != p + len || errno)
            return awsv2__fail(err, AWSV2_E_SPEC,
                               "signer spec '%s': option %s needs a whole number", spec,
                               allowed[i]);
        values[i] = v;
        p = amp ? amp + 1 : NULL;
    }
    return AWSV2_OK;
}
