/* ISO 8601 UTC timestamps, the form SigV2's Timestamp and Expires take. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "awsv2/request.h"
#include "internal.h"

void awsv2_timestamp_format(time_t t, char out[AWSV2_TIMESTAMP_SIZE])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, AWSV2_TIMESTAMP_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

/* The fixed part "YYYY-MM-DDTHH:MM:SS"; 1 when it is well-formed. */
static int parse_fixed(const char *s, struct tm *tm)
{
    int y, mo, d, h, mi, sec;
    if (strlen(s) < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
        s[16] != ':')
        return 0;
    if (!digits(s, 4, &y) || !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d) ||
        !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &sec))
        return 0;
    memset(tm, 0, sizeof *tm);
    tm->tm_year = y - 1900;
    tm->tm_mon = mo - 1;
    tm->tm_mday = d;
    tm->tm_hour = h;
    tm->tm_min = mi;
    tm->tm_sec = sec;
    return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && sec <= 60;
}

/* Optional ".fraction" then optional "Z", then the end. */
static int parse_tail(const char *s)
{
    if (*s == '.') {
        s++;
        if (*s < '0' || *s > '9')
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    if (*s == 'Z')
        s++;
    return *s == '\0';
}

awsv2_status awsv2_timestamp_parse(const char *text, time_t *out, awsv2_error *err)
{
    struct tm tm;
    if (!text || !parse_fixed(text, &tm) || !parse_tail(text + 19))
        goto bad;
    struct tm check = tm;
    time_t t = timegm(&tm);
    /* timegm normalises 2026-02-30 to March: a changed day means no such date. */
    if (t == (time_t)-1 || tm.tm_mday != check.tm_mday || tm.tm_mon != check.tm_mon)
        goto bad;
    *out = t;
    return AWSV2_OK;
bad:
    return awsv2__fail(err, AWSV2_E_INVALID,
                       "invalid timestamp '%s' (expected ISO 8601 UTC, e.g. 2026-11-21T12:00:00Z)",
                       text ? text : "(null)");
}
