# Rules for awsv2-hsmd and the http(s): backend (included from Makefile.am).
libawsv2_internal_la_SOURCES += backends/http.c
