/* EC2 DescribeInstances: the request, one page, and every page. The result
 * is built in ec2_result.c. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "awsv2/ec2.h"
#include "client_impl.h"
#include "ec2_result.h"
#include "internal.h"

/* The first published layout of the input ends with version. Every member
 * up to it is read unconditionally, so a caller's size may not be smaller;
 * members added later are read only when size covers them. */
#define INPUT_FIRST_LAYOUT \
    (offsetof(awsv2_ec2_describe_instances_input, version) + sizeof(const char *))

static awsv2_status check_input(const awsv2_ec2_describe_instances_input *in, awsv2_error *err)
{
    if (!in)
        return awsv2__fail(err, AWSV2_E_INVALID, "DescribeInstances needs an input");
    if (in->size != 0 && in->size < INPUT_FIRST_LAYOUT)
        return awsv2__fail(err, AWSV2_E_INVALID,
                           "awsv2_ec2_describe_instances_input.size %zu is smaller than its "
                           "first layout (%zu bytes)",
                           in->size, (size_t)INPUT_FIRST_LAYOUT);
    return AWSV2_OK;
}

/* Filter.N.Name, Filter.N.Value.M and InstanceId.N count from 1. */
static awsv2_status set_filters(awsv2_params *p, const awsv2_ec2_describe_instances_input *in,
                                awsv2_error *err)
{
    char name[64];
    awsv2_status st = AWSV2_OK;
    for (size_t f = 0; !st && f < in->n_filters; f++) {
        const awsv2_ec2_filter *filter = &in->filters[f];
        snprintf(name, sizeof name, "Filter.%zu.Name", f + 1);
        st = awsv2_params_set(p, name, filter->name, err);
        for (size_t v = 0; !st && v < filter->n_values; v++) {
            snprintf(name, sizeof name, "Filter.%zu.Value.%zu", f + 1, v + 1);
            st = awsv2_params_set(p, name, filter->values[v], err);
        }
    }
    for (size_t i = 0; !st && i < in->n_instance_ids; i++) {
        snprintf(name, sizeof name, "InstanceId.%zu", i + 1);
        st = awsv2_params_set(p, name, in->instance_ids[i], err);
    }
    return st;
}

static awsv2_status build_params(awsv2_params *p, const awsv2_ec2_describe_instances_input *in,
                                 const char *next_token, awsv2_error *err)
{
    awsv2_status st = awsv2_params_set(p, "Action", "DescribeInstances", err);
    if (!st)
        st = awsv2_params_set(p, "Version", in->version ? in->version : AWSV2_EC2_API_VERSION,
                              err);
    if (!st)
        st = set_filters(p, in, err);
    if (!st && in->max_results > 0)
        st = awsv2_params_setf(p, "MaxResults", err, "%d", in->max_results);
    if (!st && next_token)
        st = awsv2_params_set(p, "NextToken", next_token, err);
    return st;
}

static awsv2_status page(awsv2_client *c, awsv2_params *p,
                         const awsv2_ec2_describe_instances_input *in, const char *next_token,
                         awsv2_ec2_instances **out, awsv2_error *err)
{
    awsv2_params_clear(p);
    awsv2_status st = build_params(p, in, next_token, err);
    xmlDoc *doc = NULL;
    if (!st)
        st = awsv2__client_call_xml(c, awsv2__client_method(c), NULL, p, &doc, err);
    if (!st)
        st = awsv2__ec2_instances_from_doc(doc, out, err);
    xmlFreeDoc(doc);
    return st;
}

static awsv2_status first_page(awsv2_client *c, awsv2_params **p,
                               const awsv2_ec2_describe_instances_input *in,
                               awsv2_ec2_instances **out, awsv2_error *err)
{
    *out = NULL;
    *p = NULL;
    awsv2_status st = check_input(in, err);
    if (!st)
        st = awsv2_params_new(p, err);
    if (!st)
        st = page(c, *p, in, in->next_token, out, err);
    return st;
}

awsv2_status awsv2_ec2_describe_instances(awsv2_client *c,
                                          const awsv2_ec2_describe_instances_input *in,
                                          awsv2_ec2_instances **out, awsv2_error *err)
{
    awsv2_params *p;
    awsv2_status st = first_page(c, &p, in, out, err);
    awsv2_params_free(p);
    return st;
}

/* A service that hands back the token it was given would loop forever. */
static awsv2_status check_progress(const char *sent, const char *got, awsv2_error *err)
{
    if (sent && got && strcmp(sent, got) == 0)
        return awsv2__fail(err, AWSV2_E_RESPONSE,
                           "DescribeInstances returned the NextToken it was given");
    return AWSV2_OK;
}

awsv2_status awsv2_ec2_describe_instances_all(awsv2_client *c,
                                              const awsv2_ec2_describe_instances_input *in,
                                              awsv2_ec2_instances **out, awsv2_error *err)
{
    awsv2_params *p;
    awsv2_ec2_instances *all;
    awsv2_status st = first_page(c, &p, in, &all, err);
    while (!st && all->next_token) {
        awsv2_ec2_instances *next = NULL;
        st = page(c, p, in, all->next_token, &next, err);
        if (!st)
            st = check_progress(all->next_token, next->next_token, err);
        if (!st)
            st = awsv2__ec2_instances_append(all, next, err);
        awsv2_ec2_instances_free(next);
    }
    awsv2_params_free(p);
    if (st) {
        awsv2_ec2_instances_free(all);
        all = NULL;
    }
    *out = all;
    return st;
}
