/* Safe XML reading and walking (see xml.h). */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlversion.h>

#include "internal.h"
#include "xml.h"

/* No DTD loading, no entity substitution (no XML_PARSE_NOENT), no
 * network, no relaxed limits (no XML_PARSE_HUGE), and no noise on stderr. */
#define PARSE_OPTIONS_BASE (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
#if LIBXML_VERSION >= 21300
#define PARSE_OPTIONS (PARSE_OPTIONS_BASE | XML_PARSE_NO_XXE)
#else
#define PARSE_OPTIONS PARSE_OPTIONS_BASE
#endif

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* libxml2 must be initialised once before threads use it. */
static void init_libxml(void)
{
    xmlInitParser();
}

/* Whether needle occurs in the n bytes of hay (memmem is a GNU extension). */
static bool contains(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (const char *p = hay; (size_t)(p - hay) + k <= n; p++) {
        p = memchr(p, needle[0], n - (size_t)(p - hay) - k + 1);
        if (!p)
            return false;
        if (memcmp(p, needle, k) == 0)
            return true;
    }
    return false;
}

static awsv2_status parse_failure(xmlParserCtxt *ctxt, awsv2_error *err)
{
    const xmlError *e = ctxt ? xmlCtxtGetLastError(ctxt) : NULL;
    if (!e || !e->message)
        return awsv2__fail(err, AWSV2_E_RESPONSE, "the response is not well-formed XML");
    int n = (int)strcspn(e->message, "\n");
    return awsv2__fail(err, AWSV2_E_RESPONSE, "the response is not well-formed XML: line %d: %.*s",
                       e->line, n, e->message);
}

awsv2_status awsv2__xml_read(const char *buf, size_t len, size_t max_bytes, xmlDoc **out,
                             awsv2_error *err)
{
    *out = NULL;
    if (len > max_bytes || len > INT_MAX)
        return awsv2__fail(err, AWSV2_E_RESPONSE, "the response is larger than %zu bytes",
                           max_bytes);
    /* The encoding is forced to UTF-8 below, so this byte search cannot be
     * dodged by declaring another encoding. */
    if (contains(buf, len, "<!DOCTYPE"))
        return awsv2__fail(err, AWSV2_E_RESPONSE,
                           "the response has a DOCTYPE, which AWS never sends; refused");
    pthread_once(&init_once, init_libxml);
    xmlParserCtxt *ctxt = xmlNewParserCtxt();
    if (!ctxt)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    xmlDoc *doc = xmlCtxtReadMemory(ctxt, buf, (int)len, NULL, "UTF-8", PARSE_OPTIONS);
    awsv2_status st = AWSV2_OK;
    if (!doc)
        st = parse_failure(ctxt, err);
    else if (doc->intSubset || doc->extSubset || !xmlDocGetRootElement(doc))
        st = awsv2__fail(err, AWSV2_E_RESPONSE, "the response is not a plain XML document");
    xmlFreeParserCtxt(ctxt);
    if (st) {
        xmlFreeDoc(doc);
        return st;
    }
    *out = doc;
    return AWSV2_OK;
}

static bool is_named(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

xmlNode *awsv2__xml_child(const xmlNode *parent, const char *name)
{
    if (!parent)
        return NULL;
    for (xmlNode *n = parent->children; n; n = n->next)
        if (is_named(n, name))
            return n;
    return NULL;
}

xmlNode *awsv2__xml_next(const xmlNode *node)
{
    for (xmlNode *n = node->next; n; n = n->next)
        if (is_named(n, (const char *)node->name))
            return n;
    return NULL;
}

xmlNode *awsv2__xml_find(const xmlNode *root, const char *name)
{
    if (!root)
        return NULL;
    if (is_named(root, name))
        return (xmlNode *)root;
    for (xmlNode *n = root->children; n; n = n->next) {
        xmlNode *found = awsv2__xml_find(n, name);
        if (found)
            return found;
    }
    return NULL;
}

size_t awsv2__xml_count(const xmlNode *parent, const char *name)
{
    size_t n = 0;
    for (xmlNode *c = awsv2__xml_child(parent, name); c; c = awsv2__xml_next(c))
        n++;
    return n;
}

bool awsv2__xml_dup(const xmlNode *parent, const char *name, char **out)
{
    *out = NULL;
    xmlNode *n = awsv2__xml_child(parent, name);
    if (!n)
        return true;
    xmlChar *text = xmlNodeGetContent(n);
    if (!text)
        return false;
    *out = strdup((const char *)text);
    xmlFree(text);
    return *out != NULL;
}

awsv2_status awsv2__xml_copy(const xmlNode *parent, const char *name, char *buf, size_t cap,
                             awsv2_error *err)
{
    if (cap)
        buf[0] = '\0';
    xmlNode *n = awsv2__xml_child(parent, name);
    if (!n)
        return AWSV2_OK;
    xmlChar *text = xmlNodeGetContent(n);
    if (!text)
        return awsv2__fail(err, AWSV2_E_NOMEM, "out of memory");
    size_t len = strlen((const char *)text);
    awsv2_status st = AWSV2_OK;
    if (len >= cap)
        st = awsv2__fail(err, AWSV2_E_RESPONSE,
                         "the response's %s is %zu bytes long, more than the %zu it can be",
                         name, len, cap ? cap - 1 : 0);
    else
        memcpy(buf, text, len + 1);
    xmlFree(text);
    return st;
}

/* EC2 says RequestID, SQS RequestId; either may sit beside or above Error.
 * One that does not fit is left out rather than cut. */
static void request_id(const xmlNode *root, awsv2_error *err)
{
    if (!AWSV2__ERROR_HAS(err, request_id))
        return;
    const char *name = awsv2__xml_child(root, "RequestID") ? "RequestID" : "RequestId";
    awsv2__xml_copy(root, name, err->request_id, sizeof err->request_id, NULL);
}

awsv2_status awsv2__xml_service_error(const char *body, size_t len, long http_status,
                                      awsv2_error *err)
{
    awsv2_error local = {0};
    if (!err)
        err = &local;
    xmlDoc *doc = NULL;
    xmlNode *e = NULL;
    if (awsv2__xml_read(body, len, len, &doc, NULL) == AWSV2_OK)
        e = awsv2__xml_find(xmlDocGetRootElement(doc), "Error");
    char code[AWSV2_ERROR_CODE_MAX] = "";
    char *message = NULL;
    /* A code too long for err->code is not cut: a cut code could read as
     * another (callers compare codes, the retry rules among them). */
    awsv2_status code_st = e ? awsv2__xml_copy(e, "Code", code, sizeof code, NULL) : AWSV2_OK;
    if (code[0]) {
        /* The message is text for people: awsv2_error_set shortens a long
         * one to AWSV2_ERROR_MESSAGE_MAX, as it does every message. (Out
         * of memory, it is left out.) */
        awsv2__xml_dup(e, "Message", &message);
        if (message && message[0])
            awsv2_error_set(err, AWSV2_E_SERVICE, code, "%s", message);
        else
            awsv2_error_set(err, AWSV2_E_SERVICE, code, "(no message; HTTP %ld)", http_status);
        request_id(xmlDocGetRootElement(doc), err);
    } else if (code_st == AWSV2_E_RESPONSE) {
        awsv2__fail(err, AWSV2_E_SERVICE,
                    "HTTP %ld: the service answered with an error code longer than %zu bytes",
                    http_status, sizeof code - 1);
    } else {
        awsv2__fail(err, AWSV2_E_SERVICE, "HTTP %ld: the service answered with an error %s",
                    http_status, doc ? "document without a code" : "that is not XML");
    }
    free(message);
    if (AWSV2__ERROR_HAS(err, http_status))
        err->http_status = http_status;
    xmlFreeDoc(doc);
    return AWSV2_E_SERVICE;
}
