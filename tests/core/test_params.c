/* Parameter sets and the canonical query's sort order: byte order of the
 * names' UTF-8, a prefix before its extensions, values encoded byte-wise. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static awsv2_request *req;

static void setup(void)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_request_new(&req, AWSV2_GET, "https://example.com/", &err), AWSV2_OK);
}

static void teardown(void)
{
    awsv2_request_free(req);
}

/* Sets name=value pairs given as a NULL-terminated list. */
static void set_all(const char *const *pairs)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    for (size_t i = 0; pairs[i]; i += 2)
        ck_assert_int_eq(awsv2_params_set(awsv2_request_params(req), pairs[i], pairs[i + 1], &err),
                         AWSV2_OK);
}

/* The canonical query: the string to sign's fourth line. */
static const char *canonical(void)
{
    const char *sts;
    size_t len;
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_request_string_to_sign(req, &sts, &len, &err), AWSV2_OK);
    const char *p = sts;
    for (int i = 0; i < 3; i++) {
        p = strchr(p, '\n');
        ck_assert_ptr_nonnull(p);
        p++;
    }
    ck_assert_ptr_null(strchr(p, '\n'));
    return p;
}

START_TEST(numbered_filters_sort_as_text)
{
    set_all((const char *const[]){"Filter.2", "c", "Filter.10", "b", "Filter.1", "a", NULL});
    ck_assert_str_eq(canonical(), "Filter.1=a&Filter.10=b&Filter.2=c");
}
END_TEST

START_TEST(upper_case_before_lower)
{
    set_all((const char *const[]){"b", "4", "a", "3", "B", "2", "A", "1", NULL});
    ck_assert_str_eq(canonical(), "A=1&B=2&a=3&b=4");
}
END_TEST

/* '-' 0x2d '.' 0x2e '0' 0x30 'Z' 0x5a '_' 0x5f 'a' 0x61 '~' 0x7e. */
START_TEST(unreserved_punctuation_in_byte_order)
{
    set_all((const char *const[]){"x~", "7", "xa", "6", "x_", "5", "xZ", "4", "x0", "3",
                                  "x.", "2", "x-", "1", NULL});
    ck_assert_str_eq(canonical(), "x-=1&x.=2&x0=3&xZ=4&x_=5&xa=6&x~=7");
}
END_TEST

START_TEST(prefix_sorts_first)
{
    set_all((const char *const[]){"Filter.1", "c", "Filter", "b", "Filte", "a", NULL});
    ck_assert_str_eq(canonical(), "Filte=a&Filter=b&Filter.1=c");
}
END_TEST

/* Sorted by the raw UTF-8 bytes, not by their encoding (where "%" 0x25
 * would put every non-ASCII name before "~") and not by UTF-16 (where
 * U+1F600's surrogates come before U+FF5E). UTF-8 byte order is code point
 * order: ~ U+007E, é U+00E9, € U+20AC, ～ U+FF5E, 😀 U+1F600. */
START_TEST(utf8_names_in_byte_order)
{
    set_all((const char *const[]){"a\xf0\x9f\x98\x80", "5", "a\xef\xbd\x9e", "4",
                                  "a\xe2\x82\xac", "3", "a\xc3\xa9", "2", "a~", "1", NULL});
    ck_assert_str_eq(canonical(), "a~=1&a%C3%A9=2&a%E2%82%AC=3&a%EF%BD%9E=4&a%F0%9F%98%80=5");
}
END_TEST

START_TEST(utf8_values)
{
    set_all((const char *const[]){"Body", "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x9a\x80", NULL});
    ck_assert_str_eq(canonical(), "Body=caf%C3%A9%20%E6%97%A5%20%F0%9F%9A%80");
}
END_TEST

START_TEST(special_values)
{
    set_all((const char *const[]){"V", "a&b=c+d e%f\x7f\x80\xff", NULL});
    ck_assert_str_eq(canonical(), "V=a%26b%3Dc%2Bd%20e%25f%7F%80%FF");
}
END_TEST

START_TEST(empty_values)
{
    set_all((const char *const[]){"B", "", "A", "x", "C", "", NULL});
    ck_assert_str_eq(canonical(), "A=x&B=&C=");
}
END_TEST

/* Names with special bytes are encoded too. */
START_TEST(names_are_encoded)
{
    set_all((const char *const[]){"a b", "1", "a&b", "2", "a=b", "3", NULL});
    ck_assert_str_eq(canonical(), "a%20b=1&a%26b=2&a%3Db=3");
}
END_TEST

/* Only the exact name "Signature" is left out of the string to sign. */
START_TEST(only_signature_is_excluded)
{
    set_all((const char *const[]){"Signature", "old", "signature", "1", "Signatures", "2",
                                  "XSignature", "3", NULL});
    ck_assert_str_eq(canonical(), "Signatures=2&XSignature=3&signature=1");
}
END_TEST

START_TEST(no_params)
{
    ck_assert_str_eq(canonical(), "");
}
END_TEST

/* ---- the parameter set API ---------------------------------------------- */

static awsv2_params *p;

static void params_setup(void)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_params_new(&p, &err), AWSV2_OK);
}

static void params_teardown(void)
{
    awsv2_params_free(p);
}

static void check_at(size_t i, const char *name, const char *value)
{
    const char *n, *v;
    awsv2_params_at(p, i, &n, &v);
    ck_assert_str_eq(n, name);
    ck_assert_str_eq(v, value);
}

/* awsv2_params_at walks the names in byte order, whatever the order set. */
START_TEST(name_order_and_count)
{
    ck_assert_uint_eq(awsv2_params_count(p), 0);
    ck_assert_int_eq(awsv2_params_set(p, "b", "1", NULL), AWSV2_OK);
    ck_assert_int_eq(awsv2_params_set(p, "a", "2", NULL), AWSV2_OK);
    ck_assert_int_eq(awsv2_params_set(p, "B", "3", NULL), AWSV2_OK);
    ck_assert_int_eq(awsv2_params_set(p, "Filter.10", "4", NULL), AWSV2_OK);
    ck_assert_int_eq(awsv2_params_set(p, "Filter.2", "5", NULL), AWSV2_OK);
    ck_assert_uint_eq(awsv2_params_count(p), 5);
    check_at(0, "B", "3");
    check_at(1, "Filter.10", "4");
    check_at(2, "Filter.2", "5");
    check_at(3, "a", "2");
    check_at(4, "b", "1");
    ck_assert_str_eq(awsv2_params_get(p, "a"), "2");
    ck_assert_ptr_null(awsv2_params_get(p, "c"));
}
END_TEST

START_TEST(replace_keeps_one_entry)
{
    ck_assert_int_eq(awsv2_params_set(p, "a", "1", NULL), AWSV2_OK);
    ck_assert_int_eq(awsv2_params_set(p, "b", "2", NULL), AWSV2_OK);
    ck_assert_int_eq(awsv2_params_set(p, "a", "a much longer value than before", NULL),
                     AWSV2_OK);
    ck_assert_int_eq(awsv2_params_set(p, "a", "", NULL), AWSV2_OK);
    ck_assert_uint_eq(awsv2_params_count(p), 2);
    check_at(0, "a", "");
    check_at(1, "b", "2");
}
END_TEST

START_TEST(remove_entries)
{
    ck_assert_int_eq(awsv2_params_set(p, "a", "1", NULL), AWSV2_OK);
    ck_assert_int_eq(awsv2_params_set(p, "b", "2", NULL), AWSV2_OK);
    ck_assert_int_eq(awsv2_params_set(p, "c", "3", NULL), AWSV2_OK);
    awsv2_params_remove(p, "b");
    awsv2_params_remove(p, "absent");
    ck_assert_uint_eq(awsv2_params_count(p), 2);
    ck_assert_ptr_null(awsv2_params_get(p, "b"));
    check_at(0, "a", "1");
    check_at(1, "c", "3");
    ck_assert_int_eq(awsv2_params_set(p, "b", "again", NULL), AWSV2_OK);
    check_at(1, "b", "again");
    check_at(2, "c", "3");
}
END_TEST

START_TEST(clear_and_reuse)
{
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 100; i++)
            ck_assert_int_eq(awsv2_params_setf(p, "Name", NULL, "%d", i), AWSV2_OK);
        ck_assert_int_eq(awsv2_params_setf(p, round ? "Other" : "First", NULL, "r%d", round),
                         AWSV2_OK);
        ck_assert_uint_eq(awsv2_params_count(p), 2);
        ck_assert_str_eq(awsv2_params_get(p, "Name"), "99");
        awsv2_params_clear(p);
        ck_assert_uint_eq(awsv2_params_count(p), 0);
        ck_assert_ptr_null(awsv2_params_get(p, "Name"));
        ck_assert_ptr_null(awsv2_params_get(p, "First"));
    }
}
END_TEST

START_TEST(setf_formats)
{
    char big[1000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ck_assert_int_eq(awsv2_params_setf(p, "Small", NULL, "%s.%d.%s", "Filter", 10, "Name"),
                     AWSV2_OK);
    ck_assert_int_eq(awsv2_params_setf(p, "Big", NULL, "<%s>", big), AWSV2_OK);
    ck_assert_str_eq(awsv2_params_get(p, "Small"), "Filter.10.Name");
    const char *v = awsv2_params_get(p, "Big");
    ck_assert_uint_eq(strlen(v), sizeof big + 1);
    ck_assert_int_eq(v[0], '<');
    ck_assert_int_eq(v[sizeof big], '>');
}
END_TEST

START_TEST(invalid_names_and_values)
{
    awsv2_error err = AWSV2_ERROR_INIT;
    ck_assert_int_eq(awsv2_params_set(p, "", "v", &err), AWSV2_E_INVALID);
    ck_assert_int_eq(err.status, AWSV2_E_INVALID);
    ck_assert_str_ne(err.message, "");
    ck_assert_int_eq(awsv2_params_set(p, NULL, "v", &err), AWSV2_E_INVALID);
    ck_assert_int_eq(awsv2_params_set(p, "n", NULL, &err), AWSV2_E_INVALID);
    ck_assert_int_eq(awsv2_params_setf(p, "", &err, "%d", 1), AWSV2_E_INVALID);
    ck_assert_uint_eq(awsv2_params_count(p), 0);
}
END_TEST

/* Many parameters, set in reverse: the arena grows and everything stays. */
START_TEST(many_params_sorted)
{
    char name[32];
    for (int i = 199; i >= 0; i--) {
        snprintf(name, sizeof name, "P%03d", i);
        ck_assert_int_eq(awsv2_params_setf(awsv2_request_params(req), name, NULL, "%d", i),
                         AWSV2_OK);
    }
    const char *q = canonical();
    ck_assert_int_eq(strncmp(q, "P000=0&P001=1&P002=2&", 21), 0);
    ck_assert_str_eq(q + strlen(q) - 8, "P199=199");
}
END_TEST

/* Names that share their first eight bytes, or differ only after them. */
START_TEST(long_names_sharing_a_prefix)
{
    static const char *const names[] = {
        "Filter.1.Value.2", "Filter.1.Value.10", "Filter.1.Value.1", "Filter.1.Name",
        "Filter.1", "Filter.10", "abcdefgh0", "abcdefgh", "abcdefg", "\xc3\xa9t\xc3\xa9", "z",
    };
    static const char *const sorted[] = {
        "Filter.1", "Filter.1.Name", "Filter.1.Value.1", "Filter.1.Value.10",
        "Filter.1.Value.2", "Filter.10", "abcdefg", "abcdefgh", "abcdefgh0", "z",
        "\xc3\xa9t\xc3\xa9",
    };
    size_t n = sizeof names / sizeof names[0];
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(awsv2_params_set(p, names[i], names[i], NULL), AWSV2_OK);
    for (size_t i = 0; i < n; i++) {
        check_at(i, sorted[i], sorted[i]);
        ck_assert_str_eq(awsv2_params_get(p, names[i]), names[i]);
    }
    ck_assert_ptr_null(awsv2_params_get(p, "Filter.1.Value"));
    ck_assert_ptr_null(awsv2_params_get(p, "abcdefgh1"));
    awsv2_params_remove(p, "Filter.1.Value.1");
    awsv2_params_remove(p, "abcdefgh");
    ck_assert_uint_eq(awsv2_params_count(p), n - 2);
    ck_assert_ptr_null(awsv2_params_get(p, "Filter.1.Value.1"));
    ck_assert_str_eq(awsv2_params_get(p, "Filter.1.Value.10"), "Filter.1.Value.10");
    ck_assert_str_eq(awsv2_params_get(p, "abcdefgh0"), "abcdefgh0");
}
END_TEST

/* A value taken from the set itself is copied before the set grows. */
START_TEST(set_from_own_value)
{
    char big[201];
    memset(big, 'v', 200);
    big[200] = '\0';
    ck_assert_int_eq(awsv2_params_set(p, "A", big, NULL), AWSV2_OK);
    for (int i = 0; i < 8; i++) {
        char name[16];
        snprintf(name, sizeof name, "B%d", i);
        ck_assert_int_eq(awsv2_params_set(p, name, awsv2_params_get(p, "A"), NULL), AWSV2_OK);
        ck_assert_str_eq(awsv2_params_get(p, name), big);
    }
    ck_assert_int_eq(awsv2_params_set(p, "A", awsv2_params_get(p, "B3"), NULL), AWSV2_OK);
    ck_assert_str_eq(awsv2_params_get(p, "A"), big);
}
END_TEST

/* ---- random operations against a simple model --------------------------- */

#define MODEL_MAX 400

struct model {
    char names[MODEL_MAX][16];
    char values[MODEL_MAX][16];
    size_t n;
};

static uint32_t rng = 2463534242u;

static uint32_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* Names from a small alphabet, so that prefixes and shared bytes abound. */
static void random_name(char *out)
{
    static const char alphabet[] = "ab~.1A\xc3\xff";
    size_t len = 1 + next_random() % 12;
    for (size_t i = 0; i < len; i++)
        out[i] = alphabet[next_random() % (sizeof alphabet - 1)];
    out[len] = '\0';
}

static long model_find(const struct model *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->names[i], name) == 0)
            return (long)i;
    return -1;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(a, b); /* compares as unsigned char: byte order */
}

static void model_check(struct model *m)
{
    char sorted[MODEL_MAX][16];
    memcpy(sorted, m->names, sizeof sorted);
    qsort(sorted, m->n, sizeof sorted[0], by_name);
    ck_assert_uint_eq(awsv2_params_count(p), m->n);
    for (size_t i = 0; i < m->n; i++) {
        const char *name, *value;
        awsv2_params_at(p, i, &name, &value);
        ck_assert_str_eq(name, sorted[i]);
        ck_assert_str_eq(value, m->values[model_find(m, name)]);
    }
}

START_TEST(random_against_model)
{
    static struct model m;
    char name[16];
    for (int op = 0; op < 5000; op++) {
        random_name(name);
        long i = model_find(&m, name);
        if (next_random() % 4 == 0) {
            awsv2_params_remove(p, name);
            if (i >= 0) {
                m.n--;
                memcpy(m.names[i], m.names[m.n], sizeof m.names[0]);
                memcpy(m.values[i], m.values[m.n], sizeof m.values[0]);
            }
        } else if (i >= 0 || m.n < MODEL_MAX) {
            size_t k = i >= 0 ? (size_t)i : m.n++;
            snprintf(m.names[k], sizeof m.names[k], "%s", name);
            snprintf(m.values[k], sizeof m.values[k], "v%d", op);
            ck_assert_int_eq(awsv2_params_set(p, name, m.values[k], NULL), AWSV2_OK);
        }
        const char *got = awsv2_params_get(p, name);
        i = model_find(&m, name);
        if (i < 0)
            ck_assert_ptr_null(got);
        else
            ck_assert_str_eq(got, m.values[i]);
        if (op % 500 == 0)
            model_check(&m);
    }
    model_check(&m);
}
END_TEST

/* RFC 3986 as the test writes it, byte by byte: unreserved bytes as they
 * are, every other one as %XX in upper case. */
static void model_encode(const char *in, char *out)
{
    for (const unsigned char *c = (const unsigned char *)in; *c; c++) {
        if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
            *c == '-' || *c == '_' || *c == '.' || *c == '~')
            *out++ = (char)*c;
        else
            out += sprintf(out, "%%%02X", *c);
    }
    *out = '\0';
}

/* Names and values of 1 to 40 bytes over the alphabet's edges (the bytes
 * just outside each unreserved range, '/', bytes >= 0x80), where a byte to
 * encode may sit anywhere in a 16-byte block; set, replaced and removed in
 * turn, each canonical query against the model's. */
START_TEST(random_queries_against_model)
{
    static const char alphabet[] = "aAzZ09-._~`@[{/:+=&% \x7f\x80\xff,!*";
    enum { N = 24, LEN = 41 };
    static char names[N][LEN], values[N][LEN], enc[2 * N][3 * LEN], want[2 * N * 3 * LEN];
    for (int round = 0; round < 300; round++) {
        awsv2_request_params(req);
        awsv2_params_clear(awsv2_request_params(req));
        size_t n = 1 + next_random() % N;
        for (size_t i = 0; i < n; i++) {
            size_t nl = 1 + next_random() % (LEN - 5), vl = next_random() % LEN;
            /* Mostly plain letters, now and then any byte of the alphabet. */
            for (size_t k = 0; k < nl; k++)
                names[i][k] = next_random() % 8 ? 'a' + (char)(next_random() % 3)
                                                : alphabet[next_random() % (sizeof alphabet - 1)];
            for (size_t k = 0; k < vl; k++)
                values[i][k] = next_random() % 8 ? 'b'
                                                 : alphabet[next_random() % (sizeof alphabet - 1)];
            names[i][nl] = values[i][vl] = '\0';
            /* Unique: no '#' before; "#NN" as i < N < 100. */
            names[i][nl] = '#';
            names[i][nl + 1] = (char)('0' + i / 10);
            names[i][nl + 2] = (char)('0' + i % 10);
            names[i][nl + 3] = '\0';
            set_all((const char *const[]){names[i], "first", NULL});
            set_all((const char *const[]){names[i], values[i], NULL});
        }
        size_t kept = 0;
        for (size_t i = 0; i < n; i++) {
            if (next_random() % 5 == 0) {
                awsv2_params_remove(awsv2_request_params(req), names[i]);
                continue;
            }
            memmove(names[kept], names[i], LEN);
            memmove(values[kept], values[i], LEN);
            kept++;
        }
        for (size_t i = 0; i < kept; i++)
            for (size_t j = i + 1; j < kept; j++)
                if (strcmp(names[j], names[i]) < 0) {
                    char t[LEN];
                    memcpy(t, names[i], LEN), memcpy(names[i], names[j], LEN), memcpy(names[j], t, LEN);
                    memcpy(t, values[i], LEN), memcpy(values[i], values[j], LEN), memcpy(values[j], t, LEN);
                }
        char *o = want;
        *o = '\0';
        for (size_t i = 0; i < kept; i++) {
            model_encode(names[i], enc[0]);
            model_encode(values[i], enc[1]);
            o += sprintf(o, "%s%s=%s", i ? "&" : "", enc[0], enc[1]);
        }
        ck_assert_str_eq(canonical(), want);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("params");
    TCase *order = tcase_create("sort order");
    tcase_add_checked_fixture(order, setup, teardown);
    tcase_add_test(order, numbered_filters_sort_as_text);
    tcase_add_test(order, upper_case_before_lower);
    tcase_add_test(order, unreserved_punctuation_in_byte_order);
    tcase_add_test(order, prefix_sorts_first);
    tcase_add_test(order, utf8_names_in_byte_order);
    tcase_add_test(order, utf8_values);
    tcase_add_test(order, special_values);
    tcase_add_test(order, empty_values);
    tcase_add_test(order, names_are_encoded);
    tcase_add_test(order, only_signature_is_excluded);
    tcase_add_test(order, no_params);
    tcase_add_test(order, many_params_sorted);
    tcase_add_test(order, random_queries_against_model);
    suite_add_tcase(s, order);
    TCase *api = tcase_create("api");
    tcase_add_checked_fixture(api, params_setup, params_teardown);
    tcase_add_test(api, name_order_and_count);
    tcase_add_test(api, replace_keeps_one_entry);
    tcase_add_test(api, remove_entries);
    tcase_add_test(api, clear_and_reuse);
    tcase_add_test(api, setf_formats);
    tcase_add_test(api, invalid_names_and_values);
    tcase_add_test(api, long_names_sharing_a_prefix);
    tcase_add_test(api, set_from_own_value);
    tcase_add_test(api, random_against_model);
    suite_add_tcase(s, api);
    return core_run(s);
}
