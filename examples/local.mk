# Rules for examples/ (included from Makefile.am).
