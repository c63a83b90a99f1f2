/* The message attributes of one SQS message (MessageAttribute.N.Name /
 * .Value.DataType / .Value.StringValue / .Value.BinaryValue), checked as SQS
 * checks them, and AWS's MD5 of them. Read-only once parsed. */
#ifndef AWSV2_MOCK_SQS_ATTRS_H
#define AWSV2_MOCK_SQS_ATTRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* (call.h; not included, as the server's bundle includes this header) */
typedef struct mock_call mock_call;

/* SQS's limit. */
#define SQS_ATTRS_MAX 10

typedef struct sqs_attrs sqs_attrs;

/* The call's attributes (possibly none); NULL after replying with AWS's
 * error. */
sqs_attrs *sqs_attrs_parse(mock_call *c);
void sqs_attrs_free(sqs_attrs *attrs);
size_t sqs_attrs_count(const sqs_attrs *attrs);
/* Names, types and values added up, as SQS counts them against the
 * message size. */
size_t sqs_attrs_size(const sqs_attrs *attrs);
/* MD5OfMessageAttributes of all of them, lower-case hex ("" for none). */
void sqs_attrs_md5(const sqs_attrs *attrs, char hex[33]);
/* Writes <MD5OfMessageAttributes> and the <MessageAttribute>s of the
 * attributes whose name wanted() accepts; nothing when there are none. */
void sqs_attrs_write(const sqs_attrs *attrs, FILE *f,
                     bool (*wanted)(const void *ctx, const char *name), const void *ctx);

#endif
