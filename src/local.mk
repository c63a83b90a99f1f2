# The library. Everything is compiled once into libawsv2_internal.la, which
# tests and our own programs may link for internal functions; libawsv2.la
# wraps it and exports only the AWSV2_API symbols.
noinst_LTLIBRARIES += libawsv2_internal.la
libawsv2_internal_la_CPPFLAGS = $(AM_CPPFLAGS) -DAWSV2_BUILDING \
	$(OPENSSL_CFLAGS) $(CURL_CFLAGS) $(XML_CFLAGS) $(SERIALPORT_CFLAGS) $(JSONC_CFLAGS)
libawsv2_internal_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden
libawsv2_internal_la_LIBADD = $(OPENSSL_LIBS) $(CURL_LIBS) $(XML_LIBS) $(SERIALPORT_LIBS) $(JSONC_LIBS)
libawsv2_internal_la_SOURCES = \
	src/internal.h \
	src/status.c

lib_LTLIBRARIES += libawsv2.la
libawsv2_la_SOURCES =
libawsv2_la_LIBADD = libawsv2_internal.la
libawsv2_la_LDFLAGS = -version-info $(AWSV2_LT_VERSION) -export-symbols-regex '^awsv2_[a-z]'

pkginclude_HEADERS += \
	include/awsv2/awsv2.h \
	include/awsv2/status.h
