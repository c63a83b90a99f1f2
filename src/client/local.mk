# Rules for the AWS client (src/client/, examples/ programs use it) and its tests.
libawsv2_internal_la_SOURCES += \
	src/client/transport.h src/client/transport.c \
	src/client/retry.h src/client/retry.c \
	src/client/xml.h src/client/xml.c \
	src/client/client_impl.h src/client/client.c \
	src/client/ec2_result.h src/client/ec2_result.c src/client/ec2.c \
	src/client/sqs_check.h src/client/sqs_check.c \
	src/client/sqs_send.c src/client/sqs_receive.c src/client/sqs_queue.c

awsv2include_HEADERS += \
	include/awsv2/client.h \
	include/awsv2/ec2.h \
	include/awsv2/sqs.h

# Tests: Check suites on the library, and process-level scripts that start
# awsv2-mock and the programs (tests/client/*.sh).
CLIENT_TEST_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/src/client $(CHECK_CFLAGS) $(XML_CFLAGS)
CLIENT_TEST_LDADD = libawsv2_internal.la $(CHECK_LIBS)
noinst_HEADERS += tests/client/example_signer.h

check_PROGRAMS += tests/client/test_responses tests/client/test_transport
tests_client_test_responses_SOURCES = tests/client/test_responses.c
tests_client_test_responses_CPPFLAGS = $(CLIENT_TEST_CPPFLAGS)
tests_client_test_responses_LDADD = $(CLIENT_TEST_LDADD)
tests_client_test_transport_SOURCES = tests/client/test_transport.c \
	tests/client/stub_server.h tests/client/stub_server.c
tests_client_test_transport_CPPFLAGS = $(CLIENT_TEST_CPPFLAGS)
tests_client_test_transport_LDADD = $(CLIENT_TEST_LDADD)

TESTS += tests/client/test_responses tests/client/test_transport

check_PROGRAMS += tests/client/test_ec2
tests_client_test_ec2_SOURCES = tests/client/test_ec2.c
tests_client_test_ec2_CPPFLAGS = $(CLIENT_TEST_CPPFLAGS)
tests_client_test_ec2_LDADD = $(CLIENT_TEST_LDADD)
TESTS += tests/client/test_ec2

check_PROGRAMS += tests/client/test_sqs
tests_client_test_sqs_SOURCES = tests/client/test_sqs.c \
	tests/client/stub_server.h tests/client/stub_server.c
tests_client_test_sqs_CPPFLAGS = $(CLIENT_TEST_CPPFLAGS)
tests_client_test_sqs_LDADD = $(CLIENT_TEST_LDADD)
TESTS += tests/client/test_sqs

check_PROGRAMS += tests/client/test_truncation
tests_client_test_truncation_SOURCES = tests/client/test_truncation.c \
	tests/client/stub_server.h tests/client/stub_server.c
tests_client_test_truncation_CPPFLAGS = $(CLIENT_TEST_CPPFLAGS)
tests_client_test_truncation_LDADD = $(CLIENT_TEST_LDADD)
TESTS += tests/client/test_truncation

# Retries and clock skew against the real awsv2-mock.
check_PROGRAMS += tests/client/test_retry
tests_client_test_retry_SOURCES = tests/client/test_retry.c \
	tests/client/stub_server.h tests/client/stub_server.c
tests_client_test_retry_CPPFLAGS = $(CLIENT_TEST_CPPFLAGS) $(TESTUTIL_CPPFLAGS)
tests_client_test_retry_LDADD = $(CLIENT_TEST_LDADD) libawsv2_testutil.la
TESTS += tests/client/test_retry

# Helpers of the process-level tests.
check_PROGRAMS += tests/client/sqs-drain tests/client/stub-http
tests_client_sqs_drain_SOURCES = tests/client/sqs_drain.c
tests_client_sqs_drain_LDADD = libawsv2_internal.la
tests_client_stub_http_SOURCES = tests/client/stub_http.c \
	tests/client/stub_server.h tests/client/stub_server.c

# Process-level tests: executable bash scripts, run as they are.
TESTS += tests/client/ec2.sh tests/client/sqs.sh tests/client/errors.sh \
	tests/client/hostile.sh tests/client/sigv4.sh tests/client/config.sh tests/client/cli.sh
EXTRA_DIST += tests/client/lib.sh tests/client/ec2.sh tests/client/sqs.sh \
	tests/client/errors.sh tests/client/hostile.sh tests/client/sigv4.sh \
	tests/client/config.sh tests/client/cli.sh
