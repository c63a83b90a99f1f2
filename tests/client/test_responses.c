/* Responses without a network: EC2 parsing, both AWS error shapes, hostile
 * documents, SQS MD5s, base64 and SQS's character rules. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../common/check_run.h"
#include "awsv2/ec2.h"
#include "awsv2/sqs.h"
#include "awsv2/util.h"
#include "sqs_check.h"
#include "xml.h"

/* EC2 as it answers, in a namespace other than 2016-11-15's. */
static const char ec2_page[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2099-01-01/\">"
    "<requestId>req-1</requestId>"
    "<reservationSet><item><reservationId>r-1</reservationId><ownerId>123456789012</ownerId>"
    "<groupSet/><instancesSet><item><instanceId>i-1</instanceId><imageId>ami-1</imageId>"
    "<instanceState><code>16</code><name>running</name></instanceState>"
    "<privateDnsName>ip-10-0-0-1.ec2.internal</privateDnsName><dnsName>ec2-1.example</dnsName>"
    "<keyName>k</keyName><instanceType>t3.micro</instanceType>"
    "<launchTime>2024-03-01T09:00:00.000Z</launchTime>"
    "<placement><availabilityZone>us-east-1a</availabilityZone></placement>"
    "<privateIpAddress>10.0.0.1</privateIpAddress><ipAddress>203.0.113.1</ipAddress>"
    "<groupSet><item><groupId>sg-1</groupId></item></groupSet>"
    "<tagSet><item><key>Name</key><value>a &amp; &lt;b&gt; \xc3\xa9</value></item>"
    "<item><key>empty</key></item></tagSet></item>"
    "<item><instanceId>i-2</instanceId><instanceType>t2.nano</instanceType>"
    "<instanceState><code>80</code><name>stopped</name></instanceState></item>"
    "</instancesSet></item></reservationSet><nextToken>tok-2</nextToken>"
    "</DescribeInstancesResponse>";

START_TEST(ec2_page_parsed_by_local_names)
{
    awsv2_ec2_instances *r;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_ec2_instances_parse(ec2_page, strlen(ec2_page), &r, &err), AWSV2_OK);
    ck_assert_str_eq(r->next_token, "tok-2");
    ck_assert_str_eq(r->request_id, "req-1");
    ck_assert_uint_eq(r->n_reservations, 1);
    const awsv2_ec2_reservation *res = r->reservations[0];
    ck_assert_str_eq(res->reservation_id, "r-1");
    ck_assert_str_eq(res->owner_id, "123456789012");
    ck_assert_uint_eq(res->n_instances, 2);
    const awsv2_ec2_instance *i = res->instances[0];
    ck_assert_str_eq(i->instance_id, "i-1");
    ck_assert_str_eq(i->instance_type, "t3.micro");
    ck_assert_str_eq(i->state_name, "running");
    ck_assert_int_eq(i->state_code, 16);
    ck_assert_str_eq(i->image_id, "ami-1");
    ck_assert_str_eq(i->launch_time, "2024-03-01T09:00:00.000Z");
    ck_assert_str_eq(i->availability_zone, "us-east-1a");
    ck_assert_str_eq(i->private_ip_address, "10.0.0.1");
    ck_assert_str_eq(i->public_ip_address, "203.0.113.1");
    ck_assert_str_eq(i->private_dns_name, "ip-10-0-0-1.ec2.internal");
    ck_assert_str_eq(i->public_dns_name, "ec2-1.example");
    ck_assert_str_eq(i->key_name, "k");
    ck_assert_uint_eq(i->n_tags, 2);
    ck_assert_str_eq(i->tags[0].key, "Name");
    ck_assert_str_eq(i->tags[0].value, "a & <b> \xc3\xa9");
    ck_assert_str_eq(i->tags[1].value, "");
    const awsv2_ec2_instance *j = res->instances[1];
    ck_assert_str_eq(j->state_name, "stopped");
    ck_assert_int_eq(j->state_code, 80);
    ck_assert_ptr_null(j->public_ip_address);
    ck_assert_ptr_null(j->launch_time);
    awsv2_ec2_instances_free(r);
}
END_TEST

START_TEST(ec2_error_shape)
{
    static const char doc[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error>"
        "<Code>AuthFailure</Code><Message>AWS was not able to validate</Message></Error>"
        "</Errors><RequestID>ec2-req</RequestID></Response>";
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2__xml_service_error(doc, strlen(doc), 401, &err), AWSV2_E_SERVICE);
    ck_assert_int_eq(err.status, AWSV2_E_SERVICE);
    ck_assert_str_eq(err.code, "AuthFailure");
    ck_assert_str_eq(err.message, "AWS was not able to validate");
    ck_assert_str_eq(err.request_id, "ec2-req");
    ck_assert_int_eq(err.http_status, 401);
}
END_TEST

START_TEST(sqs_error_shape)
{
    static const char doc[] =
        "<ErrorResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><Error>"
        "<Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>The request "
        "signature we calculated does not match</Message><Detail/></Error>"
        "<RequestId>sqs-req</RequestId></ErrorResponse>";
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2__xml_service_error(doc, strlen(doc), 403, &err), AWSV2_E_SERVICE);
    ck_assert_str_eq(err.code, "SignatureDoesNotMatch");
    ck_assert_str_eq(err.request_id, "sqs-req");
    ck_assert_ptr_nonnull(strstr(err.message, "The request signature"));
}
END_TEST

START_TEST(error_that_is_not_xml)
{
    static const char doc[] = "<html><body>Bad gateway";
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2__xml_service_error(doc, strlen(doc), 502, &err), AWSV2_E_SERVICE);
    ck_assert_str_eq(err.code, "");
    ck_assert_ptr_nonnull(strstr(err.message, "HTTP 502"));
}
END_TEST

static void assert_refused(const char *doc, size_t len)
{
    awsv2_ec2_instances *r = (void *)1;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_ec2_instances_parse(doc, len, &r, &err), AWSV2_E_RESPONSE);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(err.status, AWSV2_E_RESPONSE);
}

START_TEST(hostile_documents_refused)
{
    static const char bomb[] =
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
        "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
        "<DescribeInstancesResponse><requestId>&lol3;</requestId></DescribeInstancesResponse>";
    static const char xxe[] =
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
        "<DescribeInstancesResponse><requestId>&x;</requestId></DescribeInstancesResponse>";
    static const char undeclared[] =
        "<DescribeInstancesResponse><requestId>&x;</requestId></DescribeInstancesResponse>";
    static const char truncated[] = "<DescribeInstancesResponse><reservationSet><item>";
    /* UTF-16 would hide a DOCTYPE from a byte search: it is parsed as UTF-8
     * and so is not well-formed. */
    static const char utf16[] = "\xff\xfe<\0!\0D\0O\0C\0T\0Y\0P\0E\0 \0r\0>\0<\0r\0/\0>\0";
    assert_refused(bomb, strlen(bomb));
    assert_refused(xxe, strlen(xxe));
    assert_refused(undeclared, strlen(undeclared));
    assert_refused(truncated, strlen(truncated));
    assert_refused(utf16, sizeof utf16 - 1);
    assert_refused("", 0);
    assert_refused("<Other/>", 8);
}
END_TEST

START_TEST(md5s_match_the_documented_algorithm)
{
    /* Computed independently (Python's hashlib, by AWS's description). */
    static const unsigned char blob[] = {0, 1, 2, 255};
    const awsv2_sqs_attribute a[] = {
        {"zeta", "String", "caf\xc3\xa9", 5},
        {"alpha", "Number", "42", 2},
        {"blob", "Binary", blob, sizeof blob},
    };
    char md5[AWSV2_SQS_MD5_SIZE];
    ck_assert_int_eq(awsv2_sqs_md5_of_attributes(a, 3, md5, NULL), AWSV2_OK);
    ck_assert_str_eq(md5, "c5f610e99d7e1d9ccc253e2e523f015f");
    ck_assert_int_eq(awsv2_sqs_md5_of_body("hello \xe2\x9c\x93", 9, md5, NULL), AWSV2_OK);
    ck_assert_str_eq(md5, "3eab6315c76c9d32094bb53bac85a397");
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2__sqs_md5_check("MD5OfMessageBody", "00", md5, &err),
                     AWSV2_E_CHECKSUM);
    ck_assert_int_eq(awsv2__sqs_md5_check("x", "3EAB6315C76C9D32094BB53BAC85A397", md5, NULL),
                     AWSV2_OK);
}
END_TEST

START_TEST(base64_round_trip)
{
    for (size_t n = 0; n < 8; n++) {
        const unsigned char in[] = {0xff, 0, 'a', 0x80, 1, 2, 3, 4};
        char text[AWSV2_BASE64_LEN(sizeof in) + 1];
        uint8_t back[AWSV2_BASE64_LEN(sizeof in) / 4 * 3]; /* what decoding asks for */
        size_t text_len, len;
        ck_assert_int_eq(awsv2_base64_encode(in, n, text, sizeof text, &text_len, NULL),
                         AWSV2_OK);
        ck_assert_uint_eq(text_len, strlen(text));
        ck_assert_int_eq(awsv2_base64_decode(text, text_len, back, sizeof back, &len, NULL),
                         AWSV2_OK);
        ck_assert_uint_eq(len, n);
        ck_assert_int_eq(memcmp(in, back, n), 0);
    }
    uint8_t b[8];
    size_t n;
    ck_assert_int_eq(awsv2_base64_decode("abc", 3, b, sizeof b, &n, NULL), AWSV2_E_INVALID);
    ck_assert_int_eq(awsv2_base64_decode("a=bc", 4, b, sizeof b, &n, NULL), AWSV2_E_INVALID);
    ck_assert_int_eq(awsv2_base64_decode("ab c", 4, b, sizeof b, &n, NULL), AWSV2_E_INVALID);
}
END_TEST

START_TEST(sqs_character_rules)
{
    ck_assert(awsv2__sqs_text_is_valid("tab\there\r\n\xe2\x9c\x93 \xf0\x9f\x98\x80", 18));
    ck_assert(!awsv2__sqs_text_is_valid("\x01", 1));          /* control */
    ck_assert(!awsv2__sqs_text_is_valid("\xc0\xaf", 2));      /* overlong */
    ck_assert(!awsv2__sqs_text_is_valid("\xed\xa0\x80", 3));  /* surrogate */
    ck_assert(!awsv2__sqs_text_is_valid("\xef\xbf\xbe", 3));  /* U+FFFE */
    ck_assert(!awsv2__sqs_text_is_valid("\xe2\x9c", 2));      /* cut short */
    ck_assert(!awsv2__sqs_text_is_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("client responses");
    TCase *t = tcase_create("core");
    tcase_add_test(t, ec2_page_parsed_by_local_names);
    tcase_add_test(t, ec2_error_shape);
    tcase_add_test(t, sqs_error_shape);
    tcase_add_test(t, error_that_is_not_xml);
    tcase_add_test(t, hostile_documents_refused);
    tcase_add_test(t, md5s_match_the_documented_algorithm);
    tcase_add_test(t, base64_round_trip);
    tcase_add_test(t, sqs_character_rules);
    suite_add_tcase(s, t);
    return check_run(s);
}
