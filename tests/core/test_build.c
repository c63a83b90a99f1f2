/* What the library says it was built with (awsv2_version, awsv2_backends,
 * awsv2_has_backend), against what configure decided: its version from
 * configure.ac's AC_INIT, its backends from config.h. A backend left out
 * refuses its specs by name. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsv2/util.h"
#include "harness.h"

/* The version AC_INIT in configure.ac gives, read from the source. */
static void configure_ac_version(char *out, size_t cap)
{
    char *path = core_srcdir_path("configure.ac"), line[512];
    FILE *f = fopen(path, "r");

    ck_assert_ptr_nonnull(f);
    out[0] = '\0';
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "AC_INIT([libawsv2], [", 21) == 0) {
            char *end = strchr(line + 21, ']');
            ck_assert_ptr_nonnull(end);
            snprintf(out, cap, "%.*s", (int)(end - (line + 21)), line + 21);
        }
    fclose(f);
    free(path);
    ck_assert_str_ne(out, "");
}

START_TEST(version_is_configures)
{
    char want[64];
    configure_ac_version(want, sizeof want);
    ck_assert_str_eq(awsv2_version(), want);
}
END_TEST

static const struct {
    const char *name;
    int built;
    const char *spec; /* one that a built backend accepts or fails on otherwise */
} backends[] = {
    {"openssl", 1, NULL},
#ifdef AWSV2_HAVE_DUE
    {"due", 1, "due:/nonexistent/awsv2-tty"},
#else
    {"due", 0, "due:/nonexistent/awsv2-tty"},
#endif
#ifdef AWSV2_HAVE_HTTP
    {"http", 1, "http://127.0.0.1:1/sign/aws"},
#else
    {"http", 0, "http://127.0.0.1:1/sign/aws"},
#endif
#ifdef AWSV2_HAVE_PKCS11
    {"pkcs11", 1, "pkcs11:token=none?module-path=/nonexistent/libnone.so"},
#else
    {"pkcs11", 0, "pkcs11:token=none?module-path=/nonexistent/libnone.so"},
#endif
};

START_TEST(backends_are_configures)
{
    char want[128] = "";
    for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++) {
        ck_assert_int_eq(awsv2_has_backend(backends[i].name), backends[i].built);
        if (backends[i].built)
            snprintf(want + strlen(want), sizeof want - strlen(want), "%s%s",
                     want[0] ? " " : "", backends[i].name);
    }
    ck_assert_str_eq(awsv2_backends(), want);
}
END_TEST

START_TEST(has_backend_matches_whole_names)
{
    ck_assert_int_eq(awsv2_has_backend("openssl"), 1);
    ck_assert_int_eq(awsv2_has_backend(NULL), 0);
    ck_assert_int_eq(awsv2_has_backend(""), 0);
    ck_assert_int_eq(awsv2_has_backend("open"), 0);
    ck_assert_int_eq(awsv2_has_backend("ssl"), 0);
    ck_assert_int_eq(awsv2_has_backend("openssl "), 0);
    ck_assert_int_eq(awsv2_has_backend("https"), 0); /* "http" covers it */
    ck_assert_int_eq(awsv2_has_backend("pkcs"), 0);
}
END_TEST

/* A spec of a backend left out is AWSV2_E_UNAVAILABLE naming it, never
 * another backend's error or a fallback; a built one fails on its own
 * terms (no such tty) or opens (a daemon URL is not dialled at open). */
START_TEST(left_out_backends_refuse_by_name)
{
    for (size_t i = 1; i < sizeof backends / sizeof backends[0]; i++) {
        awsv2_signer *s = NULL;
        awsv2_error err = AWSV2_ERROR_INIT;
        char want[64];
        awsv2_status st = awsv2_signer_open(&s, backends[i].spec, NULL, &err);

        snprintf(want, sizeof want, "built without the %s: backend", backends[i].name);
        if (backends[i].built) {
            ck_assert_int_ne(st, AWSV2_E_UNAVAILABLE);
            ck_assert_ptr_null(strstr(err.message, "built without"));
        } else {
            ck_assert_int_eq(st, AWSV2_E_UNAVAILABLE);
            ck_assert_ptr_null(s);
            ck_assert_msg(strstr(err.message, want), "%s", err.message);
        }
        awsv2_signer_close(s);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("build");
    TCase *tc = tcase_create("build");
    core_env_fixtures(tc);
    tcase_add_test(tc, version_is_configures);
    tcase_add_test(tc, backends_are_configures);
    tcase_add_test(tc, has_backend_matches_whole_names);
    tcase_add_test(tc, left_out_backends_refuse_by_name);
    suite_add_tcase(s, tc);
    return core_run(s);
}
