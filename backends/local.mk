# Rules for backends/ (included from Makefile.am).
