/* XML text for replies, and the character set SQS accepts in messages.
 * Stateless; thread-safe. */
#ifndef AWSV2_MOCK_XML_H
#define AWSV2_MOCK_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Writes s XML-escaped: markup characters as entities, CR as &#xD; (so a
 * parser gives back the same bytes), and anything that is not a legal XML
 * character or not valid UTF-8 as U+FFFD. */
void mock_xml_text(FILE *f, const char *s, size_t n);
/* <name>escaped text</name>; an empty or NULL text gives <name/>. */
void mock_xml_elem(FILE *f, const char *name, const char *text);
/* True when text is valid UTF-8 of XML characters only, which is also the
 * set SQS accepts in messages (#x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD
 * #x10000-#x10FFFF). */
bool mock_valid_text(const char *text, size_t n);

#endif
