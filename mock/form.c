/* Query strings and application/x-www-form-urlencoded bodies. */
#include "mock.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"

/* Decodes n bytes of s into out (room for n + 1): %XX, and '+' as a space
 * as form decoding does. False on a bad escape or a NUL. */
static bool decode(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            out[o++] = ' ';
        } else if (s[i] == '%') {
            if (n - i < 3)
                return false;
            int hi = awsv2__hex_digit(s[i + 1]);
            int lo = awsv2__hex_digit(s[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return false;
            out[o++] = (char)(hi << 4 | lo);
            i += 2;
        } else if (s[i] == '\0') {
            return false;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return true;
}

/* Adds one "name=value" pair (no '=': an empty value). */
static bool add_pair(awsv2_params *params, const char *s, size_t n, const char **why)
{
    const char *eq = memchr(s, '=', n);
    size_t name_len = eq ? (size_t)(eq - s) : n;
    char *buf = malloc(n + 2);
    if (buf == NULL) {
        *why = "out of memory";
        return false;
    }
    char *name = buf, *value = buf + name_len + 1;
    bool ok = false;
    if (!decode(s, name_len, name) || (eq && !decode(eq + 1, n - name_len - 1, value)))
        *why = "a malformed percent-encoding or a NUL";
    else if (*name == '\0')
        *why = "a parameter without a name";
    else if (awsv2_params_get(params, name) != NULL)
        *why = "a repeated parameter";
    else if (awsv2_params_set(params, name, eq ? value : "", NULL) != AWSV2_OK)
        *why = "out of memory";
    else
        ok = true;
    free(buf);
    return ok;
}

bool mock_form_parse(awsv2_params *params, const char *s, size_t n, const char **why)
{
    while (n > 0) {
        const char *amp = memchr(s, '&', n);
        size_t len = amp ? (size_t)(amp - s) : n;
        if (len > 0 && awsv2_params_count(params) == MOCK_PARAMS_MAX) {
            *why = "too many parameters";
            return false;
        }
        if (len > 0 && !add_pair(params, s, len, why))
            return false;
        s += len;
        n -= len;
        if (amp) {
            s++;
            n--;
        }
    }
    return true;
}

bool mock_param_long(mock_call *c, const char *name, long min, long max, long dflt, long *out)
{
    const char *text = awsv2_params_get(c->params, name);
    if (text == NULL) {
        *out = dflt;
        return true;
    }
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || errno != 0 || v < min || v > max) {
        mock_reply_error(c, 400, "InvalidParameterValue",
                         "Value (%s) for parameter %s is invalid. Must be an integer from %ld to %ld.",
                         text, name, min, max);
        return false;
    }
    *out = v;
    return true;
}
