/* AWS credentials and configuration, resolved as the AWS CLI does. */
#ifndef AWSV2_CREDENTIALS_H
#define AWSV2_CREDENTIALS_H

#include <stdbool.h>
#include <stddef.h>

#include "awsv2/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Room for an access key id and its NUL (AWS allows 128 characters). */
#define AWSV2_KEY_ID_SIZE 129
/* Room for a region name and its NUL. */
#define AWSV2_REGION_SIZE 64
/* Room for an endpoint URL and its NUL, as awsv2_endpoint_resolve writes it. */
#define AWSV2_ENDPOINT_SIZE 1024

/* An access key id, optionally its secret and a session token. The secret
 * can only be read by the library's own signers: no public call returns it,
 * and it is wiped when the object is freed. Immutable once made, so it may
 * be shared by threads. */
typedef struct awsv2_credentials awsv2_credentials;

/* Flags of awsv2_credentials_load. */
enum {
    /* A device signer keeps the secret: an access key id alone, or nothing
     * at all (the signer is then asked for its key id), is enough. */
    AWSV2_CREDENTIALS_SECRET_OPTIONAL = 1u << 0,
};

/* Makes credentials from explicit values (copied). access_key_id may be NULL
 * only with a NULL secret; secret and session_token may be NULL. */
AWSV2_API awsv2_status awsv2_credentials_new(awsv2_credentials **out, const char *access_key_id,
                                             const char *secret, const char *session_token,
                                             awsv2_error *err);

/* The AWS credential chain: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
 * AWS_SESSION_TOKEN, else profile (NULL: AWS_PROFILE, else "default") of
 * AWS_SHARED_CREDENTIALS_FILE (else ~/.aws/credentials). A missing file is
 * no error; a malformed one is AWSV2_E_CONFIG naming the file and line, and
 * so is a key of the profile set to nothing ("aws_access_key_id =").
 * Without a secret (unless the flag allows it) AWSV2_E_CREDENTIALS. */
AWSV2_API awsv2_status awsv2_credentials_load(awsv2_credentials **out, const char *profile,
                                              unsigned flags, awsv2_error *err);

/* One profile of one shared-credentials file (NULL profile: "default"). A
 * missing file or profile is AWSV2_E_CREDENTIALS here. */
AWSV2_API awsv2_status awsv2_credentials_load_file(awsv2_credentials **out, const char *path,
                                                   const char *profile, awsv2_error *err);

/* Wipes the secret and frees. NULL is fine. */
AWSV2_API void awsv2_credentials_free(awsv2_credentials *creds);

/* Borrowed strings, valid as long as creds; NULL when not configured. */
AWSV2_API const char *awsv2_credentials_access_key_id(const awsv2_credentials *creds);
AWSV2_API const char *awsv2_credentials_session_token(const awsv2_credentials *creds);
AWSV2_API bool awsv2_credentials_has_secret(const awsv2_credentials *creds);

/* ---- Region and endpoint ------------------------------------------------ */

/* flag (e.g. --region; NULL if not given), else AWS_REGION, else
 * AWS_DEFAULT_REGION, else the region of the profile (AWS_PROFILE or
 * "default") in AWS_CONFIG_FILE (else ~/.aws/config), else "us-east-1".
 * A "region =" there that is empty or too long is AWSV2_E_CONFIG naming the
 * file and line. Writes at most cap bytes including the NUL. */
AWSV2_API awsv2_status awsv2_region_resolve(const char *flag, char *out, size_t cap,
                                            awsv2_error *err);

/* The endpoint URL of service ("ec2" or "sqs"): flag, else
 * AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL_SQS, else AWS_ENDPOINT_URL, else
 * https://SERVICE.REGION.amazonaws.com/ . */
AWSV2_API awsv2_status awsv2_endpoint_resolve(const char *service, const char *flag,
                                              const char *region, char *out, size_t cap,
                                              awsv2_error *err);

#ifdef __cplusplus
}
#endif
#endif
