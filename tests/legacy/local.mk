# Rules for tests/legacy (included from backends/due.mk): the due backend's
# legacy mode against a stand-in for the original firmware, and the
# original hack's Python client against awsv2-hsmd and awsv2-mock.

# hsm-standin: the original sketch's behaviour on a pty (not installed).
check_PROGRAMS += tests/legacy/hsm-standin
tests_legacy_hsm_standin_SOURCES = tests/legacy/hsm_standin.c \
	firmware/emu/emu_pty.c firmware/emu/emu_pty.h
tests_legacy_hsm_standin_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/firmware/emu
tests_legacy_hsm_standin_CFLAGS = $(AM_CFLAGS) $(OPENSSL_CFLAGS)
tests_legacy_hsm_standin_LDADD = $(OPENSSL_LIBS)

check_PROGRAMS += tests/legacy/test_legacy
TESTS += tests/legacy/test_legacy
tests_legacy_test_legacy_SOURCES = tests/legacy/test_legacy.c
tests_legacy_test_legacy_CPPFLAGS = $(AM_CPPFLAGS) $(TESTUTIL_CPPFLAGS)
tests_legacy_test_legacy_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(OPENSSL_CFLAGS)
tests_legacy_test_legacy_LDADD = libawsv2_testutil.la libawsv2.la $(CHECK_LIBS) $(OPENSSL_LIBS)

TESTS += tests/legacy/legacy.sh tests/legacy/demo.sh
EXTRA_DIST += tests/legacy/legacy.sh tests/legacy/demo.sh tests/legacy/README.md \
	tests/legacy/original/aws.py tests/legacy/original/demo.py \
	tests/legacy/shim/sitecustomize.py
