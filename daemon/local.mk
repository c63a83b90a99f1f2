# Rules for awsv2-hsmd (included from Makefile.am); the http: backend, its
# client, is in backends/local.mk.

bin_PROGRAMS += daemon/awsv2-hsmd
daemon_awsv2_hsmd_SOURCES = \
	daemon/main.c \
	daemon/batch.c daemon/batch.h \
	daemon/listen.c daemon/listen.h \
	daemon/metrics.c daemon/metrics.h \
	daemon/pool.c daemon/pool.h \
	daemon/queue.c daemon/queue.h \
	daemon/reply.c daemon/reply.h \
	daemon/request.h \
	daemon/routes.c daemon/routes.h \
	daemon/server.c daemon/server.h \
	daemon/token.c daemon/token.h
daemon_awsv2_hsmd_CPPFLAGS = $(PUBLIC_CPPFLAGS) $(MHD_CFLAGS) $(JSONC_CFLAGS) $(OPENSSL_CFLAGS)
daemon_awsv2_hsmd_LDADD = libawsv2.la $(MHD_LIBS) $(JSONC_LIBS) $(OPENSSL_LIBS)

EXTRA_DIST += daemon/README.md docs/deployment.md

# tests/hsmd: the daemon as a process in front of awsv2-due-emu (Check), so
# only with the due: backend; the world is shared with tests/http/.
HSMD_TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(CURL_CFLAGS) $(JSONC_CFLAGS) $(OPENSSL_CFLAGS) \
	$(TESTUTIL_CPPFLAGS)
HSMD_TEST_LDADD = libawsv2_testutil.la $(CHECK_LIBS) $(CURL_LIBS) $(JSONC_LIBS) $(OPENSSL_LIBS)
HSMD_TEST_WORLD = tests/hsmd/world.c tests/hsmd/world.h
if HAVE_DUE
HSMD_TESTS = tests/hsmd/test_hsmd
tests_hsmd_test_hsmd_SOURCES = tests/hsmd/test_hsmd.c $(HSMD_TEST_WORLD)
tests_hsmd_test_hsmd_CFLAGS = $(HSMD_TEST_CFLAGS)
tests_hsmd_test_hsmd_LDADD = $(SIGV4_VECTORS_LIBS) $(HSMD_TEST_LDADD)

# tests/hsmd/test_policy: the device's key policies and audit log through
# the daemon (statuses, metrics, GET /audit) and --token-keys.
HSMD_TESTS += tests/hsmd/test_policy
tests_hsmd_test_policy_SOURCES = tests/hsmd/test_policy.c $(HSMD_TEST_WORLD)
tests_hsmd_test_policy_CFLAGS = $(HSMD_TEST_CFLAGS)
tests_hsmd_test_policy_LDADD = $(HSMD_TEST_LDADD)

# tests/hsmd/test_load: 64 clients (the http: backend) x 1,000 signatures,
# all checked.
if HAVE_HTTP
HSMD_TESTS += tests/hsmd/test_load
tests_hsmd_test_load_SOURCES = tests/hsmd/test_load.c tests/hsmd/load.c tests/hsmd/load.h \
	$(HSMD_TEST_WORLD)
tests_hsmd_test_load_CFLAGS = $(HSMD_TEST_CFLAGS)
tests_hsmd_test_load_LDADD = libawsv2_internal.la $(HSMD_TEST_LDADD)

# tests/hsmd/ec2.sh: ec2-describe-instances -> http:// -> awsv2-hsmd ->
# awsv2-due-emu, against awsv2-mock.
TESTS += tests/hsmd/ec2.sh
# tests/hsmd/sigv4.sh, sigv4-oracle.sh: tests/due/'s through the daemon.
TESTS += tests/hsmd/sigv4.sh tests/hsmd/sigv4-oracle.sh
# tests/hsmd/tls.sh: --tls-cert/--tls-key and the https:// signer with a CA
# made by the openssl command (ca_bundle=, AWS_CA_BUNDLE, refusals).
TESTS += tests/hsmd/tls.sh
# tests/hsmd/admin.sh: awsv2-keys through --admin-listen while the daemon
# signs; the main listener has no /admin/.
TESTS += tests/hsmd/admin.sh
# tests/hsmd/profile.sh: --profile picks an openssl signer's key pair; a
# missing profile stops the daemon (exit 2).
TESTS += tests/hsmd/profile.sh

# tests/pool: one daemon owning several emulated Dues. test_pool: routing
# by key, /keys and /healthz per device, a stalled device's request
# re-sent, policy mismatches; test_fault: 64 clients x 1,000 signatures
# while one of three devices is killed and restarted twice; admin.sh: a
# key stored on every device by one awsv2-keys put.
POOL_TEST_WORLD = tests/pool/pool_world.c tests/pool/pool_world.h $(HSMD_TEST_WORLD)
HSMD_TESTS += tests/pool/test_pool tests/pool/test_fault
tests_pool_test_pool_SOURCES = tests/pool/test_pool.c $(POOL_TEST_WORLD)
tests_pool_test_pool_CFLAGS = $(HSMD_TEST_CFLAGS)
tests_pool_test_pool_LDADD = libawsv2_internal.la $(HSMD_TEST_LDADD)
tests_pool_test_fault_SOURCES = tests/pool/test_fault.c tests/hsmd/load.c tests/hsmd/load.h \
	$(POOL_TEST_WORLD)
tests_pool_test_fault_CFLAGS = $(HSMD_TEST_CFLAGS)
tests_pool_test_fault_LDADD = libawsv2_internal.la $(HSMD_TEST_LDADD)
TESTS += tests/pool/admin.sh
endif
check_PROGRAMS += $(HSMD_TESTS)
TESTS += $(HSMD_TESTS)
endif
EXTRA_DIST += tests/hsmd/ec2.sh tests/hsmd/sigv4.sh tests/hsmd/sigv4-oracle.sh \
	tests/hsmd/tls.sh tests/hsmd/admin.sh tests/hsmd/profile.sh tests/hsmd/lib.sh \
	tests/hsmd/keys_lib.sh \
	tests/pool/admin.sh \
	tests/pool/systemd-unit.sh
# tests/pool/systemd-unit.sh: the pool's unit template (contrib/).
TESTS += tests/pool/systemd-unit.sh
