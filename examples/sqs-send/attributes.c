/* Parsing --attribute (see attributes.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "attributes.h"
#include "awsv2/util.h"

/* Binary values arrive as base64 and are sent as the bytes they encode. */
static const char *set_value(awsv2_sqs_attribute *at, const char *type, const char *value)
{
    if (strncmp(type, "Binary", 6) != 0) {
        at->value = value;
        at->value_len = strlen(value);
        return NULL;
    }
    size_t len = strlen(value), n;
    uint8_t *bytes = malloc(len / 4 * 3 + 1);
    if (!bytes)
        return "out of memory";
    if (awsv2_base64_decode(value, len, bytes, len / 4 * 3 + 1, &n, NULL)) {
        free(bytes);
        return "a Binary value must be base64 (RFC 4648: A-Z a-z 0-9 + /, padded with =)";
    }
    at->value = bytes;
    at->value_len = n;
    return NULL;
}

const char *attributes_add(struct attributes *a, const char *arg)
{
    static const char form[] = "expected Name=String:VALUE, Name=Number:VALUE or Name=Binary:BASE64";
    char *copy = strdup(arg);
    if (!copy)
        return "out of memory";
    char *eq = strchr(copy, '=');
    char *colon = eq ? strchr(eq + 1, ':') : NULL;
    awsv2_sqs_attribute *grown = realloc(a->list, (a->n + 1) * sizeof *grown);
    if (!eq || eq == copy || !colon || !grown) {
        if (grown)
            a->list = grown;
        free(copy);
        return grown ? form : "out of memory";
    }
    a->list = grown;
    *eq = *colon = '\0';
    awsv2_sqs_attribute *at = &a->list[a->n];
    *at = (awsv2_sqs_attribute){.name = copy, .data_type = eq + 1};
    const char *why = set_value(at, eq + 1, colon + 1);
    if (why) {
        free(copy);
        return why;
    }
    a->n++;
    return NULL;
}

void attributes_free(struct attributes *a)
{
    for (size_t i = 0; i < a->n; i++) {
        awsv2_sqs_attribute *at = &a->list[i];
        /* A Binary value is its own allocation; the others live in name's. */
        if (strncmp(at->data_type, "Binary", 6) == 0)
            free((void *)at->value);
        free((void *)at->name);
    }
    free(a->list);
}
