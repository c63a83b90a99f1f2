# Rules for mock/ (included from Makefile.am): awsv2-mock, a local EC2 + SQS
# endpoint that verifies Signature Versions 2 and 4; its tests are in tests/mock/.
bin_PROGRAMS += awsv2-mock
# The mock is the oracle of the process-level tests, so it shares no code
# with the library: no libawsv2, no header of src/, backends/ or firmware/.
awsv2_mock_SOURCES = \
	mock/main.c mock/server.h mock/server.c mock/handle.h mock/handle.c \
	mock/call.h mock/call.c mock/params.h mock/params.c \
	mock/auth.h mock/auth.c mock/sigv2.h mock/sigv2.c mock/sigv4.h mock/sigv4.c \
	mock/keys.h mock/keys.c \
	mock/faults.h mock/faults.c mock/codec.h mock/codec.c mock/xml.h mock/xml.c \
	mock/ec2.h mock/ec2.c mock/ec2_instances.h mock/ec2_instances.c \
	mock/ec2_selection.h mock/ec2_selection.c \
	mock/sqs.h mock/sqs.c mock/sqs_receive.c mock/sqs_store.h mock/sqs_store.c \
	mock/sqs_attrs.h mock/sqs_attrs.c
awsv2_mock_CPPFLAGS = -I$(top_builddir) $(MHD_CFLAGS) $(JSONC_CFLAGS) $(OPENSSL_CFLAGS)
awsv2_mock_LDADD = $(MHD_LIBS) $(JSONC_LIBS) $(OPENSSL_LIBS)
EXTRA_DIST += mock/README.md

include $(srcdir)/tests/mock/local.mk
