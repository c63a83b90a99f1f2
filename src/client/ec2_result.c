/* The DescribeInstances result: parsed from a response, pages joined, freed
 * (see ec2_result.h). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "awsv2/ec2.h"
#include "ec2_result.h"
#include "internal.h"
#include "xml.h"

static void free_instance(awsv2_ec2_instance *i)
{
    if (!i)
        return;
    char *strings[] = {i->instance_id,        i->instance_type,     i->state_name,
                       i->image_id,           i->launch_time,       i->availability_zone,
                       i->private_ip_address, i->public_ip_address, i->private_dns_name,
                       i->public_dns_name,    i->key_name};
    for (size_t k = 0; k < AWSV2__ARRAY_LEN(strings); k++)
        free(strings[k]);
    for (size_t t = 0; t < i->n_tags; t++) {
        free(i->tags[t].key);
        free(i->tags[t].value);
    }
    free(i->tags);
    free(i);
}

static void free_reservation(awsv2_ec2_reservation *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_instances; i++)
        free_instance(r->instances[i]);
    free(r->instances);
    free(r->reservation_id);
    free(r->owner_id);
    free(r);
}

void awsv2_ec2_instances_free(awsv2_ec2_instances *p)
{
    if (!p)
        return;
    for (size_t r = 0; r < p->n_reservations; r++)
        free_reservation(p->reservations[r]);
    free(p->reservations);
    free(p->next_token);
    free(p->request_id);
    free(p);
}

/* Each parser below returns false only when out of memory, leaving what it
 * made reachable from its argument, for the free functions above. */

static bool parse_tags(const xmlNode *set, awsv2_ec2_instance *i)
{
    size_t n = awsv2__xml_count(set, "item");
    if (n == 0)
        return true;
    if (!(i->tags = calloc(n, sizeof *i->tags)))
        return false;
    for (xmlNode *item = awsv2__xml_child(set, "item"); item; item = awsv2__xml_next(item)) {
        awsv2_ec2_tag *t = &i->tags[i->n_tags++];
        if (!awsv2__xml_dup(item, "key", &t->key) || !awsv2__xml_dup(item, "value", &t->value))
            return false;
        if (!t->value && !(t->value = strdup("")))
            return false;
    }
    return true;
}

/* The state code, whole: -1 when absent or not a number of 0 to 65535
 * (EC2's is 16 bits), never a number read from part of the text. */
static bool parse_state(const xmlNode *state, awsv2_ec2_instance *i)
{
    char *code, *end;
    if (!awsv2__xml_dup(state, "code", &code))
        return false;
    long v = code && *code >= '0' && *code <= '9' ? strtol(code, &end, 10) : -1;
    i->state_code = v >= 0 && v <= 65535 && *end == '\0' ? (int)v : -1;
    free(code);
    return awsv2__xml_dup(state, "name", &i->state_name);
}

static bool parse_instance(const xmlNode *n, awsv2_ec2_instance *i)
{
    return awsv2__xml_dup(n, "instanceId", &i->instance_id) &&
           awsv2__xml_dup(n, "instanceType", &i->instance_type) &&
           parse_state(awsv2__xml_child(n, "instanceState"), i) &&
           awsv2__xml_dup(n, "imageId", &i->image_id) &&
           awsv2__xml_dup(n, "launchTime", &i->launch_time) &&
           awsv2__xml_dup(awsv2__xml_child(n, "placement"), "availabilityZone",
                          &i->availability_zone) &&
           awsv2__xml_dup(n, "privateIpAddress", &i->private_ip_address) &&
           awsv2__xml_dup(n, "ipAddress", &i->public_ip_address) &&
           awsv2__xml_dup(n, "privateDnsName", &i->private_dns_name) &&
           awsv2__xml_dup(n, "dnsName", &i->public_dns_name) &&
           awsv2__xml_dup(n, "keyName", &i->key_name) &&
           parse_tags(awsv2__xml_child(n, "tagSet"), i);
}

static bool parse_reservation(const xmlNode *n, awsv2_ec2_reservation *r)
{
    if (!awsv2__xml_dup(n, "reservationId", &r->reservation_id) ||
        !awsv2__xml_dup(n, "ownerId", &r->owner_id))
        return false;
    const xmlNode *set = awsv2__xml_child(n, "instancesSet");
    size_t count = awsv2__xml_count(set, "item");
    if (count == 0)
        return true;
    if (!(r->instances = calloc(count, sizeof *r->instances)))
        return false;
    for (xmlNode *item = awsv2__xml_child(set, "item"); item; item = awsv2__xml_next(item)) {
        awsv2_ec2_instance *i = calloc(1, sizeof *i);
        if (!i)
            return false;
        r->instances[r->n_instances++] = i;
        if (!parse_instance(item, i))
            return false;
    }
    return true;
}

static bool parse_page(const xmlNode *root, awsv2_ec2_instances *p)
{
    if (!awsv2__xml_dup(root, "nextToken", &p->next_token) ||
        !awsv2__xml_dup(root, "requestId", &p->request_id))
        return false;
    if (p->next_token && !*p->next_token) {
        free(p->next_token); /* an empty token means the last page */
        p->next_token = NULL;
    }
    const xmlNode *set = awsv2__xml_child(root, "reservationSet");
    size_t count = awsv2__xml_count(set, "item");
    if (count == 0)
        return true;
    if (!(p->reservations = calloc(count, sizeof *p->reservations)))
        return false;
    for (xmlNode *item = awsv2__xml_child(set, "item"); item; item = awsv2__xml_next(item)) {
        awsv2_ec2_reservation *r = calloc(1, sizeof *r);
        if (!r)
            return false;
        p->reservations[p->n_reservations++] = r;
        if (!parse_reservation(item, r))
            return false;
    }
    return true;
}

awsv2_status awsv2__ec2_instances_from_doc(xmlDoc *doc, awsv2_ec2_instances **out,
                                           awsv2_error *err)
{
    *out = NULL;
    const xmlNode *root = xmlDocGetRootElement(doc);
    if (!root || strcmp((const char *)root->name, "DescribeInstancesResponse") != 0)
        return awsv2__fail(err, AWSV2_E_RESPONSE,
                           "expected a DescribeInstancesResponse, got <%s>",
                           root ? (const char *)root->name : "nothing");
    awsv2_ec2_instances *p = calloc(1, sizeof *p);
    if (!p || !parse_page(root, p)) {
        awsv2_ec2_instances_free(p);
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    }
    *out = p;
    return AWSV2_OK;
}

awsv2_status awsv2_ec2_instances_parse(const char *xml, size_t len, awsv2_ec2_instances **out,
                                       awsv2_error *err)
{
    xmlDoc *doc;
    *out = NULL;
    awsv2_status st = awsv2__xml_read(xml, len, len, &doc, err);
    if (st)
        return st;
    st = awsv2__ec2_instances_from_doc(doc, out, err);
    xmlFreeDoc(doc);
    return st;
}

/* Moves the instances of from to the end of into's. */
static awsv2_status merge_reservation(awsv2_ec2_reservation *into, awsv2_ec2_reservation *from,
                                      awsv2_error *err)
{
    size_t n = into->n_instances + from->n_instances;
    awsv2_ec2_instance **v = realloc(into->instances, (n ? n : 1) * sizeof *v);
    if (!v)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    if (from->n_instances)
        memcpy(v + into->n_instances, from->instances, from->n_instances * sizeof *v);
    into->instances = v;
    into->n_instances = n;
    from->n_instances = 0;
    return AWSV2_OK;
}

static bool same_reservation(const awsv2_ec2_reservation *a, const awsv2_ec2_reservation *b)
{
    return a->reservation_id && b->reservation_id &&
           strcmp(a->reservation_id, b->reservation_id) == 0;
}

awsv2_status awsv2__ec2_instances_append(awsv2_ec2_instances *all, awsv2_ec2_instances *next,
                                         awsv2_error *err)
{
    size_t skip = 0;
    if (all->n_reservations && next->n_reservations &&
        same_reservation(all->reservations[all->n_reservations - 1], next->reservations[0])) {
        awsv2_status st = merge_reservation(all->reservations[all->n_reservations - 1],
                                            next->reservations[0], err);
        if (st)
            return st;
        skip = 1; /* next keeps the emptied reservation, to free it */
    }
    size_t moving = next->n_reservations - skip;
    if (moving) {
        size_t n = all->n_reservations + moving;
        awsv2_ec2_reservation **r = realloc(all->reservations, n * sizeof *r);
        if (!r)
            return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
        memcpy(r + all->n_reservations, next->reservations + skip, moving * sizeof *r);
        all->reservations = r;
        all->n_reservations = n;
        next->n_reservations = skip;
    }
    free(all->next_token);
    all->next_token = next->next_token;
    next->next_token = NULL;
    return AWSV2_OK;
}
