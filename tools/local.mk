# Rules for tools/ (included from Makefile.am).
