/* Endpoint URL parsing for SigV2's host and path lines. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "endpoint.h"
#include "internal.h"

/* Splits "host[:port]" (host may be "[v6]"); returns the port text or NULL. */
static const char *port_of(const char *auth, size_t len, size_t *host_len)
{
    const char *end = auth + len;
    const char *colon = NULL;
    if (auth[0] == '[') {
        const char *close = memchr(auth, ']', len);
        if (close && close + 1 < end && close[1] == ':')
            colon = close + 1;
    } else {
        colon = memchr(auth, ':', len);
    }
    *host_len = colon ? (size_t)(colon - auth) : len;
    return colon ? colon + 1 : NULL;
}

static int valid_port(const char *p, size_t n, long *port)
{
    if (n == 0 || n > 5)
        return 0;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)p[i]))
            return 0;
        v = v * 10 + (p[i] - '0');
    }
    *port = v;
    return v >= 1 && v <= 65535;
}

static int valid_host_char(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '.' || c == '_' || c == '[' ||
           c == ']' || c == ':';
}

/* Lower-cased "host[:port]" without the scheme's default port. */
static char *signing_host(const char *auth, size_t len, int https, awsv2_error *err)
{
    size_t host_len;
    const char *port = port_of(auth, len, &host_len);
    long port_num = 0;
    if (host_len == 0)
        return awsv2__fail(err, AWSV2_E_INVALID, "endpoint has no host"), NULL;
    for (size_t i = 0; i < host_len; i++)
        if (!valid_host_char(auth[i]))
            return awsv2__fail(err, AWSV2_E_INVALID, "endpoint host has an invalid character"), NULL;
    if (port && !valid_port(port, (size_t)(auth + len - port), &port_num))
        return awsv2__fail(err, AWSV2_E_INVALID, "endpoint has an invalid port"), NULL;
    int is_default = port && port_num == (https ? 443 : 80);
    size_t keep = (port && !is_default) ? len : host_len;
    char *host = malloc(keep + 1);
    if (!host)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory"), NULL;
    for (size_t i = 0; i < keep; i++)
        host[i] = (char)tolower((unsigned char)auth[i]);
    host[keep] = '\0';
    return host;
}

awsv2_status awsv2__endpoint_parse(const char *url, awsv2__endpoint *out, awsv2_error *err)
{
    memset(out, 0, sizeof *out);
    int https;
    const char *rest;
    if (!url)
        return awsv2__fail(err, AWSV2_E_INVALID, "no endpoint URL");
    if (strncasecmp(url, "https://", 8) == 0)
        https = 1, rest = url + 8;
    else if (strncasecmp(url, "http://", 7) == 0)
        https = 0, rest = url + 7;
    else
        return awsv2__fail(err, AWSV2_E_INVALID,
                           "endpoint '%s' is not an http:// or https:// URL", url);
    if (strpbrk(rest, "?#@"))
        return awsv2__fail(err, AWSV2_E_INVALID,
                           "endpoint '%s' must not have user info, a query or a fragment", url);
    for (const char *c = rest; *c; c++)
        if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f)
            return awsv2__fail(err, AWSV2_E_INVALID,
                               "endpoint '%s' has a byte that is not printable ASCII", url);
    const char *slash = strchr(rest, '/');
    size_t auth_len = slash ? (size_t)(slash - rest) : strlen(rest);
    awsv2_error sub = AWSV2_ERROR_INIT;
    out->host = signing_host(rest, auth_len, https, &sub);
    if (!out->host)
        return awsv2__fail(err, sub.status, "endpoint '%s': %s", url, sub.message);
    out->path = awsv2__strdup(slash ? slash : "/");
    out->base = awsv2__strdup(url);
    if (!out->path || !out->base) {
        awsv2__endpoint_free(out);
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    }
    return AWSV2_OK;
}

void awsv2__endpoint_free(awsv2__endpoint *ep)
{
    free(ep->base);
    free(ep->host);
    free(ep->path);
    memset(ep, 0, sizeof *ep);
}
