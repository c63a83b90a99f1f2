# Rules for the due: backend and its tests (included from Makefile.am).
libawsv2_internal_la_SOURCES += \
	backends/due.c \
	backends/due_delta.c backends/due_delta.h \
	backends/due_link.c backends/due_link.h \
	backends/due_reply.c backends/due_reply.h \
	backends/serial_port.c backends/serial_port.h

# tests/due: the backend against awsv2-due-emu on ptys (Check), and the
# programs (awsv2-keys, ec2-describe-instances) through it (shell).
DUE_TESTS = tests/due/test_due tests/due/test_due_reply tests/due/test_due_sigv4 \
	tests/due/test_due_scoped tests/due/test_due_delta
check_PROGRAMS += $(DUE_TESTS)
TESTS += $(DUE_TESTS)
tests_due_test_due_SOURCES = tests/due/test_due.c
tests_due_test_due_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/backends $(TESTUTIL_CPPFLAGS)
tests_due_test_due_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(OPENSSL_CFLAGS)
tests_due_test_due_LDADD = libawsv2_testutil.la libawsv2_internal.la $(CHECK_LIBS) $(OPENSSL_LIBS)
tests_due_test_due_delta_SOURCES = tests/due/test_due_delta.c tests/firmware/delta_model.h \
	firmware/hsm/src/hsm_delta.c firmware/hsm/src/hsm_delta.h
tests_due_test_due_delta_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/backends $(HSM_CORE_CPPFLAGS) \
	-I$(top_srcdir)/tests/firmware
tests_due_test_due_delta_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_due_test_due_delta_LDADD = libawsv2_internal.la $(CHECK_LIBS)
tests_due_test_due_reply_SOURCES = tests/due/test_due_reply.c
tests_due_test_due_reply_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/backends
tests_due_test_due_reply_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_due_test_due_reply_LDADD = libawsv2_internal.la $(CHECK_LIBS)
tests_due_test_due_sigv4_SOURCES = tests/due/test_due_sigv4.c tests/due/job4.h
tests_due_test_due_sigv4_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/backends $(TESTUTIL_CPPFLAGS)
tests_due_test_due_sigv4_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(OPENSSL_CFLAGS)
tests_due_test_due_sigv4_LDADD = libawsv2_testutil.la libawsv2_internal.la $(SIGV4_VECTORS_LIBS) \
	$(CHECK_LIBS) $(OPENSSL_LIBS)
tests_due_test_due_scoped_SOURCES = tests/due/test_due_scoped.c tests/due/job4.h
tests_due_test_due_scoped_CPPFLAGS = $(AM_CPPFLAGS) $(TESTUTIL_CPPFLAGS)
tests_due_test_due_scoped_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_due_test_due_scoped_LDADD = libawsv2_testutil.la libawsv2_internal.la $(SIGV4_VECTORS_LIBS) \
	$(CHECK_LIBS) $(OPENSSL_LIBS)
TESTS += tests/due/keys.sh tests/due/ec2.sh tests/due/hsmd_glitch.sh tests/due/policy.sh
EXTRA_DIST += tests/due/lib.sh tests/due/keys.sh tests/due/ec2.sh tests/due/hsmd_glitch.sh \
	tests/due/policy.sh
# EC2 and SQS with SigV4 (and 2), and botocore's SigV4 oracle, through the
# emulated Due; tests/hsmd/ runs both through the daemon too.
TESTS += tests/due/sigv4.sh tests/due/sigv4-oracle.sh
EXTRA_DIST += tests/due/sigv4.sh tests/due/sigv4-oracle.sh
# due-glitch: a hostile device between the backend and the emulator (lines
# doubled, dropped or trickled), for test_due and hsmd_glitch.sh.
check_PROGRAMS += tests/due/due-glitch
tests_due_due_glitch_SOURCES = tests/due/glitch.c
# tests/legacy: the original firmware (a stand-in on a pty) and the original
# client's demo.
include $(srcdir)/tests/legacy/local.mk
