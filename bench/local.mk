# awsv2-bench: built by make, never installed. Run from the build tree:
#   bench/awsv2-bench sign | sign4 | serial | hsmd
noinst_PROGRAMS += bench/awsv2-bench
bench_awsv2_bench_SOURCES = bench/bench.h bench/main.c bench/sign.c bench/sign4.c \
	bench/serial.c bench/hsmd.c
bench_awsv2_bench_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tools $(TESTUTIL_CPPFLAGS) \
	$(OPENSSL_CFLAGS) $(CURL_CFLAGS) -DAWSV2_TOP_SRCDIR='"$(abs_top_srcdir)"'
EXTRA_DIST += bench/botocore_sigv4.py
bench_awsv2_bench_LDADD = libawsv2_testutil.la libawsv2_internal.la $(OPENSSL_LIBS) $(CURL_LIBS)
