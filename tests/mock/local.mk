# Tests of awsv2-mock (included from mock/local.mk): Check programs that
# start the real program on 127.0.0.1, and a shell test of its command line.
mock_test_cppflags = $(AM_CPPFLAGS) $(TESTUTIL_CPPFLAGS) $(CHECK_CFLAGS) $(CURL_CFLAGS) \
	$(XML_CFLAGS) $(OPENSSL_CFLAGS)
mock_test_ldadd = libawsv2_testutil.la libawsv2_internal.la $(CHECK_LIBS) $(CURL_LIBS) \
	$(XML_LIBS) $(OPENSSL_LIBS)
mock_test_harness = tests/mock/harness.h tests/mock/harness.c

check_PROGRAMS += tests/mock/test_ec2
tests_mock_test_ec2_SOURCES = tests/mock/test_ec2.c $(mock_test_harness)
tests_mock_test_ec2_CPPFLAGS = $(mock_test_cppflags)
tests_mock_test_ec2_LDADD = $(mock_test_ldadd)

TESTS += tests/mock/test_ec2

check_PROGRAMS += tests/mock/test_sqs
tests_mock_test_sqs_SOURCES = tests/mock/test_sqs.c $(mock_test_harness)
tests_mock_test_sqs_CPPFLAGS = $(mock_test_cppflags)
tests_mock_test_sqs_LDADD = $(mock_test_ldadd)
TESTS += tests/mock/test_sqs

check_PROGRAMS += tests/mock/test_faults
tests_mock_test_faults_SOURCES = tests/mock/test_faults.c $(mock_test_harness)
tests_mock_test_faults_CPPFLAGS = $(mock_test_cppflags)
tests_mock_test_faults_LDADD = $(mock_test_ldadd)
TESTS += tests/mock/test_faults

TESTS += tests/mock/cli.sh
EXTRA_DIST += tests/mock/cli.sh

# The mock's SigV2 verifier, compiled in from its own sources, against the
# shared vectors; then the real program with the vectors' requests.
check_PROGRAMS += tests/mock/test_sigv2
tests_mock_test_sigv2_SOURCES = tests/mock/test_sigv2.c mock/sigv2.c mock/params.c \
	$(mock_test_harness)
tests_mock_test_sigv2_CPPFLAGS = -I$(top_srcdir)/mock $(mock_test_cppflags) $(JSONC_CFLAGS)
tests_mock_test_sigv2_LDADD = $(mock_test_ldadd) $(JSONC_LIBS)
TESTS += tests/mock/test_sigv2

# The mock's SigV4 verifier, compiled in from its own sources, against the
# shared vectors; then the real program with the vectors' requests, tampered
# copies and requests out of time; then requests botocore signs.
check_PROGRAMS += tests/mock/test_sigv4
tests_mock_test_sigv4_SOURCES = tests/mock/test_sigv4.c mock/sigv4.c mock/params.c mock/codec.c \
	$(mock_test_harness)
tests_mock_test_sigv4_CPPFLAGS = -I$(top_srcdir)/mock $(mock_test_cppflags) $(JSONC_CFLAGS)
tests_mock_test_sigv4_LDADD = $(SIGV4_VECTORS_LIBS) $(mock_test_ldadd)
TESTS += tests/mock/test_sigv4

TESTS += tests/mock/sigv4_botocore.sh
EXTRA_DIST += tests/mock/sigv4_botocore.sh
