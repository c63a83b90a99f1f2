# Rules for the due: backend and its tests (included from Makefile.am).
libawsv2_internal_la_SOURCES += backends/due.c
