/* EC2 DescribeInstances, in the 2016-11-15 API's XML. */
#include "ec2.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#define EC2_XMLNS "http://ec2.amazonaws.com/doc/2016-11-15/"
#define TOKEN_PREFIX "awsv2-mock-page:"

/* NextToken is opaque to clients: base64 of a prefix and the offset. */
#define TOKEN_TEXT_MAX 48
#define TOKEN_MAX (4 * TOKEN_TEXT_MAX / 3 + 1)

static void token_format(size_t offset, char out[TOKEN_MAX])
{
    char text[TOKEN_TEXT_MAX];
    int n = snprintf(text, sizeof text, TOKEN_PREFIX "%zu", offset);
    EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)text, n);
}

static bool token_parse(mock_call *c, size_t *offset)
{
    const char *token = awsv2_params_get(c->params, "NextToken");
    unsigned char text[96];
    size_t len = token ? strlen(token) : 0;
    *offset = 0;
    if (token == NULL)
        return true;
    int n = len % 4 == 0 && len / 4 * 3 < sizeof text
                ? EVP_DecodeBlock(text, (const unsigned char *)token, (int)len)
                : -1;
    if (n > 0) {
        text[n] = '\0';
        char *end;
        const char *digits = (const char *)text + sizeof TOKEN_PREFIX - 1;
        if (strncmp((const char *)text, TOKEN_PREFIX, sizeof TOKEN_PREFIX - 1) == 0 &&
            *digits >= '0' && *digits <= '9') {
            *offset = strtoul(digits, &end, 10);
            if (*end == '\0' && *offset <= c->srv->ec2.n)
                return true;
        }
    }
    mock_reply_error(c, 400, "InvalidParameterValue", "Invalid value '%s' for NextToken", token);
    return false;
}

static void optional_elem(FILE *f, const char *name, const char *text)
{
    if (text != NULL)
        mock_xml_elem(f, name, text);
}

static void write_tags(FILE *f, struct json_object *inst)
{
    struct json_object *tags;
    if (!json_object_object_get_ex(inst, "tags", &tags) || json_object_object_length(tags) == 0)
        return;
    fputs("<tagSet>", f);
    json_object_object_foreach(tags, key, val)
    {
        fputs("<item>", f);
        mock_xml_elem(f, "key", key);
        mock_xml_elem(f, "value", json_object_get_string(val));
        fputs("</item>", f);
    }
    fputs("</tagSet>", f);
}

static void write_instance(FILE *f, const mock_instance *in)
{
    struct json_object *o = in->instance;
    const char *state = mock_json_str(o, "state");
    fputs("<item>", f);
    mock_xml_elem(f, "instanceId", mock_json_str(o, "id"));
    mock_xml_elem(f, "imageId", mock_json_str(o, "image_id"));
    fprintf(f, "<instanceState><code>%d</code>", mock_state_code(state));
    mock_xml_elem(f, "name", state);
    fputs("</instanceState>", f);
    mock_xml_elem(f, "privateDnsName", mock_json_str(o, "private_dns"));
    mock_xml_elem(f, "dnsName", mock_json_str(o, "public_dns"));
    fputs("<reason/>", f);
    optional_elem(f, "keyName", mock_json_str(o, "key_name"));
    fprintf(f, "<amiLaunchIndex>%zu</amiLaunchIndex><productCodes/>", in->launch_index);
    mock_xml_elem(f, "instanceType", mock_json_str(o, "type"));
    optional_elem(f, "launchTime", mock_json_str(o, "launch_time"));
    fputs("<placement>", f);
    optional_elem(f, "availabilityZone", mock_json_str(o, "availability_zone"));
    fputs("<groupName/><tenancy>default</tenancy></placement>", f);
    fputs("<monitoring><state>disabled</state></monitoring>", f);
    optional_elem(f, "privateIpAddress", mock_json_str(o, "private_ip"));
    optional_elem(f, "ipAddress", mock_json_str(o, "public_ip"));
    write_tags(f, o);
    fputs("</item>", f);
}

static void open_reservation(FILE *f, struct json_object *res)
{
    const char *owner = mock_json_str(res, "owner_id");
    fputs("<item>", f);
    mock_xml_elem(f, "reservationId", mock_json_str(res, "id"));
    mock_xml_elem(f, "ownerId", owner ? owner : MOCK_ACCOUNT_ID);
    fputs("<groupSet/><instancesSet>", f);
}

/* The page [offset, offset + max) of the matching instances, grouped by
 * reservation (a reservation cut by a page boundary appears on both). */
static void write_page(mock_call *c, const ec2_selection *sel, size_t offset, size_t max)
{
    const mock_ec2_data *data = &c->srv->ec2;
    FILE *f = mock_reply_begin(c, 200);
    if (f == NULL)
        return mock_reply_end(c, f);
    fputs("<DescribeInstancesResponse xmlns=\"" EC2_XMLNS "\">", f);
    mock_xml_elem(f, "requestId", c->request_id);
    fputs("<reservationSet>", f);
    struct json_object *open = NULL;
    size_t seen = 0;
    for (size_t i = 0; i < data->n; i++) {
        if (!ec2_selection_matches(sel, &data->v[i]) || seen++ < offset)
            continue;
        if (seen > offset + max)
            break;
        if (open != data->v[i].reservation) {
            if (open != NULL)
                fputs("</instancesSet></item>", f);
            open = data->v[i].reservation;
            open_reservation(f, open);
        }
        write_instance(f, &data->v[i]);
    }
    fputs(open ? "</instancesSet></item></reservationSet>" : "</reservationSet>", f);
    if (seen > offset + max) {
        char token[TOKEN_MAX];
        token_format(offset + max, token);
        mock_xml_elem(f, "nextToken", token);
    }
    fputs("</DescribeInstancesResponse>\n", f);
    mock_reply_end(c, f);
}

void mock_ec2_describe_instances(mock_call *c)
{
    ec2_selection sel;
    long max;
    size_t offset;
    bool ok = ec2_selection_parse(c, &sel) &&
              mock_param_long(c, "MaxResults", 5, 1000, 0, &max) && token_parse(c, &offset);
    if (ok && max != 0 && sel.nids > 0) {
        mock_reply_error(c, 400, "InvalidParameterCombination",
                         "The parameter instancesSet cannot be used with the parameter maxResults");
        ok = false;
    }
    if (ok)
        write_page(c, &sel, offset, max != 0 ? (size_t)max : (size_t)-1 / 2);
    ec2_selection_free(&sel);
}
