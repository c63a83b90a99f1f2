/* Safe parsing of AWS's XML responses and walking them by local element
 * name (EC2's namespace changes with the API version). Thread-safe (libxml2
 * is initialised once); a document belongs to the thread that read it.
 * Nodes are borrowed from their document. */
#ifndef AWSV2_CLIENT_XML_H
#define AWSV2_CLIENT_XML_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

#include "awsv2/status.h"

/* Parses len bytes of UTF-8 XML. Never touches the network or the file
 * system: a document with a DOCTYPE (where entities and external subsets
 * would live) is refused before parsing, as AWS never sends one.
 * AWSV2_E_RESPONSE for anything not well-formed or over max_bytes. Free
 * *out with xmlFreeDoc. */
awsv2_status awsv2__xml_read(const char *buf, size_t len, size_t max_bytes, xmlDoc **out,
                             awsv2_error *err);

/* The first element child of parent (NULL is fine) with that local name. */
xmlNode *awsv2__xml_child(const xmlNode *parent, const char *name);
/* The next element sibling of node with the same local name. */
xmlNode *awsv2__xml_next(const xmlNode *node);
/* The first element with that local name in the subtree of root, root
 * included (depth first). */
xmlNode *awsv2__xml_find(const xmlNode *root, const char *name);
/* How many element children of parent have that local name. */
size_t awsv2__xml_count(const xmlNode *parent, const char *name);

/* The text of parent's child `name` as a malloc'd string into *out (NULL
 * when there is no such child). Returns false only when out of memory. */
bool awsv2__xml_dup(const xmlNode *parent, const char *name, char **out);
/* The same into buf (cap bytes): "" when there is no such child (the
 * caller decides whether it is required). Text that does not fit is
 * AWSV2_E_RESPONSE naming the element, with buf "": never a truncated copy,
 * which could pass for the value (an MD5 followed by junk would compare
 * equal). AWSV2_E_NOMEM when out of memory. */
awsv2_status awsv2__xml_copy(const xmlNode *parent, const char *name, char *buf, size_t cap,
                             awsv2_error *err);

/* Fills err from an AWS error document (EC2's Response/Errors/Error or
 * SQS's ErrorResponse/Error) received with http_status, and returns
 * AWSV2_E_SERVICE: err->code is AWS's code, err->message its Message
 * (print them as "Code: Message", as cli_fail does). A body that is no such
 * document still gives AWSV2_E_SERVICE, naming the HTTP status. */
awsv2_status awsv2__xml_service_error(const char *body, size_t len, long http_status,
                                      awsv2_error *err);

#endif
