# Rules for awsv2-hsmd and the http(s): backend (included from Makefile.am).
libawsv2_internal_la_SOURCES += backends/http.c backends/http_reply.c backends/http_reply.h

bin_PROGRAMS += daemon/awsv2-hsmd
daemon_awsv2_hsmd_SOURCES = \
	daemon/main.c \
	daemon/listen.c daemon/listen.h \
	daemon/metrics.c daemon/metrics.h \
	daemon/outcome.c daemon/outcome.h \
	daemon/queue.c daemon/queue.h \
	daemon/reply.c daemon/reply.h \
	daemon/request.h \
	daemon/routes.c daemon/routes.h \
	daemon/server.c daemon/server.h \
	daemon/sts.c daemon/sts.h \
	daemon/token.c daemon/token.h
daemon_awsv2_hsmd_CPPFLAGS = $(AM_CPPFLAGS) $(MHD_CFLAGS) $(JSONC_CFLAGS) $(OPENSSL_CFLAGS)
daemon_awsv2_hsmd_LDADD = libawsv2_internal.la $(MHD_LIBS) $(JSONC_LIBS) $(OPENSSL_LIBS)

EXTRA_DIST += daemon/README.md daemon/awsv2-hsmd.service

# tests/hsmd: the daemon as a process in front of awsv2-due-emu (Check).
HSMD_TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(CURL_CFLAGS) $(JSONC_CFLAGS) $(OPENSSL_CFLAGS) \
	$(TESTUTIL_CPPFLAGS)
HSMD_TEST_LDADD = libawsv2_testutil.la $(CHECK_LIBS) $(CURL_LIBS) $(JSONC_LIBS) $(OPENSSL_LIBS)
HSMD_TEST_WORLD = tests/hsmd/world.c tests/hsmd/world.h
HSMD_TESTS = tests/hsmd/test_hsmd
check_PROGRAMS += $(HSMD_TESTS)
TESTS += $(HSMD_TESTS)
tests_hsmd_test_hsmd_SOURCES = tests/hsmd/test_hsmd.c $(HSMD_TEST_WORLD)
tests_hsmd_test_hsmd_CFLAGS = $(HSMD_TEST_CFLAGS)
tests_hsmd_test_hsmd_LDADD = $(HSMD_TEST_LDADD)

# tests/hsmd/test_http: the http: backend (internal reply parser included).
HSMD_TESTS += tests/hsmd/test_http
tests_hsmd_test_http_SOURCES = tests/hsmd/test_http.c $(HSMD_TEST_WORLD)
tests_hsmd_test_http_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/backends
tests_hsmd_test_http_CFLAGS = $(HSMD_TEST_CFLAGS)
tests_hsmd_test_http_LDADD = libawsv2_internal.la $(HSMD_TEST_LDADD)

# tests/hsmd/test_load: 64 clients x 1,000 signatures, all checked.
HSMD_TESTS += tests/hsmd/test_load
tests_hsmd_test_load_SOURCES = tests/hsmd/test_load.c $(HSMD_TEST_WORLD)
tests_hsmd_test_load_CFLAGS = $(HSMD_TEST_CFLAGS)
tests_hsmd_test_load_LDADD = libawsv2_internal.la $(HSMD_TEST_LDADD)

# tests/hsmd/ec2.sh: ec2-describe-instances -> http:// -> awsv2-hsmd ->
# awsv2-due-emu, against awsv2-mock.
TESTS += tests/hsmd/ec2.sh
EXTRA_DIST += tests/hsmd/ec2.sh
