# Rules for firmware/ (included from Makefile.am): the HSM core's sources,
# awsv2-due-emu, and the host tests of tests/firmware/.

# The portable core, as the sketch, the emulator and the tests compile it.
HSM_CORE_SOURCES = \
	firmware/hsm/src/awsv2_sts.c firmware/hsm/src/awsv2_sts.h \
	firmware/hsm/src/awsv2_sts4.c firmware/hsm/src/awsv2_sts4.h \
	firmware/hsm/src/awsv2_policy.c firmware/hsm/src/awsv2_policy.h \
	firmware/hsm/src/hsm_delta.c firmware/hsm/src/hsm_delta.h \
	firmware/hsm/src/hsm_audit.c firmware/hsm/src/hsm_audit.h \
	firmware/hsm/src/hsm_hmac.c firmware/hsm/src/hsm_hmac.h \
	firmware/hsm/src/hsm_keystore.c firmware/hsm/src/hsm_keystore.h \
	firmware/hsm/src/hsm_protocol.c firmware/hsm/src/hsm_protocol.h \
	firmware/hsm/src/hsm_sha1.c firmware/hsm/src/hsm_sha1.h \
	firmware/hsm/src/hsm_sha256.c firmware/hsm/src/hsm_sha256.h \
	firmware/hsm/src/hsm_sha_md.c firmware/hsm/src/hsm_sha_md.h \
	firmware/hsm/src/hsm_sigv4.c firmware/hsm/src/hsm_sigv4.h \
	firmware/hsm/src/hsm_storage.h \
	firmware/hsm/src/hsm_util.c firmware/hsm/src/hsm_util.h
HSM_CORE_CPPFLAGS = -I$(top_srcdir)/firmware/hsm/src

bin_PROGRAMS += awsv2-due-emu
awsv2_due_emu_CPPFLAGS = $(PUBLIC_CPPFLAGS) $(HSM_CORE_CPPFLAGS)
awsv2_due_emu_SOURCES = $(HSM_CORE_SOURCES) \
	firmware/emu/emu.h \
	firmware/emu/emu_import.c firmware/emu/emu_import.h \
	firmware/emu/emu_link.c firmware/emu/emu_link.h \
	firmware/emu/emu_main.c \
	firmware/emu/emu_options.c firmware/emu/emu_options.h \
	firmware/emu/emu_pty.c firmware/emu/emu_pty.h \
	firmware/emu/emu_serve.c \
	firmware/emu/emu_store.c firmware/emu/emu_store.h

# Host tests of the core (Check; OpenSSL is the reference HMAC, the SigV4
# vectors are read with json-c).
FW_TEST_CPPFLAGS = $(AM_CPPFLAGS) $(HSM_CORE_CPPFLAGS) -I$(top_srcdir)/tests/firmware \
	$(TESTUTIL_CPPFLAGS) $(CHECK_CFLAGS) $(OPENSSL_CFLAGS) $(JSONC_CFLAGS)
FW_TEST_LDADD = $(SIGV4_VECTORS_LIBS) $(CHECK_LIBS) $(OPENSSL_LIBS) $(JSONC_LIBS)
FW_TESTS = tests/firmware/test_hmac tests/firmware/test_protocol tests/firmware/test_keystore \
	tests/firmware/test_sts4 tests/firmware/test_sigv4 tests/firmware/test_policy \
	tests/firmware/test_derive
check_PROGRAMS += $(FW_TESTS)
TESTS += $(FW_TESTS)

tests_firmware_test_hmac_CPPFLAGS = $(FW_TEST_CPPFLAGS)
tests_firmware_test_hmac_LDADD = $(FW_TEST_LDADD)
tests_firmware_test_hmac_SOURCES = tests/firmware/test_hmac.c $(HSM_CORE_SOURCES)

# With the host's encoder of compact frames (backends/due_delta.c), to
# feed the core the frames the link writes.
tests_firmware_test_protocol_CPPFLAGS = $(FW_TEST_CPPFLAGS) -I$(top_srcdir)/backends
tests_firmware_test_protocol_LDADD = libawsv2_internal.la $(FW_TEST_LDADD)
tests_firmware_test_protocol_SOURCES = tests/firmware/test_protocol.c \
	tests/firmware/memstore.c tests/firmware/memstore.h $(HSM_CORE_SOURCES)

tests_firmware_test_keystore_CPPFLAGS = $(FW_TEST_CPPFLAGS)
tests_firmware_test_keystore_LDADD = $(FW_TEST_LDADD)
tests_firmware_test_keystore_SOURCES = tests/firmware/test_keystore.c \
	tests/firmware/memstore.c tests/firmware/memstore.h $(HSM_CORE_SOURCES)

tests_firmware_test_sts4_CPPFLAGS = $(FW_TEST_CPPFLAGS)
tests_firmware_test_sts4_LDADD = $(FW_TEST_LDADD)
tests_firmware_test_sts4_SOURCES = tests/firmware/test_sts4.c $(HSM_CORE_SOURCES)

tests_firmware_test_sigv4_CPPFLAGS = $(FW_TEST_CPPFLAGS)
tests_firmware_test_sigv4_LDADD = $(FW_TEST_LDADD)
tests_firmware_test_sigv4_SOURCES = tests/firmware/test_sigv4.c \
	tests/firmware/memstore.c tests/firmware/memstore.h $(HSM_CORE_SOURCES)

tests_firmware_test_policy_CPPFLAGS = $(FW_TEST_CPPFLAGS)
tests_firmware_test_policy_LDADD = $(FW_TEST_LDADD)
tests_firmware_test_policy_SOURCES = tests/firmware/test_policy.c \
	tests/firmware/memstore.c tests/firmware/memstore.h \
	tests/firmware/core_io.c tests/firmware/core_io.h $(HSM_CORE_SOURCES)

tests_firmware_test_derive_CPPFLAGS = $(FW_TEST_CPPFLAGS)
tests_firmware_test_derive_LDADD = $(FW_TEST_LDADD)
tests_firmware_test_derive_SOURCES = tests/firmware/test_derive.c \
	tests/firmware/memstore.c tests/firmware/memstore.h \
	tests/firmware/core_io.c tests/firmware/core_io.h $(HSM_CORE_SOURCES)

# awsv2-due-emu as a process, over its pty.
check_PROGRAMS += tests/firmware/test_emu
TESTS += tests/firmware/test_emu
tests_firmware_test_emu_CPPFLAGS = $(FW_TEST_CPPFLAGS) $(TESTUTIL_CPPFLAGS)
tests_firmware_test_emu_LDADD = libawsv2_testutil.la $(FW_TEST_LDADD)
tests_firmware_test_emu_SOURCES = tests/firmware/test_emu.c \
	tests/firmware/emu_proc.c tests/firmware/emu_proc.h

# The emulator's key store file: its mode, symbolic links (a script).
TESTS += tests/firmware/emu_keystore.sh
EXTRA_DIST += tests/firmware/emu_keystore.sh

# The sketch compiled on the host (C++, $(CXX): GNU make's default when
# configure sets none) against a stand-in for the Arduino API, and run:
# catches the glue's type errors and checks it serves both ports.
SKETCH_STUB = tests/firmware/arduino_stub
SKETCH_FILES = firmware/hsm/hsm.ino $(SKETCH_STUB)/Arduino.h $(SKETCH_STUB)/sketch_check.cpp
EXTRA_DIST += $(SKETCH_FILES) firmware/README.md
check_SCRIPTS += tests/firmware/test_sketch
TESTS += tests/firmware/test_sketch
CLEANFILES += tests/firmware/test_sketch
clean-local: clean-sketch-check
.PHONY: clean-sketch-check
clean-sketch-check:
	-rm -rf tests/firmware/sketch-obj
tests/firmware/test_sketch: $(addprefix $(srcdir)/,$(SKETCH_FILES) $(HSM_CORE_SOURCES))
	$(AM_V_GEN)set -e; obj=tests/firmware/sketch-obj; rm -rf $$obj; mkdir -p $$obj; \
	for f in $(filter %.c,$(HSM_CORE_SOURCES)); do \
	  $(CC) -std=c11 $(CFLAGS) -Wall -Wextra -Werror -c $(srcdir)/$$f -o $$obj/`basename $$f .c`.o; \
	done; \
	$(CXX) -std=gnu++11 $(CFLAGS) -Wall -Wextra -Werror -I$(srcdir)/$(SKETCH_STUB) -include Arduino.h \
	  -x c++ -c $(srcdir)/firmware/hsm/hsm.ino -o $$obj/hsm.o; \
	$(CXX) -std=gnu++11 $(CFLAGS) -Wall -Wextra -Werror -I$(srcdir)/$(SKETCH_STUB) \
	  -I$(srcdir)/firmware/hsm/src -c $(srcdir)/$(SKETCH_STUB)/sketch_check.cpp -o $$obj/sketch_check.o; \
	$(CXX) $(CFLAGS) $(LDFLAGS) -o $@ $$obj/*.o
