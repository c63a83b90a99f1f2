# Rules for tests/ (included from Makefile.am).

# ---- tests/common: what the process-level tests and awsv2-bench share
# (child processes, temporary directories). A noinst library, since make
# builds awsv2-bench too.
noinst_LTLIBRARIES += libawsv2_testutil.la
libawsv2_testutil_la_SOURCES = \
	tests/common/child.h tests/common/child.c \
	tests/common/tmpdir.h tests/common/tmpdir.c \
	tests/common/softhsm.h tests/common/softhsm.c
# Header-only: every Check suite's runner (tests/common/check_run.h) and
# what the due: backend's suites share (tests/common/due_check.h).
noinst_HEADERS += tests/common/check_run.h tests/common/due_check.h
# What the shell tests' libraries share (temp dir, cleanup, start).
EXTRA_DIST += tests/common/shell.sh
TESTUTIL_CPPFLAGS = -I$(top_srcdir)/tests/common
# The SigV4 vectors (tests/core/sigv4.jsonl) as every Check suite reads
# them: a library of its own, since it needs json-c and OpenSSL.
noinst_LTLIBRARIES += libawsv2_sigv4vec.la
libawsv2_sigv4vec_la_SOURCES = tests/common/sigv4_vectors.h tests/common/sigv4_vectors.c
libawsv2_sigv4vec_la_CPPFLAGS = $(AM_CPPFLAGS) $(JSONC_CFLAGS) $(OPENSSL_CFLAGS)
SIGV4_VECTORS_LIBS = libawsv2_sigv4vec.la $(JSONC_LIBS) $(OPENSSL_LIBS)

# ---- tests/core: the core library (requests, signing, signers, credentials)
# and awsv2-sign. Each suite is one program; they share harness.c.

CORE_TEST_COMMON = tests/core/harness.h tests/core/harness.c
CORE_TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(JSONC_CFLAGS) $(OPENSSL_CFLAGS)
CORE_TEST_LIBS = libawsv2_internal.la \
	$(CHECK_LIBS) $(JSONC_LIBS) $(OPENSSL_LIBS)

CORE_TESTS = \
	tests/core/test_vectors \
	tests/core/test_percent \
	tests/core/test_params \
	tests/core/test_request \
	tests/core/test_status \
	tests/core/test_endpoint \
	tests/core/test_timestamp \
	tests/core/test_signer \
	tests/core/test_credentials \
	tests/core/test_credential_process \
	tests/core/test_region \
	tests/core/test_sigv4
check_PROGRAMS += $(CORE_TESTS)
TESTS += $(CORE_TESTS) tests/core/awsv2-sign.sh
EXTRA_DIST += tests/core/sigv2.jsonl tests/core/awsv2-sign.sh tests/core/sigv4.jsonl

tests_core_test_sigv4_SOURCES = tests/core/test_sigv4.c $(CORE_TEST_COMMON)
tests_core_test_sigv4_CFLAGS = $(CORE_TEST_CFLAGS)
tests_core_test_sigv4_CPPFLAGS = $(AM_CPPFLAGS) $(TESTUTIL_CPPFLAGS)
tests_core_test_sigv4_LDADD = $(SIGV4_VECTORS_LIBS) $(CORE_TEST_LIBS)

# SigV4 against botocore on random requests: sigv4_batch signs them in bulk
# through the public API (any signer: sigv4-oracle.sh's SIGV4_ORACLE_SIGNER).
check_PROGRAMS += tests/core/sigv4_batch
TESTS += tests/core/sigv4-oracle.sh
EXTRA_DIST += tests/core/sigv4-oracle.sh tests/core/sigv4_oracle.py
tests_core_sigv4_batch_SOURCES = tests/core/sigv4_batch.c
tests_core_sigv4_batch_CPPFLAGS = $(PUBLIC_CPPFLAGS)
tests_core_sigv4_batch_LDADD = libawsv2.la

tests_core_test_vectors_SOURCES = tests/core/test_vectors.c $(CORE_TEST_COMMON)
tests_core_test_vectors_CFLAGS = $(CORE_TEST_CFLAGS)
tests_core_test_vectors_LDADD = $(CORE_TEST_LIBS)

tests_core_test_percent_SOURCES = tests/core/test_percent.c $(CORE_TEST_COMMON)
tests_core_test_percent_CFLAGS = $(CORE_TEST_CFLAGS)
tests_core_test_percent_LDADD = $(CORE_TEST_LIBS)

tests_core_test_params_SOURCES = tests/core/test_params.c $(CORE_TEST_COMMON)
tests_core_test_params_CFLAGS = $(CORE_TEST_CFLAGS)
tests_core_test_params_LDADD = $(CORE_TEST_LIBS)

tests_core_test_request_SOURCES = tests/core/test_request.c $(CORE_TEST_COMMON)
tests_core_test_request_CFLAGS = $(CORE_TEST_CFLAGS)
tests_core_test_request_LDADD = $(CORE_TEST_LIBS)

tests_core_test_status_SOURCES = tests/core/test_status.c $(CORE_TEST_COMMON)
tests_core_test_status_CFLAGS = $(CORE_TEST_CFLAGS)
tests_core_test_status_LDADD = $(CORE_TEST_LIBS)

tests_core_test_endpoint_SOURCES = tests/core/test_endpoint.c $(CORE_TEST_COMMON)
tests_core_test_endpoint_CFLAGS = $(CORE_TEST_CFLAGS)
tests_core_test_endpoint_LDADD = $(CORE_TEST_LIBS)

tests_core_test_timestamp_SOURCES = tests/core/test_timestamp.c $(CORE_TEST_COMMON)
tests_core_test_timestamp_CFLAGS = $(CORE_TEST_CFLAGS)
tests_core_test_timestamp_LDADD = $(CORE_TEST_LIBS)

# The public key-policy and audit calls (public API only).
check_PROGRAMS += tests/core/test_key_policy
TESTS += tests/core/test_key_policy
tests_core_test_key_policy_SOURCES = tests/core/test_key_policy.c
tests_core_test_key_policy_CPPFLAGS = $(PUBLIC_CPPFLAGS)
tests_core_test_key_policy_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_core_test_key_policy_LDADD = libawsv2.la $(CHECK_LIBS)

tests_core_test_signer_SOURCES = tests/core/test_signer.c $(CORE_TEST_COMMON)
tests_core_test_signer_CFLAGS = $(CORE_TEST_CFLAGS)
tests_core_test_signer_LDADD = $(CORE_TEST_LIBS)

tests_core_test_credentials_SOURCES = tests/core/test_credentials.c $(CORE_TEST_COMMON)
tests_core_test_credentials_CFLAGS = $(CORE_TEST_CFLAGS)
tests_core_test_credentials_LDADD = $(CORE_TEST_LIBS)

tests_core_test_credential_process_SOURCES = tests/core/test_credential_process.c \
	$(CORE_TEST_COMMON)
tests_core_test_credential_process_CFLAGS = $(CORE_TEST_CFLAGS)
tests_core_test_credential_process_LDADD = $(CORE_TEST_LIBS)

tests_core_test_region_SOURCES = tests/core/test_region.c $(CORE_TEST_COMMON)
tests_core_test_region_CFLAGS = $(CORE_TEST_CFLAGS)
tests_core_test_region_LDADD = $(CORE_TEST_LIBS)

# Files holding secrets: how they are opened, and (through allocator
# wrappers the linker puts in front of the library's calls) that no secret
# is left in freed memory.
check_PROGRAMS += tests/core/test_secret_files tests/core/test_secret_memory
TESTS += tests/core/test_secret_files tests/core/test_secret_memory
tests_core_test_secret_files_SOURCES = tests/core/test_secret_files.c $(CORE_TEST_COMMON)
tests_core_test_secret_files_CFLAGS = $(CORE_TEST_CFLAGS)
tests_core_test_secret_files_LDADD = $(CORE_TEST_LIBS)
tests_core_test_secret_memory_SOURCES = tests/core/test_secret_memory.c $(CORE_TEST_COMMON)
tests_core_test_secret_memory_CFLAGS = $(CORE_TEST_CFLAGS)
tests_core_test_secret_memory_LDFLAGS = -Wl,--wrap=malloc -Wl,--wrap=calloc \
	-Wl,--wrap=realloc -Wl,--wrap=free -Wl,--wrap=fopen
tests_core_test_secret_memory_LDADD = $(CORE_TEST_LIBS)

# A custom signer as a third party writes one: installed headers only,
# linked against the public library alone.
check_PROGRAMS += tests/core/test_custom_signer
TESTS += tests/core/test_custom_signer
tests_core_test_custom_signer_SOURCES = tests/core/test_custom_signer.c $(CORE_TEST_COMMON)
tests_core_test_custom_signer_CPPFLAGS = $(PUBLIC_CPPFLAGS) $(TESTUTIL_CPPFLAGS)
tests_core_test_custom_signer_CFLAGS = $(CORE_TEST_CFLAGS)
tests_core_test_custom_signer_LDADD = libawsv2.la libawsv2_testutil.la $(CHECK_LIBS) $(OPENSSL_LIBS)

# The string-to-sign module (firmware/hsm/src/awsv2_sts.c) on the host, and
# awsv2_string_to_sign_inspect, its public face.
check_PROGRAMS += tests/core/test_sts
TESTS += tests/core/test_sts
tests_core_test_sts_SOURCES = tests/core/test_sts.c $(CORE_TEST_COMMON)
tests_core_test_sts_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/firmware/hsm/src
tests_core_test_sts_CFLAGS = $(CORE_TEST_CFLAGS)
tests_core_test_sts_LDADD = $(CORE_TEST_LIBS)

# What the library was built with (configure's backends and version); the
# libcurl layer's status mapping; ping of the in-process signers.
check_PROGRAMS += tests/core/test_build tests/core/test_curl tests/core/test_ping
TESTS += tests/core/test_build tests/core/test_curl tests/core/test_ping
tests_core_test_build_SOURCES = tests/core/test_build.c $(CORE_TEST_COMMON)
tests_core_test_build_CFLAGS = $(CORE_TEST_CFLAGS)
tests_core_test_build_LDADD = $(CORE_TEST_LIBS)
tests_core_test_curl_SOURCES = tests/core/test_curl.c $(CORE_TEST_COMMON)
tests_core_test_curl_CFLAGS = $(CORE_TEST_CFLAGS) $(CURL_CFLAGS)
tests_core_test_curl_LDADD = $(CORE_TEST_LIBS) $(CURL_LIBS)
tests_core_test_ping_SOURCES = tests/core/test_ping.c $(CORE_TEST_COMMON)
tests_core_test_ping_CFLAGS = $(CORE_TEST_CFLAGS)
tests_core_test_ping_LDADD = $(CORE_TEST_LIBS)

# ---- README.md's C example, built and run against awsv2-mock.
TESTS += tests/readme.sh
EXTRA_DIST += tests/readme.sh
