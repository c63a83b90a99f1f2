# Rules for fuzz/ (included from Makefile.am); fuzz/README.md says how the
# harnesses work. `make fuzz` builds them with clang and libFuzzer (fuzz.mk,
# whatever CC configure chose) and runs each FUZZ_SECONDS; `make check`
# builds them with $(CC) and a main() that replays the seed corpora and the
# regression files (fuzz/replay.sh).

FUZZ_SECONDS = 60
# Empty: a new seed each run; CI sets one (fuzz.sh).
FUZZ_SEED =
FUZZ_HARNESSES = sts sts4 protocol query ini spec xml daemon mock mock4 credproc batch
if HAVE_HTTP
FUZZ_HARNESSES += http_reply
endif
if HAVE_DUE
FUZZ_HARNESSES += due_reply delta
endif

fuzz:
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	FUZZ_SECONDS='$(FUZZ_SECONDS)' FUZZ_SEED='$(FUZZ_SEED)' FUZZ_HARNESSES='$(FUZZ_HARNESSES)' \
	FUZZ_LIB_SOURCES='$(filter %.c,$(libawsv2_internal_la_SOURCES))' \
	FUZZ_HSM_SOURCES='$(filter %.c,$(HSM_CORE_SOURCES))' \
	FUZZ_DEP_CFLAGS='$(OPENSSL_CFLAGS) $(CURL_CFLAGS) $(XML_CFLAGS) $(JSONC_CFLAGS) $(SERIALPORT_CFLAGS) $(MHD_CFLAGS) $(P11KIT_CFLAGS)' \
	FUZZ_DEP_LIBS='$(OPENSSL_LIBS) $(CURL_LIBS) $(XML_LIBS) $(JSONC_LIBS) $(SERIALPORT_LIBS) $(MHD_LIBS) $(P11KIT_LIBS)' \
	$(SHELL) $(srcdir)/fuzz/fuzz.sh
.PHONY: fuzz
clean-local: clean-fuzz
.PHONY: clean-fuzz
clean-fuzz:
	-rm -rf fuzz-out

EXTRA_DIST += fuzz/README.md fuzz/fuzz.mk fuzz/fuzz.sh fuzz/replay.sh fuzz/seeds.py \
	fuzz/corpus fuzz/dict fuzz/regressions
noinst_HEADERS += fuzz/fuzz.h

# The harnesses as ordinary programs, replaying fuzz/corpus/NAME/ and
# fuzz/regressions/NAME/ in every make check (and so under ASan in CI).
FUZZ_REPLAY_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/fuzz -I$(top_srcdir)/src/client \
	-I$(top_srcdir)/backends $(HSM_CORE_CPPFLAGS) $(OPENSSL_CFLAGS)
FUZZ_REPLAY_MAIN = fuzz/replay_main.c fuzz/fuzz.h
FUZZ_REPLAY = fuzz/replay-sts fuzz/replay-sts4 fuzz/replay-protocol fuzz/replay-query fuzz/replay-ini \
	fuzz/replay-spec fuzz/replay-xml fuzz/replay-daemon fuzz/replay-mock fuzz/replay-mock4 \
	fuzz/replay-credproc fuzz/replay-batch
check_PROGRAMS += $(FUZZ_REPLAY)
TESTS += fuzz/replay.sh

fuzz_replay_sts_SOURCES = fuzz/fuzz_sts.c $(FUZZ_REPLAY_MAIN)
fuzz_replay_sts_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
fuzz_replay_sts_LDADD = libawsv2_internal.la

fuzz_replay_sts4_SOURCES = fuzz/fuzz_sts4.c $(FUZZ_REPLAY_MAIN)
fuzz_replay_sts4_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
fuzz_replay_sts4_LDADD = libawsv2_internal.la

fuzz_replay_protocol_SOURCES = fuzz/fuzz_protocol.c $(FUZZ_REPLAY_MAIN) \
	tests/firmware/memstore.c tests/firmware/memstore.h $(HSM_CORE_SOURCES)
fuzz_replay_protocol_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS) -I$(top_srcdir)/tests/firmware \
	$(OPENSSL_CFLAGS)
fuzz_replay_protocol_LDADD = $(OPENSSL_LIBS)

fuzz_replay_query_SOURCES = fuzz/fuzz_query.c $(FUZZ_REPLAY_MAIN)
fuzz_replay_query_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
fuzz_replay_query_LDADD = libawsv2_internal.la

fuzz_replay_ini_SOURCES = fuzz/fuzz_ini.c $(FUZZ_REPLAY_MAIN)
fuzz_replay_ini_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
fuzz_replay_ini_LDADD = libawsv2_internal.la

fuzz_replay_credproc_SOURCES = fuzz/fuzz_credproc.c $(FUZZ_REPLAY_MAIN)
fuzz_replay_credproc_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
fuzz_replay_credproc_LDADD = libawsv2_internal.la

fuzz_replay_spec_SOURCES = fuzz/fuzz_spec.c $(FUZZ_REPLAY_MAIN)
fuzz_replay_spec_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
fuzz_replay_spec_LDADD = libawsv2_internal.la

fuzz_replay_xml_SOURCES = fuzz/fuzz_xml.c $(FUZZ_REPLAY_MAIN)
fuzz_replay_xml_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS) $(XML_CFLAGS)
fuzz_replay_xml_LDADD = libawsv2_internal.la $(XML_LIBS)

fuzz_replay_daemon_SOURCES = fuzz/fuzz_daemon.c $(FUZZ_REPLAY_MAIN) \
	daemon/routes.c daemon/token.c
fuzz_replay_daemon_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS) -I$(top_srcdir)/daemon \
	$(MHD_CFLAGS) $(JSONC_CFLAGS) $(OPENSSL_CFLAGS)
fuzz_replay_daemon_LDADD = libawsv2_internal.la $(MHD_LIBS) $(JSONC_LIBS) $(OPENSSL_LIBS)

# POST /sign/batch (daemon/batch.c) with the pool, the connection and the
# replies stood in for: no libmicrohttpd linked.
fuzz_replay_batch_SOURCES = fuzz/fuzz_batch.c $(FUZZ_REPLAY_MAIN) daemon/batch.c
fuzz_replay_batch_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS) -I$(top_srcdir)/daemon \
	$(MHD_CFLAGS) $(JSONC_CFLAGS)
fuzz_replay_batch_LDADD = libawsv2_internal.la $(JSONC_LIBS)

fuzz_replay_mock_SOURCES = fuzz/fuzz_mock.c $(FUZZ_REPLAY_MAIN) \
	mock/params.c mock/codec.c mock/sigv2.c
fuzz_replay_mock_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS) -I$(top_srcdir)/mock $(OPENSSL_CFLAGS)
fuzz_replay_mock_LDADD = libawsv2_internal.la $(OPENSSL_LIBS)

fuzz_replay_mock4_SOURCES = fuzz/fuzz_mock4.c $(FUZZ_REPLAY_MAIN) \
	mock/sigv4.c mock/params.c mock/codec.c
fuzz_replay_mock4_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS) -I$(top_srcdir)/mock $(OPENSSL_CFLAGS)
fuzz_replay_mock4_LDADD = $(OPENSSL_LIBS)

if HAVE_HTTP
check_PROGRAMS += fuzz/replay-http_reply
fuzz_replay_http_reply_SOURCES = fuzz/fuzz_http_reply.c $(FUZZ_REPLAY_MAIN)
fuzz_replay_http_reply_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
fuzz_replay_http_reply_LDADD = libawsv2_internal.la
endif
if HAVE_DUE
check_PROGRAMS += fuzz/replay-due_reply
fuzz_replay_due_reply_SOURCES = fuzz/fuzz_due_reply.c $(FUZZ_REPLAY_MAIN)
fuzz_replay_due_reply_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
fuzz_replay_due_reply_LDADD = libawsv2_internal.la
check_PROGRAMS += fuzz/replay-delta
fuzz_replay_delta_SOURCES = fuzz/fuzz_delta.c $(FUZZ_REPLAY_MAIN) tests/firmware/delta_model.h \
	firmware/hsm/src/hsm_delta.c firmware/hsm/src/hsm_delta.h
fuzz_replay_delta_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS) -I$(top_srcdir)/tests/firmware
fuzz_replay_delta_LDADD = libawsv2_internal.la
endif
