# Rules for examples/ (included from Makefile.am): the two programs of the
# project card, on the public client API. Without src/ on the include path:
# an internal header cannot creep in.
EXAMPLES_CPPFLAGS = $(PUBLIC_CPPFLAGS) -I$(top_srcdir)/tools \
	-I$(top_srcdir)/examples/common

bin_PROGRAMS += examples/ec2-describe/ec2-describe-instances examples/sqs-send/sqs-send

examples_ec2_describe_ec2_describe_instances_SOURCES = \
	examples/common/client_open.h examples/common/client_open.c \
	examples/common/options.h examples/common/options.c \
	examples/ec2-describe/filters.h examples/ec2-describe/filters.c \
	examples/ec2-describe/output.h examples/ec2-describe/output.c \
	examples/ec2-describe/main.c
examples_ec2_describe_ec2_describe_instances_CPPFLAGS = $(EXAMPLES_CPPFLAGS) $(JSONC_CFLAGS)
examples_ec2_describe_ec2_describe_instances_LDADD = libawsv2_cli.la libawsv2.la $(JSONC_LIBS)

examples_sqs_send_sqs_send_SOURCES = \
	examples/common/client_open.h examples/common/client_open.c \
	examples/common/options.h examples/common/options.c \
	examples/sqs-send/attributes.h examples/sqs-send/attributes.c \
	examples/sqs-send/main.c
examples_sqs_send_sqs_send_CPPFLAGS = $(EXAMPLES_CPPFLAGS)
examples_sqs_send_sqs_send_LDADD = libawsv2_cli.la libawsv2.la
