# Rules for firmware/ (included from Makefile.am).
