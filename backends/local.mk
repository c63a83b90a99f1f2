# The signer backends compiled into the library: openssl always, the others
# unless configure was given --disable-NAME (configure.ac's AWSV2_BACKEND).
# A backend left out keeps its spec prefix in src/signer.c; its open
# function is then backends/unavailable.c's, which fails naming it.
libawsv2_internal_la_SOURCES += backends/openssl.c backends/unavailable.c \
	backends/sigv4_host.c backends/sigv4_host.h

# due: an Arduino Due over serial (libserialport); its rules and tests are
# in backends/due.mk.
if HAVE_DUE
libawsv2_internal_la_CPPFLAGS += $(SERIALPORT_CFLAGS)
libawsv2_internal_la_LIBADD += $(SERIALPORT_LIBS)
include $(srcdir)/backends/due.mk
endif

# http: and https: a client of a signing daemon (libcurl, json-c); its
# tests are in tests/http/.
if HAVE_HTTP
libawsv2_internal_la_SOURCES += backends/http.c backends/http_reply.c backends/http_reply.h
libawsv2_internal_la_CPPFLAGS += $(JSONC_CFLAGS)
libawsv2_internal_la_LIBADD += $(JSONC_LIBS)
endif
include $(srcdir)/tests/http/local.mk

# pkcs11: a PKCS#11 token through p11-kit; its tests are in tests/pkcs11/.
if HAVE_PKCS11
libawsv2_internal_la_SOURCES += backends/pkcs11.c
libawsv2_internal_la_CPPFLAGS += $(P11KIT_CFLAGS)
libawsv2_internal_la_LIBADD += $(P11KIT_LIBS)
endif
include $(srcdir)/tests/pkcs11/local.mk
