/* sqs-drain: the receiving side of the SQS round-trip test.
 *   sqs-drain create ENDPOINT NAME      prints the new queue's URL
 *   sqs-drain drain ENDPOINT URL DIR    receives and deletes every message,
 *                                       writing each body to DIR/MessageId;
 *                                       prints how many
 * Credentials come from the AWS chain; the signer is openssl. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsv2/credentials.h"
#include "awsv2/signer.h"
#include "awsv2/sqs.h"

static int fail(const char *what, const awsv2_error *err)
{
    fprintf(stderr, "sqs-drain: %s: %s%s%s\n", what, err->code, err->code[0] ? ": " : "",
            err->message);
    return 1;
}

static int save(const char *dir, const awsv2_sqs_message *m)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, m->message_id);
    FILE *f = fopen(path, "wbx"); /* x: a MessageId seen twice is an error */
    if (!f || fwrite(m->body, 1, m->body_len, f) != m->body_len || fclose(f)) {
        perror(path);
        return 1;
    }
    return 0;
}

/* Receives until the queue answers empty. */
static int drain(awsv2_client *c, const char *url, const char *dir)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    size_t total = 0;
    for (;;) {
        awsv2_sqs_receive_input in = AWSV2_SQS_RECEIVE_INPUT_INIT;
        in.queue_url = url;
        in.max_messages = 10;
        awsv2_sqs_messages *ms;
        if (awsv2_sqs_receive_message(c, &in, &ms, &err))
            return fail("ReceiveMessage", &err);
        size_t n = ms->n_messages;
        int rc = 0;
        for (size_t i = 0; !rc && i < n; i++) {
            rc = save(dir, ms->messages[i]);
            if (!rc && awsv2_sqs_delete_message(c, url, ms->messages[i]->receipt_handle, &err))
                rc = fail("DeleteMessage", &err);
        }
        awsv2_sqs_messages_free(ms);
        if (rc)
            return rc;
        if (n == 0)
            break;
        total += n;
    }
    printf("%zu\n", total);
    return 0;
}

static int run(int argc, char **argv, awsv2_signer *signer, const char *key_id)
{
    awsv2_client_options o = {.endpoint_url = argv[2], .signer = signer,
                              .access_key_id = key_id, .method = AWSV2_POST};
    awsv2_client *c;
    awsv2_error err = AWSV2_ERROR_INIT;
    if (awsv2_client_new(&c, &o, &err))
        return fail("client", &err);
    int rc = 0;
    if (strcmp(argv[1], "create") == 0) {
        char url[2048];
        rc = awsv2_sqs_create_queue(c, argv[3], NULL, url, sizeof url, &err)
                 ? fail("CreateQueue", &err)
                 : (printf("%s\n", url), 0);
    } else if (argc == 5) {
        rc = drain(c, argv[3], argv[4]);
    }
    awsv2_client_free(c);
    return rc;
}

int main(int argc, char **argv)
{
    if (!(argc == 4 && strcmp(argv[1], "create") == 0) &&
        !(argc == 5 && strcmp(argv[1], "drain") == 0)) {
        fprintf(stderr, "usage: sqs-drain create ENDPOINT NAME | drain ENDPOINT URL DIR\n");
        return 2;
    }
    awsv2_credentials *creds;
    awsv2_signer *signer;
    awsv2_error err = AWSV2_ERROR_INIT;
    if (awsv2_credentials_load(&creds, NULL, 0, &err))
        return fail("credentials", &err);
    if (awsv2_signer_open(&signer, "openssl", creds, &err)) {
        awsv2_credentials_free(creds);
        return fail("signer", &err);
    }
    int rc = run(argc, argv, signer, awsv2_credentials_access_key_id(creds));
    awsv2_signer_close(signer);
    awsv2_credentials_free(creds);
    return rc;
}
