# Rules for mock/ (included from Makefile.am).
