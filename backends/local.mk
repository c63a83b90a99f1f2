# Signer backends compiled into the library. The due: and http: backends
# keep their rules in backends/due.mk and daemon/local.mk.
libawsv2_internal_la_SOURCES += backends/openssl.c
