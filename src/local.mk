# The library. Everything is compiled once into libawsv2_internal.la, which
# tests and our own programs may link for internal functions; libawsv2.la
# wraps it and exports only the AWSV2_API symbols.
noinst_LTLIBRARIES += libawsv2_internal.la
libawsv2_internal_la_CPPFLAGS = $(AM_CPPFLAGS) -DAWSV2_BUILDING -I$(top_srcdir)/firmware/hsm/src \
	$(OPENSSL_CFLAGS) $(CURL_CFLAGS) $(XML_CFLAGS) $(JSONC_CFLAGS)
libawsv2_internal_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden
libawsv2_internal_la_LIBADD = $(OPENSSL_LIBS) $(CURL_LIBS) $(XML_LIBS) $(JSONC_LIBS)
libawsv2_internal_la_SOURCES = \
	src/internal.h src/status.c \
	src/buf.h src/buf.c \
	src/util.c src/hash.c src/timestamp.c src/percent.c \
	firmware/hsm/src/awsv2_sts.h firmware/hsm/src/awsv2_sts.c \
	firmware/hsm/src/awsv2_sts4.h firmware/hsm/src/awsv2_sts4.c \
	firmware/hsm/src/awsv2_policy.h firmware/hsm/src/awsv2_policy.c \
	firmware/hsm/src/hsm_sha256.h firmware/hsm/src/hsm_sha256.c \
	firmware/hsm/src/hsm_sha_md.h firmware/hsm/src/hsm_sha_md.c src/key_policy.c \
	src/params_impl.h src/params.c \
	src/endpoint.h src/endpoint.c \
	src/request.c src/signature_version.c \
	src/signer_impl.h src/signer.c src/spec_options.c \
	src/ini.h src/ini.c src/credentials_impl.h src/credentials.c src/region.c \
	src/profile.h src/profile.c src/credential_process.h src/credential_process.c \
	src/secret_file.h src/secret_file.c src/token_file.c \
	src/curl_common.h src/curl_common.c \
	src/build_info.c

lib_LTLIBRARIES += libawsv2.la
libawsv2_la_SOURCES =
libawsv2_la_LIBADD = libawsv2_internal.la
libawsv2_la_LDFLAGS = -version-info $(AWSV2_LT_VERSION) -export-symbols-regex '^awsv2_[a-z]'

awsv2include_HEADERS += \
	include/awsv2/awsv2.h \
	include/awsv2/status.h \
	include/awsv2/util.h \
	include/awsv2/request.h \
	include/awsv2/signer.h \
	include/awsv2/credentials.h
