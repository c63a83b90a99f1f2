# Rules for awsv2-keys (included from Makefile.am): device key management
# over the due: backend's link, so it links the internal library.
bin_PROGRAMS += tools/awsv2-keys
tools_awsv2_keys_SOURCES = tools/awsv2-keys.c tools/keys_secret.c tools/keys_secret.h
tools_awsv2_keys_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tools -I$(top_srcdir)/backends
tools_awsv2_keys_LDADD = libawsv2_cli.la libawsv2_internal.la
