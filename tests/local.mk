# Rules for tests/ (included from Makefile.am).
