# tests/http: the http: signer backend (included from backends/local.mk):
# its reading of a daemon's replies, and the backend (sign, key ids, ping,
# tokens, Unix sockets) against awsv2-hsmd in front of awsv2-due-emu, in
# the world tests/hsmd/ sets up. Without the due: backend only the reply
# tests run.
if HAVE_HTTP
check_PROGRAMS += tests/http/test_http
TESTS += tests/http/test_http
tests_http_test_http_SOURCES = tests/http/test_http.c $(HSMD_TEST_WORLD)
tests_http_test_http_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/backends -I$(top_srcdir)/tests/hsmd
tests_http_test_http_CFLAGS = $(HSMD_TEST_CFLAGS)
tests_http_test_http_LDADD = libawsv2_internal.la $(HSMD_TEST_LDADD)
endif
