/* AWS credentials and configuration, resolved as the AWS CLI does. */
#ifndef AWSV2_CREDENTIALS_H
#define AWSV2_CREDENTIALS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

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

/* The AWS credential chain, as the AWS CLI has it (docs/configuration.md):
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, unless
 * profile is given (the CLI's --profile names a profile over them); else
 * the profile (NULL: AWS_PROFILE, else "default"): its keys in
 * AWS_SHARED_CREDENTIALS_FILE (else ~/.aws/credentials) [NAME], else its
 * credential_process, else its keys in AWS_CONFIG_FILE (else
 * ~/.aws/config) [profile NAME] ([default]). credential_process runs the
 * command (no shell) within AWSV2_CREDENTIAL_PROCESS_TIMEOUT_MS (default
 * 60000) and reads its JSON; its credentials carry their expiration.
 * A missing file is no error; a malformed one is AWSV2_E_CONFIG naming the
 * file and line, and so is a key of the profile set to nothing
 * ("aws_access_key_id ="); a profile other than "default" in neither file
 * is AWSV2_E_CONFIG naming it and both files. A failed credential_process
 * is AWSV2_E_CREDENTIALS (its own stderr is the caller's stderr). Without
 * a secret (unless the flag allows it) AWSV2_E_CREDENTIALS. Runs a process
 * and reads files: call it from one thread at a time if the environment
 * may change meanwhile. */
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
/* When creds expire (credential_process's Expiration), or 0 for never. A
 * program that keeps credentials longer loads them again before then. */
AWSV2_API time_t awsv2_credentials_expiration(const awsv2_credentials *creds);

/* ---- Region and endpoint ------------------------------------------------ */

/* flag (e.g. --region; NULL if not given), else AWS_REGION, else
 * AWS_DEFAULT_REGION, else the region of the profile (AWS_PROFILE or
 * "default") in AWS_CONFIG_FILE (else ~/.aws/config) or the credentials
 * file, else "us-east-1". A "region =" there that is empty or too long is
 * AWSV2_E_CONFIG naming the file and line; so is a missing profile (as in
 * awsv2_credentials_load). Writes at most cap bytes including the NUL. */
AWSV2_API awsv2_status awsv2_region_resolve(const char *flag, char *out, size_t cap,
                                            awsv2_error *err);
/* The same with the profile named (NULL: AWS_PROFILE, else "default"). */
AWSV2_API awsv2_status awsv2_region_resolve_profile(const char *flag, const char *profile,
                                                    char *out, size_t cap, awsv2_error *err);

/* The endpoint URL of service ("ec2" or "sqs"): flag, else the configured
 * endpoint (unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS or the profile's
 * ignore_configured_endpoint_urls is true): AWS_ENDPOINT_URL_EC2 /
 * AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL, the "ec2 =" / "sqs =" block's
 * endpoint_url in the config file's [services NAME] that the profile's
 * "services = NAME" names, the profile's endpoint_url; else
 * https://SERVICE.REGION.amazonaws.com/ (amazonaws.com.cn for cn-*). */
AWSV2_API awsv2_status awsv2_endpoint_resolve(const char *service, const char *flag,
                                              const char *region, char *out, size_t cap,
                                              awsv2_error *err);
/* The same with the profile named (NULL: AWS_PROFILE, else "default"). */
AWSV2_API awsv2_status awsv2_endpoint_resolve_profile(const char *service, const char *flag,
                                                      const char *region, const char *profile,
                                                      char *out, size_t cap, awsv2_error *err);

#ifdef __cplusplus
}
#endif
#endif
