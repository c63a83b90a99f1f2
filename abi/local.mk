# The ABI check (included from Makefile.am; abi/README.md): make abi-check
# compares the built libawsv2.so with abi/libawsv2.abi, make abi-dump
# rewrites that baseline. Both need abigail-tools and a build with -g.
EXTRA_DIST += abi/README.md abi/libawsv2.abi abi/growable scripts/abi-check.sh

abi-check: libawsv2.la
	$(SHELL) $(srcdir)/scripts/abi-check.sh check .
abi-dump: libawsv2.la
	$(SHELL) $(srcdir)/scripts/abi-check.sh dump .
.PHONY: abi-check abi-dump
