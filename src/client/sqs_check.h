/* What SQS accepts in a message and the MD5s it reports for one: the
 * rules both the sending side (sqs_send.c) and the receiving side
 * (sqs_receive.c) apply. The MD5 functions themselves are public (sqs.h). */
#ifndef AWSV2_CLIENT_SQS_CHECK_H
#define AWSV2_CLIENT_SQS_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "awsv2/sqs.h"

/* Whether data_type is Binary (or Binary.something). */
bool awsv2__sqs_is_binary(const char *data_type);

/* Whether data_type is String, Number or Binary, optionally with a
 * ".suffix"; fails with AWSV2_E_INVALID naming the attribute otherwise. */
awsv2_status awsv2__sqs_check_attribute(const awsv2_sqs_attribute *a, awsv2_error *err);

/* Whether len bytes of s are UTF-8 of characters SQS accepts in a message
 * (#x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF). */
bool awsv2__sqs_text_is_valid(const char *s, size_t len);

/* Compares an MD5 SQS sent with ours: AWSV2_E_CHECKSUM naming what when
 * they differ (or SQS sent none). */
awsv2_status awsv2__sqs_md5_check(const char *what, const char *theirs, const char *ours,
                                  awsv2_error *err);

#endif
