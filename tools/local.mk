# The code every program shares (options, signer opening, exit statuses),
# awsv2-sign and awsv2-keys. The programs use the public API only.
noinst_LTLIBRARIES += libawsv2_cli.la
libawsv2_cli_la_SOURCES = tools/cli.h tools/cli.c
libawsv2_cli_la_CPPFLAGS = $(PUBLIC_CPPFLAGS)

bin_PROGRAMS += tools/awsv2-sign
tools_awsv2_sign_SOURCES = tools/awsv2-sign.c
tools_awsv2_sign_CPPFLAGS = $(PUBLIC_CPPFLAGS) -I$(top_srcdir)/tools
tools_awsv2_sign_LDADD = libawsv2_cli.la libawsv2.la

# Without src/ on the include path, as above: no internal header creeps in.
bin_PROGRAMS += tools/awsv2-keys
tools_awsv2_keys_SOURCES = tools/awsv2-keys.c tools/keys_secret.c tools/keys_secret.h
tools_awsv2_keys_CPPFLAGS = $(PUBLIC_CPPFLAGS) -I$(top_srcdir)/tools
tools_awsv2_keys_LDADD = libawsv2_cli.la libawsv2.la
