/* What this build of the library has: its version and signer backends,
 * from configure (config.h). */
#include "config.h"

#include <string.h>

#include "internal.h"

const char *awsv2_version(void)
{
    return PACKAGE_VERSION;
}

static const char backends[] = AWSV2_BACKENDS;

const char *awsv2_backends(void)
{
    return backends;
}

int awsv2_has_backend(const char *name)
{
    size_t n = name ? strlen(name) : 0;

    if (n == 0)
        return 0;
    for (const char *p = backends; (p = strstr(p, name)) != NULL; p += n)
        if ((p == backends || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return 1;
    return 0;
}
