# Rules for daemon/ (included from Makefile.am).
