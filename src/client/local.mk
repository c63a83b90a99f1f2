# Rules for the AWS client (src/client/, examples/ programs use it) and its tests.
libawsv2_internal_la_SOURCES += \
	src/client/transport.h src/client/transport.c \
	src/client/retry.h src/client/retry.c \
	src/client/xml.h src/client/xml.c \
	src/client/client_impl.h src/client/client.c \
	src/client/ec2_impl.h src/client/ec2.c src/client/ec2_parse.c \
	src/client/b64.h src/client/b64.c \
	src/client/sqs_impl.h src/client/sqs_check.c src/client/sqs_md5.c \
	src/client/sqs_send.c src/client/sqs_receive.c src/client/sqs_queue.c

pkginclude_HEADERS += \
	include/awsv2/client.h \
	include/awsv2/ec2.h \
	include/awsv2/sqs.h
