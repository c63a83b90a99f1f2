# The code every program shares (options, signer opening, exit statuses),
# and awsv2-sign.
noinst_LTLIBRARIES += libawsv2_cli.la
libawsv2_cli_la_SOURCES = tools/cli.h tools/cli.c

bin_PROGRAMS += tools/awsv2-sign
tools_awsv2_sign_SOURCES = tools/awsv2-sign.c
tools_awsv2_sign_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tools
tools_awsv2_sign_LDADD = libawsv2_cli.la libawsv2.la
