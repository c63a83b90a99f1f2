# Rules for awsv2-keys (included from Makefile.am).
