/* Reading AWS's INI files (see ini.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini.h"
#include "internal.h"
#include "secret_file.h"

/* Far beyond any real credentials or config file; a bound on what a path
 * to something endless (a device, a FIFO) can make us read. */
#define INI_MAX_BYTES ((size_t)4 << 20)

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

struct parser {
    const char *path;
    char section[256];
    int have_section;
    int nested;        /* inside an indented block after "key =" */
    char parent[128];  /* that key; "" when too long to name a nested setting */
};

/* "sub = value" of the block under "parent =": the callback sees the key
 * "parent.sub" (as the services sections' "ec2 =" / "endpoint_url = ...").
 * A line of the block without '=' is malformed, as the AWS CLI has it. */
static awsv2_status nested_line(struct parser *p, char *line, int lineno, awsv2__ini_fn fn,
                                void *ctx, int *stop, awsv2_error *err)
{
    char *eq = strchr(line, '=');
    if (!eq || eq == line)
        return awsv2__fail(err, AWSV2_E_CONFIG,
                           "%s:%d: expected 'key = value' in the settings nested under '%s'",
                           p->path, lineno, p->parent);
    *eq = '\0';
    char key[300];
    int n = snprintf(key, sizeof key, "%s.%s", p->parent, trim(line));
    if (!p->parent[0] || n < 0 || (size_t)n >= sizeof key)
        return AWSV2_OK; /* no key we read is that long */
    *stop = fn(ctx, p->section, key, trim(eq + 1), lineno);
    return AWSV2_OK;
}

/* One line; returns nonzero (with err set) when the line is malformed. */
static awsv2_status parse_line(struct parser *p, char *raw, int lineno, awsv2__ini_fn fn,
                               void *ctx, int *stop, awsv2_error *err)
{
    int indented = raw[0] == ' ' || raw[0] == '\t';
    char *line = trim(raw);
    if (!*line || *line == '#' || *line == ';')
        return AWSV2_OK;
    if (indented && p->nested)
        return nested_line(p, line, lineno, fn, ctx, stop, err);
    p->nested = 0;
    if (*line == '[') {
        char *close = strchr(line, ']');
        if (!close || close[1] != '\0' || close == line + 1 ||
            (size_t)(close - line) >= sizeof p->section)
            return awsv2__fail(err, AWSV2_E_CONFIG, "%s:%d: malformed section header", p->path,
                               lineno);
        *close = '\0';
        snprintf(p->section, sizeof p->section, "%s", trim(line + 1));
        p->have_section = 1;
        *stop = fn(ctx, p->section, "", "", lineno); /* an empty section exists too */
        return AWSV2_OK;
    }
    char *eq = strchr(line, '=');
    if (!eq || eq == line)
        return awsv2__fail(err, AWSV2_E_CONFIG, "%s:%d: expected 'key = value' or '[section]'",
                           p->path, lineno);
    if (!p->have_section)
        return awsv2__fail(err, AWSV2_E_CONFIG, "%s:%d: setting before any [section]",
                           p->path, lineno);
    *eq = '\0';
    char *key = trim(line), *value = trim(eq + 1);
    p->nested = *value == '\0';
    if (p->nested && snprintf(p->parent, sizeof p->parent, "%s", key) >= (int)sizeof p->parent)
        p->parent[0] = '\0';
    *stop = fn(ctx, p->section, key, value, lineno);
    return AWSV2_OK;
}

awsv2_status awsv2__ini_parse(const char *path, awsv2__ini_fn fn, void *ctx, bool *found,
                              awsv2_error *err)
{
    char *text;
    size_t len;
    awsv2_status st = awsv2__secret_file_read(path, 0, INI_MAX_BYTES, &text, &len, found, err);
    struct parser p = {.path = path};
    int stop = 0, lineno = 0;
    char *save = NULL;
    if (!st && text && memchr(text, '\0', len))
        st = awsv2__fail(err, AWSV2_E_CONFIG, "%s: contains a NUL byte", path);
    for (char *line = !st ? text : NULL; line && !st && !stop; line = save) {
        lineno++;
        char *nl = strchr(line, '\n');
        save = nl ? nl + 1 : NULL;
        if (nl)
            *nl = '\0';
        st = parse_line(&p, line, lineno, fn, ctx, &stop, err);
    }
    awsv2__secret_file_free(text, len);
    return st;
}

awsv2_status awsv2__aws_file_path(const char *env_var, const char *name, char *out, size_t cap,
                                  awsv2_error *err)
{
    const char *env = getenv(env_var);
    int n;
    if (env && *env) {
        n = snprintf(out, cap, "%s", env);
    } else {
        const char *home = getenv("HOME");
        n = snprintf(out, cap, "%s/.aws/%s", home ? home : "", name);
    }
    if (n < 0 || (size_t)n >= cap)
        return awsv2__fail(err, AWSV2_E_CONFIG, "the path of the AWS %s file is too long", name);
    return AWSV2_OK;
}
