# tests/http: the http: signer backend (included from backends/local.mk):
# its reading of a daemon's replies, SigV4 requests against a stub server
# (tests/client/stub_server.c) and through awsv2-hsmd with the openssl
# signer, and the backend (sign, key ids, ping, tokens, Unix sockets)
# against awsv2-hsmd in front of awsv2-due-emu, in the world tests/hsmd/
# sets up. Without the due: backend the emulator's cases do not run.
if HAVE_HTTP
check_PROGRAMS += tests/http/test_http
TESTS += tests/http/test_http
tests_http_test_http_SOURCES = tests/http/test_http.c $(HSMD_TEST_WORLD) \
	tests/hsmd/load.c tests/hsmd/load.h tests/client/stub_server.h tests/client/stub_server.c
tests_http_test_http_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/backends -I$(top_srcdir)/tests/hsmd \
	-I$(top_srcdir)/tests/client $(TESTUTIL_CPPFLAGS)
tests_http_test_http_CFLAGS = $(HSMD_TEST_CFLAGS)
tests_http_test_http_LDADD = libawsv2_internal.la $(SIGV4_VECTORS_LIBS) $(HSMD_TEST_LDADD)

# test_failover: several daemons (url=), failover and circuit breakers,
# against real awsv2-hsmd processes; every signature checked by OpenSSL.
check_PROGRAMS += tests/http/test_failover
TESTS += tests/http/test_failover
tests_http_test_failover_SOURCES = tests/http/test_failover.c $(HSMD_TEST_WORLD) \
	tests/hsmd/load.c tests/hsmd/load.h
tests_http_test_failover_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/hsmd $(TESTUTIL_CPPFLAGS)
tests_http_test_failover_CFLAGS = $(HSMD_TEST_CFLAGS)
tests_http_test_failover_LDADD = libawsv2_internal.la $(HSMD_TEST_LDADD)
endif
