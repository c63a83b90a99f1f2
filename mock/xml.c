/* XML text escaping for everything the mock echoes, and the UTF-8 check
 * of message text. */
#include "xml.h"

#include <string.h>

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* Decodes one UTF-8 sequence at s (n > 0 bytes left); returns its length and
 * the code point, or 0 for an invalid, overlong or truncated sequence. */
static size_t utf8_decode(const unsigned char *s, size_t n, unsigned long *cp)
{
    size_t len;
    unsigned long min;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xE0) == 0xC0) {
        len = 2, min = 0x80, *cp = s[0] & 0x1F;
    } else if ((s[0] & 0xF0) == 0xE0) {
        len = 3, min = 0x800, *cp = s[0] & 0x0F;
    } else if ((s[0] & 0xF8) == 0xF0) {
        len = 4, min = 0x10000, *cp = s[0] & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3F);
    }
    if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
        return 0;
    return len;
}

/* XML 1.0's Char production. */
static bool xml_char(unsigned long cp)
{
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

bool mock_valid_text(const char *text, size_t n)
{
    const unsigned char *p = (const unsigned char *)text;
    while (n > 0) {
        unsigned long cp;
        size_t len = utf8_decode(p, n, &cp);
        if (len == 0 || !xml_char(cp))
            return false;
        p += len;
        n -= len;
    }
    return true;
}

void mock_xml_text(FILE *f, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    while (n > 0) {
        unsigned long cp;
        size_t len = utf8_decode(p, n, &cp);
        if (len == 0 || !xml_char(cp)) {
            fputs(replacement, f);
            len = len ? len : 1;
        } else if (cp == '&') {
            fputs("&amp;", f);
        } else if (cp == '<') {
            fputs("&lt;", f);
        } else if (cp == '>') {
            fputs("&gt;", f);
        } else if (cp == '"') {
            fputs("&quot;", f);
        } else if (cp == '\r') {
            fputs("&#xD;", f); /* a literal CR would be normalised away */
        } else {
            fwrite(p, 1, len, f);
        }
        p += len;
        n -= len;
    }
}

void mock_xml_elem(FILE *f, const char *name, const char *text)
{
    if (text == NULL || *text == '\0') {
        fprintf(f, "<%s/>", name);
        return;
    }
    fprintf(f, "<%s>", name);
    mock_xml_text(f, text, strlen(text));
    fprintf(f, "</%s>", name);
}
