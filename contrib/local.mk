# Rules for contrib/ (included from Makefile.am): what integrates the
# programs with the system. The directories come from configure
# (--with-systemdsystemunitdir, --with-udevrulesdir, --with-sysusersdir,
# --with-bash-completion-dir, --with-zsh-completion-dir).

# The unit names the installed awsv2-hsmd, so make writes it with make's
# fully expanded bindir (config.status would leave ${exec_prefix} in it).
systemdsystemunit_DATA = contrib/systemd/awsv2-hsmd.service contrib/systemd/awsv2-hsmd@.service
contrib/systemd/awsv2-hsmd.service: $(srcdir)/contrib/systemd/awsv2-hsmd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) contrib/systemd && \
	sed -e 's|@bindir[@]|$(bindir)|g' -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	    $(srcdir)/contrib/systemd/awsv2-hsmd.service.in > $@.tmp && mv $@.tmp $@
# The template for a pool of devices (docs/deployment.md), made alike.
contrib/systemd/awsv2-hsmd@.service: $(srcdir)/contrib/systemd/awsv2-hsmd@.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) contrib/systemd && \
	sed -e 's|@bindir[@]|$(bindir)|g' -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	    $(srcdir)/contrib/systemd/awsv2-hsmd@.service.in > $@.tmp && mv $@.tmp $@
CLEANFILES += contrib/systemd/awsv2-hsmd.service contrib/systemd/awsv2-hsmd@.service

udevrules_DATA = contrib/udev/60-awsv2-due.rules
sysusers_DATA = contrib/sysusers.d/awsv2-hsmd.conf
zshcompletion_DATA = contrib/completion/_awsv2

# One completion file, under each program's name (bash-completion loads a
# command's completion from the file of that name).
AWSV2_COMPLETED = ec2-describe-instances sqs-send awsv2-sign awsv2-keys awsv2-hsmd \
	awsv2-due-emu awsv2-mock
install-data-local: install-bash-completion
install-bash-completion:
	$(MKDIR_P) '$(DESTDIR)$(bashcompletiondir)'
	$(INSTALL_DATA) $(srcdir)/contrib/completion/awsv2.bash '$(DESTDIR)$(bashcompletiondir)/awsv2-sign'
	for p in $(AWSV2_COMPLETED); do \
	    [ $$p = awsv2-sign ] || $(LN_S) -f awsv2-sign '$(DESTDIR)$(bashcompletiondir)'/$$p || exit 1; \
	done
uninstall-local: uninstall-bash-completion
uninstall-bash-completion:
	for p in $(AWSV2_COMPLETED); do rm -f '$(DESTDIR)$(bashcompletiondir)'/$$p; done

EXTRA_DIST += contrib/systemd/awsv2-hsmd.service.in contrib/systemd/awsv2-hsmd@.service.in \
	contrib/udev/60-awsv2-due.rules \
	contrib/sysusers.d/awsv2-hsmd.conf contrib/completion/awsv2.bash contrib/completion/_awsv2
.PHONY: install-bash-completion uninstall-bash-completion

# tests/contrib: the unit passes systemd-analyze verify and scores 2.5 or
# better in systemd-analyze security, and binds to the device the udev rule
# names; the bash completion completes.
TESTS += tests/contrib/systemd-unit.sh tests/contrib/completion.sh
EXTRA_DIST += tests/contrib/systemd-unit.sh tests/contrib/completion.sh
check_DATA = contrib/systemd/awsv2-hsmd.service contrib/systemd/awsv2-hsmd@.service

# The Debian packaging (scripts/deb.sh builds it) and the sketch's build.
EXTRA_DIST += debian/changelog debian/control debian/copyright debian/rules \
	debian/source/format debian/not-installed \
	debian/libawsv2-1.install debian/libawsv2-dev.install debian/libawsv2-dev.docs \
	debian/awsv2-tools.install debian/awsv2-hsmd.install debian/awsv2-hsmd.docs \
	debian/awsv2-hsmd.postinst debian/awsv2-due-firmware.install debian/awsv2-due-firmware.docs \
	scripts/deb.sh scripts/lib.sh scripts/build-sketch.sh

# After make install (make distcheck runs this with its own prefix): every
# installed program runs without LD_LIBRARY_PATH (libtool gives it a
# RUNPATH when libdir is outside the loader's path; inside it, as for
# /usr/local/lib, run ldconfig after installing), and its man page is there.
installcheck-local:
	@for p in $(AWSV2_COMPLETED); do \
	    if ! env -u LD_LIBRARY_PATH '$(DESTDIR)$(bindir)'/$$p --version > /dev/null; then \
	        echo "installed $$p does not run (after installing to $(libdir), run ldconfig)" >&2; \
	        exit 1; \
	    fi; \
	    ls '$(DESTDIR)$(mandir)'/man[18]/$$p.[18] > /dev/null || exit 1; \
	done
	@test -f '$(DESTDIR)$(man3dir)/libawsv2.3'
	@test -f '$(DESTDIR)$(systemdsystemunitdir)/awsv2-hsmd.service'
	@grep -q '^ExecStart=$(bindir)/awsv2-hsmd ' '$(DESTDIR)$(systemdsystemunitdir)/awsv2-hsmd.service'
