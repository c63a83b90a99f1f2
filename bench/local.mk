# Rules for bench/ (included from Makefile.am).
