/* EC2 DescribeInstances: the request, one page, and every page. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsv2/ec2.h"
#include "client_impl.h"
#include "ec2_impl.h"
#include "internal.h"

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

awsv2_status awsv2_ec2_describe_instances(awsv2_client *c,
                                          const awsv2_ec2_describe_instances_input *in,
                                          awsv2_ec2_instances **out, awsv2_error *err)
{
    awsv2_params *p;
    *out = NULL;
    awsv2_status st = awsv2_params_new(&p, err);
    if (st)
        return st;
    st = page(c, p, in, in->next_token, out, err);
    awsv2_params_free(p);
    return st;
}

/* Moves the instances of from's reservation to the end of into's: a page
 * boundary may cut a reservation in two. */
static awsv2_status merge_reservation(awsv2_ec2_reservation *into, awsv2_ec2_reservation *from,
                                      awsv2_error *err)
{
    size_t n = into->n_instances + from->n_instances;
    awsv2_ec2_instance *v = realloc(into->instances, (n ? n : 1) * sizeof *v);
    if (!v)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
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

/* Moves the reservations of from to the end of into, joining a reservation
 * split between the two pages; from keeps only emptied shells. */
static awsv2_status append(awsv2_ec2_instances *into, awsv2_ec2_instances *from,
                           awsv2_error *err)
{
    size_t skip = 0;
    if (into->n_reservations && from->n_reservations &&
        same_reservation(&into->reservations[into->n_reservations - 1], &from->reservations[0])) {
        awsv2_status st = merge_reservation(&into->reservations[into->n_reservations - 1],
                                            &from->reservations[0], err);
        if (st)
            return st;
        skip = 1;
    }
    size_t moving = from->n_reservations - skip;
    if (moving == 0)
        return AWSV2_OK;
    size_t n = into->n_reservations + moving;
    awsv2_ec2_reservation *r = realloc(into->reservations, n * sizeof *r);
    if (!r)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    memcpy(r + into->n_reservations, from->reservations + skip, moving * sizeof *r);
    into->reservations = r;
    into->n_reservations = n;
    from->n_reservations = skip; /* the merged shell, if any, is freed with from */
    return AWSV2_OK;
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
    awsv2_ec2_instances *all = NULL;
    awsv2_status st = awsv2_ec2_describe_instances(c, in, &all, err);
    awsv2_params *p = NULL;
    if (!st)
        st = awsv2_params_new(&p, err);
    while (!st && all->next_token) {
        awsv2_ec2_instances *next = NULL;
        st = page(c, p, in, all->next_token, &next, err);
        if (!st)
            st = check_progress(all->next_token, next->next_token, err);
        if (!st)
            st = append(all, next, err);
        if (!st) {
            free(all->next_token);
            all->next_token = next->next_token;
            next->next_token = NULL;
        }
        awsv2_ec2_instances_free(next);
    }
    awsv2_params_free(p);
    if (st) {
        awsv2_ec2_instances_free(all);
        return st;
    }
    *out = all;
    return AWSV2_OK;
}
