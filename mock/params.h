/* The parameters of one request: the decoded name/value pairs of its query
 * string and form body, sorted by name in byte order; a name appears once.
 * Not thread-safe; a call owns its parameters. */
#ifndef AWSV2_MOCK_PARAMS_H
#define AWSV2_MOCK_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

/* The most parameters a request may have (EC2 allows 50 filters of 200
 * values); more is refused before any quadratic work. */
#define MOCK_PARAMS_MAX 10050

typedef struct mock_params mock_params;

/* NULL when out of memory. */
mock_params *mock_params_new(void);
void mock_params_free(mock_params *p);

/* Adds the pairs of a query string or form body ("a=1&b=2"; %XX and '+'
 * for a space decoded). False on a malformed escape, a NUL, an empty name,
 * a repeated name or too many parameters; *why then says which. */
bool mock_params_parse(mock_params *p, const char *s, size_t n, const char **why);
/* Adds one decoded pair (copied). False when out of memory or the name is
 * already there. */
bool mock_params_add(mock_params *p, const char *name, const char *value);

/* The value of name, or NULL. */
const char *mock_params_get(const mock_params *p, const char *name);
size_t mock_params_count(const mock_params *p);
/* The i-th pair in name order (i < count); the strings live as long as p
 * and stay put when pairs are added. */
void mock_params_at(const mock_params *p, size_t i, const char **name, const char **value);

#endif
