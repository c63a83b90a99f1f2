/* Validation of what SQS accepts, and MD5 comparison (see sqs_impl.h). */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "sqs_impl.h"

/* data_type is base alone or base followed by ".custom". */
static bool has_base(const char *data_type, const char *base)
{
    size_t n = strlen(base);
    return strncmp(data_type, base, n) == 0 &&
           (data_type[n] == '\0' || (data_type[n] == '.' && data_type[n + 1] != '\0'));
}

bool awsv2__sqs_is_binary(const char *data_type)
{
    return has_base(data_type, "Binary");
}

awsv2_status awsv2__sqs_check_attribute(const awsv2_sqs_attribute *a, awsv2_error *err)
{
    if (!a->name || !*a->name || !a->data_type || (!a->value && a->value_len))
        return awsv2__fail(err, AWSV2_E_INVALID, "a message attribute needs a name and a type");
    if (!has_base(a->data_type, "String") && !has_base(a->data_type, "Number") &&
        !awsv2__sqs_is_binary(a->data_type))
        return awsv2__fail(err, AWSV2_E_INVALID,
                           "message attribute %s: type \"%s\" is not String, Number or Binary",
                           a->name, a->data_type);
    if (a->value_len == 0)
        return awsv2__fail(err, AWSV2_E_INVALID, "message attribute %s has an empty value",
                           a->name);
    if (!awsv2__sqs_is_binary(a->data_type) && !awsv2__sqs_text_is_valid(a->value, a->value_len))
        return awsv2__fail(err, AWSV2_E_INVALID,
                           "message attribute %s: the value is not text SQS accepts", a->name);
    return AWSV2_OK;
}

static bool allowed(uint32_t c)
{
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
           (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

/* Decodes one UTF-8 character at s (n bytes left); 0 if malformed. */
static size_t decode(const unsigned char *s, size_t n, uint32_t *c)
{
    static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    size_t len = s[0] < 0x80 ? 1 : (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3
                                 : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || len > n)
        return 0;
    *c = len == 1 ? s[0] : s[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        *c = (*c << 6) | (s[i] & 0x3F);
    }
    return *c < min[len] ? 0 : len; /* overlong forms are malformed */
}

bool awsv2__sqs_text_is_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    while (len > 0) {
        uint32_t c;
        size_t n = decode(p, len, &c);
        if (n == 0 || !allowed(c))
            return false;
        p += n;
        len -= n;
    }
    return true;
}

awsv2_status awsv2__sqs_md5_check(const char *what, const char *theirs, const char *ours,
                                  awsv2_error *err)
{
    if (strcasecmp(theirs, ours) == 0)
        return AWSV2_OK;
    return awsv2__fail_code(err, AWSV2_E_CHECKSUM, "MD5Mismatch",
                            "%s: SQS reported MD5 \"%s\", the message has %s", what,
                            theirs[0] ? theirs : "(none)", ours);
}
