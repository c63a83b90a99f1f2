/* The key pairs the mock accepts: every profile's aws_access_key_id /
 * aws_secret_access_key of a shared-credentials file. Read-only once
 * loaded, so any number of threads may look keys up. */
#ifndef AWSV2_MOCK_KEYS_H
#define AWSV2_MOCK_KEYS_H

typedef struct mock_keys mock_keys;

/* Reads path; NULL after printing why (never a secret) to stderr. */
mock_keys *mock_keys_load(const char *path);
/* The secret of id, or NULL; it lives as long as keys. */
const char *mock_keys_secret(const mock_keys *keys, const char *id);
/* Wipes the secrets and frees. */
void mock_keys_free(mock_keys *keys);

#endif
