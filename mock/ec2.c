/* EC2 DescribeInstances, in the XML namespace of the API version asked for. */
#include "ec2.h"

#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "ec2_selection.h"
#include "xml.h"

#define EC2_XMLNS_PREFIX "http://ec2.amazonaws.com/doc/"
/* Without a Version parameter: the latest. */
#define EC2_DEFAULT_VERSION "2016-11-15"

/* The EC2 API versions the mock answers in (their namespaces differ; the
 * elements it writes are common to all of them). 2012-12-01 is what the
 * original Arduino HSM client sends. */
static const char *const ec2_versions[] = {
    "2012-12-01", "2013-02-01", "2013-06-15", "2013-10-15", "2014-02-01",
    "2014-05-01", "2014-06-15", "2014-09-01", "2014-10-01", "2015-03-01",
    "2015-04-15", "2015-10-01", "2016-04-01", "2016-09-15", "2016-11-15",
};

/* The Version asked for, or NULL after answering AWS's NoSuchVersion. */
static const char *version_of(mock_call *c)
{
    const char *v = mock_call_param(c, "Version");
    if (v == NULL)
        return EC2_DEFAULT_VERSION;
    for (size_t i = 0; i < sizeof ec2_versions / sizeof ec2_versions[0]; i++)
        if (strcmp(v, ec2_versions[i]) == 0)
            return ec2_versions[i];
    mock_reply_error(c, 400, "NoSuchVersion",
                     "The requested version (%s) of service AmazonEC2 does not exist", v);
    return NULL;
}
#define TOKEN_PREFIX "awsv2-mock-page:"

/* NextToken is opaque to clients: base64 of a prefix and the offset. */
#define TOKEN_TEXT_MAX 48
#define TOKEN_MAX (4 * TOKEN_TEXT_MAX / 3 + 1)

static void token_format(size_t offset, char out[TOKEN_MAX])
{
    char text[TOKEN_TEXT_MAX];
    int n = snprintf(text, sizeof text, TOKEN_PREFIX "%zu", offset);
    mock_base64(text, (size_t)n, out);
}

static bool token_parse(mock_call *c, size_t *offset)
{
    const char *token = mock_call_param(c, "NextToken");
    unsigned char *text = NULL;
    size_t len;
    *offset = 0;
    if (token == NULL)
        return true;
    if (strlen(token) <= 4 * TOKEN_TEXT_MAX / 3 && mock_unbase64(token, &text, &len)) {
        text[len] = '\0';
        char *end = NULL;
        bool ok = len >= sizeof TOKEN_PREFIX &&
                  strncmp((const char *)text, TOKEN_PREFIX, sizeof TOKEN_PREFIX - 1) == 0;
        const char *digits = ok ? (const char *)text + sizeof TOKEN_PREFIX - 1 : "";
        ok = ok && *digits >= '0' && *digits <= '9';
        if (ok)
            *offset = strtoul(digits, &end, 10);
        ok = ok && *end == '\0' && *offset <= ec2_instances_count(mock_call_server(c)->ec2);
        free(text);
        if (ok)
            return true;
    }
    mock_reply_error(c, 400, "InvalidParameterValue", "Invalid value '%s' for NextToken", token);
    return false;
}

static void optional_elem(FILE *f, const char *name, const char *text)
{
    if (text != NULL)
        mock_xml_elem(f, name, text);
}

static void write_tags(FILE *f, const ec2_instance *in)
{
    size_t n = ec2_instance_tag_count(in);
    if (n == 0)
        return;
    fputs("<tagSet>", f);
    for (size_t i = 0; i < n; i++) {
        const char *key, *value;
        ec2_instance_tag_at(in, i, &key, &value);
        fputs("<item>", f);
        mock_xml_elem(f, "key", key);
        mock_xml_elem(f, "value", value);
        fputs("</item>", f);
    }
    fputs("</tagSet>", f);
}

static void write_instance(FILE *f, const ec2_instance *o)
{
    const char *state = ec2_instance_get(o, "state");
    fputs("<item>", f);
    mock_xml_elem(f, "instanceId", ec2_instance_get(o, "id"));
    mock_xml_elem(f, "imageId", ec2_instance_get(o, "image_id"));
    fprintf(f, "<instanceState><code>%d</code>", ec2_instance_state_code(o));
    mock_xml_elem(f, "name", state);
    fputs("</instanceState>", f);
    mock_xml_elem(f, "privateDnsName", ec2_instance_get(o, "private_dns"));
    mock_xml_elem(f, "dnsName", ec2_instance_get(o, "public_dns"));
    fputs("<reason/>", f);
    optional_elem(f, "keyName", ec2_instance_get(o, "key_name"));
    fprintf(f, "<amiLaunchIndex>%zu</amiLaunchIndex><productCodes/>", ec2_instance_launch_index(o));
    mock_xml_elem(f, "instanceType", ec2_instance_get(o, "type"));
    optional_elem(f, "launchTime", ec2_instance_get(o, "launch_time"));
    fputs("<placement>", f);
    optional_elem(f, "availabilityZone", ec2_instance_get(o, "availability_zone"));
    fputs("<groupName/><tenancy>default</tenancy></placement>", f);
    fputs("<monitoring><state>disabled</state></monitoring>", f);
    optional_elem(f, "privateIpAddress", ec2_instance_get(o, "private_ip"));
    optional_elem(f, "ipAddress", ec2_instance_get(o, "public_ip"));
    write_tags(f, o);
    fputs("</item>", f);
}

static void open_reservation(FILE *f, const ec2_instance *in)
{
    const char *owner = ec2_instance_reservation_get(in, "owner_id");
    fputs("<item>", f);
    mock_xml_elem(f, "reservationId", ec2_instance_reservation_get(in, "id"));
    mock_xml_elem(f, "ownerId", owner ? owner : MOCK_ACCOUNT_ID);
    fputs("<groupSet/><instancesSet>", f);
}

/* The page [offset, offset + max) of the matching instances, grouped by
 * reservation (a reservation cut by a page boundary appears on both). */
static void write_page(mock_call *c, const char *version, const ec2_selection *sel,
                       size_t offset, size_t max)
{
    const ec2_instances *set = mock_call_server(c)->ec2;
    FILE *f = mock_reply_begin(c, 200);
    if (f == NULL)
        return mock_reply_end(c, f);
    fprintf(f, "<DescribeInstancesResponse xmlns=\"" EC2_XMLNS_PREFIX "%s/\">", version);
    mock_xml_elem(f, "requestId", mock_call_request_id(c));
    fputs("<reservationSet>", f);
    const ec2_instance *open = NULL; /* the first of the open reservation */
    size_t seen = 0;
    for (size_t i = 0; i < ec2_instances_count(set); i++) {
        const ec2_instance *in = ec2_instances_at(set, i);
        if (!ec2_selection_matches(sel, in) || seen++ < offset)
            continue;
        if (seen > offset + max)
            break;
        if (open == NULL || !ec2_instance_same_reservation(open, in)) {
            if (open != NULL)
                fputs("</instancesSet></item>", f);
            open = in;
            open_reservation(f, open);
        }
        write_instance(f, in);
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

void ec2_describe_instances(mock_call *c)
{
    const char *version = version_of(c);
    if (version == NULL)
        return;
    ec2_selection *sel = ec2_selection_parse(c);
    long max;
    size_t offset;
    bool ok = sel != NULL && mock_call_param_long(c, "MaxResults", 5, 1000, 0, &max) &&
              token_parse(c, &offset);
    if (ok && max != 0 && ec2_selection_has_ids(sel)) {
        mock_reply_error(c, 400, "InvalidParameterCombination",
                         "The parameter instancesSet cannot be used with the parameter maxResults");
        ok = false;
    }
    if (ok)
        write_page(c, version, sel, offset, max != 0 ? (size_t)max : (size_t)-1 / 2);
    ec2_selection_free(sel);
}
