/* awsv2-due-emu: the Arduino Due HSM firmware core on a pty. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu.h"
#include "emu_import.h"
#include "emu_store.h"
#include "hsm_util.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* SIGINT and SIGTERM stay blocked except while ppoll waits, so a signal
 * can never slip in between the check of `stop` and the wait. */
static void catch_signals(sigset_t *wait_mask)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, wait_mask);
	sigdelset(wait_mask, SIGINT);
	sigdelset(wait_mask, SIGTERM);
}

/* The device's millisecond tick: the emulator's monotonic clock. */
static uint32_t tick_ms(void *ctx)
{
	(void)ctx;
	return (uint32_t)(emu_now() / 1000000);
}

static int open_keys(emu *e, emu_store *store)
{
	const emu_options *o = e->opt;
	const char *name = o->keystore ? o->keystore : "key store";

	if (emu_store_open(store, o->keystore, HSM_KEYSTORE_PAGES) != 0) {
		fprintf(stderr, "awsv2-due-emu: %s: %s\n", name,
			errno == EBUSY ? "in use by another emulator" :
			store->refused[0] ? store->refused : strerror(errno));
		return -1;
	}
	/* As the device does: serve the keys that could be read, refuse changes. */
	if (hsm_keystore_load(&e->ks, &store->storage) != HSM_KS_OK)
		fprintf(stderr, "awsv2-due-emu: %s: a page cannot be read or the lock is torn: "
			"serving the keys it could read, refusing every change\n", name);
	hsm_keystore_set_clock(&e->ks, tick_ms, NULL);
	if (o->import && emu_import_credentials(&e->ks, o->import, o->verbose) != 0)
		return -1;
	return 0;
}

/* Removes our symlink, unless another emulator has taken the name since. */
static void remove_symlink(const char *link, const char *target)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(link, buf, sizeof buf - 1);

	if (n >= 0) {
		buf[n] = '\0';
		if (strcmp(buf, target) == 0)
			unlink(link);
	}
}

static int open_port(emu *e)
{
	if (emu_pty_open(&e->pty) != 0) {
		perror("awsv2-due-emu: opening a pty");
		return -1;
	}
	if (e->opt->symlink && emu_symlink(e->pty.path, e->opt->symlink) != 0) {
		fprintf(stderr, "awsv2-due-emu: %s: %s\n", e->opt->symlink, strerror(errno));
		return -1;
	}
	printf("%s\n", e->pty.path);
	if (fflush(stdout) != 0) {
		perror("awsv2-due-emu: stdout");
		return -1;
	}
	if (e->opt->verbose)
		fprintf(stderr, "awsv2-due-emu: serving %s\n", e->pty.path);
	return 0;
}

static void free_emu(emu *e)
{
	emu_reply *r;

	while ((r = e->out_head)) {
		e->out_head = r->next;
		free(r);
	}
	/* Key states, and PUT-KEY secrets in the input buffers. */
	hsm_wipe(e, sizeof *e);
	free(e);
}

int main(int argc, char **argv)
{
	emu_options opt;
	emu_store store = { .fd = -1 };
	sigset_t wait_mask;
	emu *e;
	int rc = emu_options_parse(&opt, argc, argv);

	if (rc >= 0) {
		emu_options_free(&opt);
		return rc;
	}
	catch_signals(&wait_mask);
	e = calloc(1, sizeof *e);
	if (!e) {
		fprintf(stderr, "awsv2-due-emu: out of memory\n");
		return 1;
	}
	e->opt = &opt;
	e->pty.master = e->pty.slave = -1;
	rc = open_keys(e, &store) || open_port(e);
	if (rc == 0) {
		emu_link_init(&e->link, opt.link, opt.baud, emu_now());
		rc = emu_serve(e, &stop, &wait_mask);
	}
	if (opt.symlink && e->pty.master >= 0)
		remove_symlink(opt.symlink, e->pty.path);
	emu_pty_close(&e->pty);
	free_emu(e);
	emu_store_close(&store);
	emu_options_free(&opt);
	return rc ? 1 : 0;
}
