/* One profile of the AWS CLI's two files, as the AWS CLI reads it: the
 * config file's [profile NAME] ([default] for "default") and the
 * credentials file's [NAME], plus the config file's [services NAME]
 * sections. Used by credentials.c, region.c and the client; the rules are
 * in docs/configuration.md. Not thread-safe (a value owned by one caller);
 * the values are wiped when freed, since the credentials file holds secrets. */
#ifndef AWSV2_PROFILE_H
#define AWSV2_PROFILE_H

#include <stdbool.h>

#include "awsv2/status.h"

typedef struct awsv2__profile awsv2__profile;

/* Which file a setting came from. */
enum { AWSV2__CONFIG_FILE, AWSV2__CREDENTIALS_FILE };

/* Reads profile name (NULL or "": AWS_PROFILE, else "default") of
 * AWS_CONFIG_FILE (else ~/.aws/config) and AWS_SHARED_CREDENTIALS_FILE
 * (else ~/.aws/credentials). A missing file is no error, a malformed one
 * AWSV2_E_CONFIG naming file and line. A profile other than "default" that
 * neither file has is AWSV2_E_CONFIG naming it and both files. */
awsv2_status awsv2__profile_load(awsv2__profile **out, const char *name, awsv2_error *err);
void awsv2__profile_free(awsv2__profile *p);

const char *awsv2__profile_name(const awsv2__profile *p);
/* The file's path (AWSV2__CONFIG_FILE or AWSV2__CREDENTIALS_FILE). */
const char *awsv2__profile_path(const awsv2__profile *p, int file);

/* The value of key in the profile's section of file (-1: either file, the
 * credentials file winning as in the AWS CLI), or NULL; *line (if not NULL)
 * its line, *from (if not NULL) its file. Borrowed, valid as long as p. */
const char *awsv2__profile_get(const awsv2__profile *p, int file, const char *key, int *line,
                               int *from);

/* A setting of the config file's [services NAME] section, NAME being the
 * profile's "services" setting: key is e.g. "ec2.endpoint_url". NULL when
 * the profile names no services section or the section lacks it. */
const char *awsv2__profile_service(const awsv2__profile *p, const char *key, int *line);

#endif
