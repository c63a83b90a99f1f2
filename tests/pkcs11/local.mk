# tests/pkcs11: the pkcs11: backend against SoftHSM2 tokens the tests make
# (Check), the programs through it (shell), and a TPM through tpm2-pkcs11
# on swtpm. Included from backends/local.mk.
EXTRA_DIST += tests/pkcs11/lib.sh tests/pkcs11/programs.sh tests/pkcs11/tpm.sh
if HAVE_PKCS11
check_PROGRAMS += tests/pkcs11/test_pkcs11
TESTS += tests/pkcs11/test_pkcs11 tests/pkcs11/programs.sh tests/pkcs11/tpm.sh
tests_pkcs11_test_pkcs11_SOURCES = tests/pkcs11/test_pkcs11.c
tests_pkcs11_test_pkcs11_CPPFLAGS = $(AM_CPPFLAGS) $(TESTUTIL_CPPFLAGS) $(P11KIT_CFLAGS) \
	$(JSONC_CFLAGS)
tests_pkcs11_test_pkcs11_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(OPENSSL_CFLAGS)
tests_pkcs11_test_pkcs11_LDADD = libawsv2_testutil.la libawsv2_internal.la \
	$(SIGV4_VECTORS_LIBS) $(P11KIT_LIBS) $(CHECK_LIBS) $(OPENSSL_LIBS)
endif
