# Rules for tests/ (included from Makefile.am).

# ---- tests/common: what the process-level tests and awsv2-bench share
# (child processes, temporary directories). A noinst library, since make
# builds awsv2-bench too.
noinst_LTLIBRARIES += libawsv2_testutil.la
libawsv2_testutil_la_SOURCES = \
	tests/common/child.h tests/common/child.c \
	tests/common/tmpdir.h tests/common/tmpdir.c
TESTUTIL_CPPFLAGS = -I$(top_srcdir)/tests/common

# ---- tests/core: the core library (requests, signing, signers, credentials)
# and awsv2-sign. Each suite is one program; they share core_test.c.

CORE_TEST_COMMON = tests/core/core_test.h tests/core/core_test.c
CORE_TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(JSONC_CFLAGS) $(OPENSSL_CFLAGS)
CORE_TEST_LIBS = libawsv2_internal.la \
	$(CHECK_LIBS) $(JSONC_LIBS) $(OPENSSL_LIBS)

CORE_TESTS = \
	tests/core/vectors \
	tests/core/percent \
	tests/core/params \
	tests/core/request \
	tests/core/status \
	tests/core/endpoint \
	tests/core/timestamp \
	tests/core/signer \
	tests/core/credentials \
	tests/core/region
check_PROGRAMS += $(CORE_TESTS)
TESTS += $(CORE_TESTS) tests/core/awsv2-sign.sh
EXTRA_DIST += tests/core/sigv2.jsonl tests/core/awsv2-sign.sh

tests_core_vectors_SOURCES = tests/core/vectors.c $(CORE_TEST_COMMON)
tests_core_vectors_CFLAGS = $(CORE_TEST_CFLAGS)
tests_core_vectors_LDADD = $(CORE_TEST_LIBS)

tests_core_percent_SOURCES = tests/core/percent.c $(CORE_TEST_COMMON)
tests_core_percent_CFLAGS = $(CORE_TEST_CFLAGS)
tests_core_percent_LDADD = $(CORE_TEST_LIBS)

tests_core_params_SOURCES = tests/core/params.c $(CORE_TEST_COMMON)
tests_core_params_CFLAGS = $(CORE_TEST_CFLAGS)
tests_core_params_LDADD = $(CORE_TEST_LIBS)

tests_core_request_SOURCES = tests/core/request.c $(CORE_TEST_COMMON)
tests_core_request_CFLAGS = $(CORE_TEST_CFLAGS)
tests_core_request_LDADD = $(CORE_TEST_LIBS)

tests_core_status_SOURCES = tests/core/status.c $(CORE_TEST_COMMON)
tests_core_status_CFLAGS = $(CORE_TEST_CFLAGS)
tests_core_status_LDADD = $(CORE_TEST_LIBS)

tests_core_endpoint_SOURCES = tests/core/endpoint.c $(CORE_TEST_COMMON)
tests_core_endpoint_CFLAGS = $(CORE_TEST_CFLAGS)
tests_core_endpoint_LDADD = $(CORE_TEST_LIBS)

tests_core_timestamp_SOURCES = tests/core/timestamp.c $(CORE_TEST_COMMON)
tests_core_timestamp_CFLAGS = $(CORE_TEST_CFLAGS)
tests_core_timestamp_LDADD = $(CORE_TEST_LIBS)

tests_core_signer_SOURCES = tests/core/signer.c $(CORE_TEST_COMMON)
tests_core_signer_CFLAGS = $(CORE_TEST_CFLAGS)
tests_core_signer_LDADD = $(CORE_TEST_LIBS)

tests_core_credentials_SOURCES = tests/core/credentials.c $(CORE_TEST_COMMON)
tests_core_credentials_CFLAGS = $(CORE_TEST_CFLAGS)
tests_core_credentials_LDADD = $(CORE_TEST_LIBS)

tests_core_region_SOURCES = tests/core/region.c $(CORE_TEST_COMMON)
tests_core_region_CFLAGS = $(CORE_TEST_CFLAGS)
tests_core_region_LDADD = $(CORE_TEST_LIBS)

# ---- README.md's C example, built and run against awsv2-mock.
TESTS += tests/readme.sh
EXTRA_DIST += tests/readme.sh
