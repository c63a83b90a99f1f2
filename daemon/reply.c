#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reply.h"

static enum MHD_Result queue(struct hsmd_request *r, unsigned status,
                             struct MHD_Response *resp, const char *type)
{
    enum MHD_Result ok;

    if (!resp)
        return MHD_NO; /* out of memory: libmicrohttpd closes the connection */
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    if (r->close)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
                                r->route == HSMD_ROUTE_SIGN || r->route == HSMD_ROUTE_SIGN4 ||
                                        r->route == HSMD_ROUTE_BATCH
                                    ? "POST"
                                    : "GET, HEAD");
    ok = MHD_queue_response(r->conn, status, resp);
    MHD_destroy_response(resp);
    if (ok == MHD_YES)
        r->status = status;
    return ok;
}

/* Renders the top level of obj as json.dumps does: ", " and ": ". */
static char *render(json_object *obj, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    const char *sep = "";

    if (!f)
        return NULL;
    fputc('{', f);
    json_object_object_foreach(obj, key, val)
    {
        fprintf(f, "%s\"%s\": %s", sep, key,
                json_object_to_json_string_ext(val, JSON_C_TO_STRING_PLAIN |
                                                        JSON_C_TO_STRING_NOSLASHESCAPE));
        sep = ", ";
    }
    fputc('}', f);
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

enum MHD_Result hsmd_reply_json(struct hsmd_request *r, unsigned status, json_object *obj)
{
    size_t len = 0;
    char *text = obj ? render(obj, &len) : NULL;

    json_object_put(obj);
    if (!text)
        return MHD_NO;
    return hsmd_reply_text(r, status, text, len, "application/json");
}

enum MHD_Result hsmd_reply_error(struct hsmd_request *r, unsigned status, const char *code)
{
    json_object *obj = json_object_new_object();

    snprintf(r->error, sizeof r->error, "%s", code);
    if (obj) {
        json_object_object_add(obj, "success", json_object_new_boolean(0));
        json_object_object_add(obj, "error", json_object_new_string(code));
    }
    return hsmd_reply_json(r, status, obj);
}

enum MHD_Result hsmd_reply_text(struct hsmd_request *r, unsigned status, char *text, size_t len,
                                const char *type)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);

    if (!resp)
        free(text);
    return queue(r, status, resp, type);
}
