# Rules for mock/ (included from Makefile.am): awsv2-mock, a local EC2 + SQS
# endpoint that verifies Signature Version 2; its tests are in tests/mock/.
bin_PROGRAMS += awsv2-mock
awsv2_mock_SOURCES = \
	mock/mock.h mock/main.c mock/server.c mock/handle.c mock/form.c \
	mock/auth.c mock/creds.c mock/reply.c mock/xml.c \
	mock/instances.c mock/default_instances.c \
	mock/ec2.h mock/ec2.c mock/ec2_filter.c \
	mock/sqs.h mock/sqs.c mock/sqs_receive.c mock/sqs_store.c mock/sqs_attrs.c
awsv2_mock_CPPFLAGS = $(AM_CPPFLAGS) $(MHD_CFLAGS) $(JSONC_CFLAGS) $(OPENSSL_CFLAGS)
awsv2_mock_LDADD = libawsv2_internal.la $(MHD_LIBS) $(JSONC_LIBS) $(OPENSSL_LIBS)
EXTRA_DIST += mock/README.md

include $(srcdir)/tests/mock/local.mk
