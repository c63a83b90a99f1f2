# Rules for man/ (included from Makefile.am): the manual pages, written in
# scdoc (man/NAME.SECTION.scd) and turned into roff by scdoc(5). The release
# tarball carries the roff pages, so only a build from git needs scdoc.

AWSV2_MAN1 = man/ec2-describe-instances.1 man/sqs-send.1 man/awsv2-sign.1 \
	man/awsv2-keys.1 man/awsv2-due-emu.1 man/awsv2-mock.1
AWSV2_MAN3 = man/libawsv2.3
AWSV2_MAN8 = man/awsv2-hsmd.8
AWSV2_MAN = $(AWSV2_MAN1) $(AWSV2_MAN3) $(AWSV2_MAN8)
dist_man1_MANS = $(AWSV2_MAN1)
dist_man3_MANS = $(AWSV2_MAN3)
dist_man8_MANS = $(AWSV2_MAN8)
AWSV2_MAN_SCD = $(AWSV2_MAN:=.scd)
EXTRA_DIST += $(AWSV2_MAN_SCD)
MAINTAINERCLEANFILES = $(AWSV2_MAN)

SCDOC_RULE = $(AM_V_GEN)$(MKDIR_P) man && \
	if test -z '$(SCDOC)'; then \
	    echo "$@: scdoc is needed to build the man pages from git (apt-get install scdoc)" >&2; \
	    exit 1; \
	fi && \
	$(SCDOC) < $< > $@.tmp && mv $@.tmp $@
man/%.1: man/%.1.scd
	$(SCDOC_RULE)
man/%.3: man/%.3.scd
	$(SCDOC_RULE)
man/%.8: man/%.8.scd
	$(SCDOC_RULE)

# tests/man: every option a program's --help lists is in its page; the
# pages' examples run, against awsv2-mock, awsv2-due-emu and awsv2-hsmd.
TESTS += tests/man/options.sh tests/man/examples.sh
EXTRA_DIST += tests/man/options.sh tests/man/examples.sh
