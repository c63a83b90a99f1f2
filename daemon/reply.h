/* Queuing replies on a request's connection. Every reply records its status
 * and error code in the request (for the log and the metrics). JSON bodies
 * are written as Python's json.dumps writes them, {"a": 1, "b": "x"}, so
 * that POST /sign/aws answers byte for byte like the original hsmd.py. */
#ifndef HSMD_REPLY_H
#define HSMD_REPLY_H

#include <json-c/json.h>

#include "request.h"

/* Replies with a JSON object (owned: released here). */
enum MHD_Result hsmd_reply_json(struct hsmd_request *r, unsigned status, json_object *obj);

/* {"success": false, "error": code} with status. */
enum MHD_Result hsmd_reply_error(struct hsmd_request *r, unsigned status, const char *code);

/* Replies with text (malloc'd, owned: freed by libmicrohttpd) of type. */
enum MHD_Result hsmd_reply_text(struct hsmd_request *r, unsigned status, char *text, size_t len,
                                const char *type);

#endif
