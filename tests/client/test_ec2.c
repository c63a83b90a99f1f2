/* EC2 and the client without a service: the sized structs' checks
 * (awsv2_client_options, the DescribeInstances input) and the joining of
 * pages. Pages are written here in the shape of AWS's documented
 * DescribeInstances response, and every expected value is read off them. */
#include <check.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "../common/check_run.h"
#include "awsv2/client.h"
#include "awsv2/credentials.h"
#include "awsv2/ec2.h"
#include "awsv2/signer.h"
#include "ec2_result.h"

/* Nothing listens there; a call that got as far as the network would fail
 * with AWSV2_E_NETWORK, not with the AWSV2_E_INVALID the checks give. */
#define CLOSED_URL "http://127.0.0.1:1/"

static awsv2_credentials *creds;
static awsv2_signer *signer;

static void setup(void)
{
    ck_assert_int_eq(awsv2_credentials_new(&creds, "AKIAIOSFODNN7EXAMPLE",
                                           "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", NULL,
                                           NULL),
                     AWSV2_OK);
    ck_assert_int_eq(awsv2_signer_open(&signer, "openssl", creds, NULL), AWSV2_OK);
}

static void teardown(void)
{
    awsv2_signer_close(signer);
    awsv2_credentials_free(creds);
}

static void fill(awsv2_client_options *o)
{
    o->endpoint_url = CLOSED_URL;
    o->signer = signer;
    o->access_key_id = "AKIAIOSFODNN7EXAMPLE";
    o->max_attempts = 1;
}

static awsv2_status new_client(size_t size, awsv2_error *err)
{
    awsv2_client_options o = {0};
    fill(&o);
    o.size = size;
    awsv2_client *c = (void *)1;
    awsv2_status st = awsv2_client_new(&c, &o, err);
    if (st)
        ck_assert_ptr_null(c);
    awsv2_client_free(c);
    return st;
}

/* The first published layout ends with debug_ctx; later releases grew it. */
#define FIRST_LAYOUT (offsetof(awsv2_client_options, debug_ctx) + sizeof(void *))

START_TEST(client_options_smaller_than_the_first_layout_refused)
{
    const size_t sizes[] = {1, sizeof(size_t), FIRST_LAYOUT - 1};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        awsv2_error err = AWSV2_ERROR_INIT;
        ck_assert_int_eq(new_client(sizes[k], &err), AWSV2_E_INVALID);
        ck_assert_int_eq(err.status, AWSV2_E_INVALID);
        ck_assert_ptr_nonnull(strstr(err.message, "awsv2_client_options.size"));
    }
}
END_TEST

START_TEST(client_options_of_known_layouts_accepted)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    /* 0: code written before the size field existed (`= {0}`). */
    ck_assert_msg(new_client(0, &err) == AWSV2_OK, "%s", err.message);
    /* A program built against the first layout. */
    ck_assert_msg(new_client(FIRST_LAYOUT, &err) == AWSV2_OK, "%s", err.message);
    ck_assert_msg(new_client(sizeof(awsv2_client_options), &err) == AWSV2_OK, "%s",
                  err.message);
    awsv2_client_options o = AWSV2_CLIENT_OPTIONS_INIT;
    ck_assert_uint_eq(o.size, sizeof(awsv2_client_options));
}
END_TEST

/* A caller built against a later release passes a larger struct whose
 * added members this library does not know: they are ignored. */
START_TEST(client_options_of_a_later_layout_accepted)
{
    struct {
        awsv2_client_options o;
        unsigned char later[64];
    } big;
    memset(&big, 0xa5, sizeof big);
    memset(&big.o, 0, sizeof big.o);
    fill(&big.o);
    big.o.size = sizeof big;
    awsv2_client *c = NULL;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(awsv2_client_new(&c, &big.o, &err) == AWSV2_OK, "%s", err.message);
    ck_assert_str_eq(awsv2_client_endpoint(c), CLOSED_URL);
    awsv2_client_free(c);
}
END_TEST

static awsv2_client *closed_client(void)
{
    awsv2_client_options o = AWSV2_CLIENT_OPTIONS_INIT;
    fill(&o);
    awsv2_client *c;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(awsv2_client_new(&c, &o, &err) == AWSV2_OK, "%s", err.message);
    return c;
}

static void assert_input_refused(awsv2_client *c, const awsv2_ec2_describe_instances_input *in,
                                 const char *why)
{
    for (int all = 0; all < 2; all++) {
        awsv2_ec2_instances *r = (void *)1;
        awsv2_error err = AWSV2_ERROR_INIT;
        awsv2_status st = all ? awsv2_ec2_describe_instances_all(c, in, &r, &err)
                              : awsv2_ec2_describe_instances(c, in, &r, &err);
        ck_assert_msg(st == AWSV2_E_INVALID, "%s: %s", why, err.message);
        ck_assert_ptr_null(r);
        ck_assert_int_eq(err.status, AWSV2_E_INVALID);
    }
}

START_TEST(describe_input_smaller_than_the_first_layout_refused)
{
    awsv2_client *c = closed_client();
    awsv2_ec2_describe_instances_input in = AWSV2_EC2_DESCRIBE_INSTANCES_INPUT_INIT;
    in.size = 1;
    assert_input_refused(c, &in, "size 1");
    in.size = sizeof in - 1;
    assert_input_refused(c, &in, "size - 1");
    assert_input_refused(c, NULL, "no input");
    /* The same inputs with a valid size do reach the (closed) network. */
    const size_t valid[] = {0, sizeof in};
    for (size_t k = 0; k < 2; k++) {
        awsv2_ec2_instances *r = (void *)1;
        awsv2_error err = AWSV2_ERROR_INIT;
        in.size = valid[k];
        ck_assert_int_eq(awsv2_ec2_describe_instances(c, &in, &r, &err), AWSV2_E_NETWORK);
        ck_assert_ptr_null(r);
    }
    awsv2_client_free(c);
}
END_TEST

#define PAGE_HEAD                                                                  \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                 \
    "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">" \
    "<requestId>8f7724cf-496f-496e-8fe3-example</requestId><reservationSet>"
#define RESERVATION(id, items)                                                     \
    "<item><reservationId>" id "</reservationId><ownerId>123456789012</ownerId>"   \
    "<groupSet/><instancesSet>" items "</instancesSet></item>"
#define INSTANCE(id, state_code, state)                                            \
    "<item><instanceId>" id "</instanceId><imageId>ami-bff32ccc</imageId>"         \
    "<instanceState><code>" #state_code "</code><name>" state "</name></instanceState>" \
    "<instanceType>t2.micro</instanceType></item>"

/* Page 1 ends inside reservation r-...b, which page 2 goes on with. */
static const char page_1[] =
    PAGE_HEAD RESERVATION("r-1234567890abcdefa", INSTANCE("i-1234567890abcdef0", 16, "running"))
        RESERVATION("r-1234567890abcdefb", INSTANCE("i-1234567890abcdef1", 80, "stopped"))
    "</reservationSet><nextToken>page-2</nextToken></DescribeInstancesResponse>";
static const char page_2[] =
    PAGE_HEAD RESERVATION("r-1234567890abcdefb", INSTANCE("i-1234567890abcdef2", 0, "pending")
                                                     INSTANCE("i-1234567890abcdef3", 16, "running"))
        RESERVATION("r-1234567890abcdefc", INSTANCE("i-1234567890abcdef4", 48, "terminated"))
    "</reservationSet><nextToken>page-3</nextToken></DescribeInstancesResponse>";
/* A last page with nothing on it (EC2 sends these with filters). */
static const char page_3[] = PAGE_HEAD "</reservationSet></DescribeInstancesResponse>";

static awsv2_ec2_instances *parse(const char *xml)
{
    awsv2_ec2_instances *r;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(awsv2_ec2_instances_parse(xml, strlen(xml), &r, &err) == AWSV2_OK, "%s",
                  err.message);
    return r;
}

static void append(awsv2_ec2_instances *all, const char *xml)
{
    awsv2_ec2_instances *next = parse(xml);
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_msg(awsv2__ec2_instances_append(all, next, &err) == AWSV2_OK, "%s", err.message);
    awsv2_ec2_instances_free(next);
}

static void assert_reservation(const awsv2_ec2_instances *all, size_t r, const char *id,
                               size_t n, const char *const *instance_ids)
{
    const awsv2_ec2_reservation *res = all->reservations[r];
    ck_assert_str_eq(res->reservation_id, id);
    ck_assert_str_eq(res->owner_id, "123456789012");
    ck_assert_uint_eq(res->n_instances, n);
    for (size_t i = 0; i < n; i++)
        ck_assert_str_eq(res->instances[i]->instance_id, instance_ids[i]);
}

START_TEST(pages_joined_with_a_cut_reservation_made_whole)
{
    awsv2_ec2_instances *all = parse(page_1);
    ck_assert_str_eq(all->next_token, "page-2");
    append(all, page_2);
    ck_assert_str_eq(all->next_token, "page-3");
    append(all, page_3);
    ck_assert_ptr_null(all->next_token);
    ck_assert_uint_eq(all->n_reservations, 3);
    assert_reservation(all, 0, "r-1234567890abcdefa", 1,
                       (const char *const[]){"i-1234567890abcdef0"});
    assert_reservation(all, 1, "r-1234567890abcdefb", 3,
                       (const char *const[]){"i-1234567890abcdef1", "i-1234567890abcdef2",
                                             "i-1234567890abcdef3"});
    assert_reservation(all, 2, "r-1234567890abcdefc", 1,
                       (const char *const[]){"i-1234567890abcdef4"});
    const awsv2_ec2_instance *moved = all->reservations[1]->instances[1];
    ck_assert_str_eq(moved->state_name, "pending");
    ck_assert_int_eq(moved->state_code, 0);
    ck_assert_int_eq(all->reservations[2]->instances[0]->state_code, 48);
    awsv2_ec2_instances_free(all);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ec2");
    TCase *t = tcase_create("core");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, client_options_smaller_than_the_first_layout_refused);
    tcase_add_test(t, client_options_of_known_layouts_accepted);
    tcase_add_test(t, client_options_of_a_later_layout_accepted);
    tcase_add_test(t, describe_input_smaller_than_the_first_layout_refused);
    tcase_add_test(t, pages_joined_with_a_cut_reservation_made_whole);
    suite_add_tcase(s, t);
    return check_run(s);
}
