# awsv2-bench: built by make, never installed. Run from the build tree:
#   bench/awsv2-bench sign | sign4 | serial | hsmd | pool
noinst_PROGRAMS += bench/awsv2-bench
bench_awsv2_bench_SOURCES = bench/bench.h bench/main.c bench/sign.c bench/sign4.c \
	bench/serial.c bench/hsmd.c bench/pool.c bench/load.h bench/load.c
bench_awsv2_bench_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tools $(TESTUTIL_CPPFLAGS) \
	-I$(top_srcdir)/backends -I$(top_srcdir)/firmware/emu \
	$(OPENSSL_CFLAGS) $(CURL_CFLAGS) -DAWSV2_TOP_SRCDIR='"$(abs_top_srcdir)"'
EXTRA_DIST += bench/botocore_sigv4.py bench/callgrind.sh bench/README.md
# The original design of the signing daemon, timed by awsv2-bench hsmd.
noinst_PROGRAMS += bench/awsv2-hsmd-single
bench_awsv2_hsmd_single_SOURCES = bench/hsmd_single.c
bench_awsv2_bench_LDADD = libawsv2_testutil.la libawsv2_internal.la $(OPENSSL_LIBS) $(CURL_LIBS)

# make bench-callgrind: the instructions of one SigV2 signature under
# valgrind's callgrind, split into libawsv2's own and libcrypto's
# (bench/callgrind.sh says how), with the bare keyed HMAC as the anchor.
bench-callgrind: bench/awsv2-bench
	@$(SHELL) $(srcdir)/bench/callgrind.sh bench/awsv2-bench
.PHONY: bench-callgrind
