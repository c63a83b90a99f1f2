/* The emulator's event loop: read what the host writes, hand it to the
 * core byte by byte once the link model says it has arrived and the device
 * is free, and release replies to the host as the link model allows. */
#define _GNU_SOURCE /* ppoll: waits with sub-millisecond precision */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "emu.h"

#define DRAIN_MAX_MS 2000
#define DRAIN_QUIET_MS 20
#define DRAIN_UNSEEN_MS 250

static const char *const command_names[] = {
	[HSM_CMD_INVALID] = "invalid", [HSM_CMD_SIGN] = "SIGN-AWS-V2",
	[HSM_CMD_PING] = "PING", [HSM_CMD_KEYS] = "KEYS", [HSM_CMD_PUT_KEY] = "PUT-KEY",
	[HSM_CMD_DELETE_KEY] = "DELETE-KEY", [HSM_CMD_LOCK] = "LOCK",
	[HSM_CMD_SIGN4] = "SIGN-AWS-V4", [HSM_CMD_POLICY] = "POLICY", [HSM_CMD_AUDIT] = "AUDIT",
	[HSM_CMD_AUDIT_MODE] = "AUDIT-MODE", [HSM_CMD_DERIVE4] = "DERIVE-AWS-V4",
};

/* Same length as the reply, ends in '\n', and is no valid reply: it starts
 * with "S\a", which no reply does. */
static void garble(char *d, size_t len)
{
	static const char junk[] = "S\aCC#SS\x01~%\x7fQ";

	for (size_t i = 0; i + 1 < len; i++)
		d[i] = junk[i % (sizeof junk - 1)];
	d[len - 1] = '\n';
}

static void log_reply(const emu *e, unsigned long n, const char *line, size_t len,
		      const char *fault)
{
	/* Safe to show, but for DERIVE-AWS-V4's key: no other reply holds a
	 * secret. */
	if (e->proto.cmd == HSM_CMD_DERIVE4 && len > 8 && memcmp(line, "SUCCESS ", 8) == 0)
		len = 8; /* "SUCCESS" and what stands for the newline */
	fprintf(stderr, "awsv2-due-emu: request %lu: %s -> %.*s%s\n", n,
		command_names[e->proto.cmd], (int)len - 1, line, fault);
}

/* The core's reply callback: the device finished request n. */
static void on_reply(void *ctx, const char *line, size_t len)
{
	emu *e = ctx;
	const emu_options *o = e->opt;
	unsigned long n = ++e->nreq, ms = 0;
	int drop = emu_faults_has(&o->drop, n, NULL);
	int bad = !drop && emu_faults_has(&o->garble, n, NULL);
	emu_reply *r = malloc(sizeof *r + len);

	if (!r) {
		e->failed = 1;
		return;
	}
	e->busy_until = e->dev_now;
	if (e->proto.cmd == HSM_CMD_SIGN || e->proto.cmd == HSM_CMD_SIGN4
	    || e->proto.cmd == HSM_CMD_DERIVE4)
		e->busy_until += (int64_t)o->sign_us * 1000;
	if (emu_faults_has(&o->stall, n, &ms))
		e->busy_until += (int64_t)ms * 1000000;
	if (o->verbose)
		log_reply(e, n, line, len, drop ? " (dropped)" : bad ? " (garbled)" : ms ? " (stalled)" : "");
	r->next = NULL;
	r->close = emu_faults_has(&o->close_after, n, NULL);
	memcpy(r->data, line, len);
	if (bad)
		garble(r->data, len);
	emu_link_tx(&e->link, &r->tx, e->busy_until, drop ? 0 : len);
	if (e->out_tail)
		e->out_tail->next = r;
	else
		e->out_head = r;
	e->out_tail = r;
	if (r->close)
		e->closing = 1;
}

/* Hands the device every byte that has arrived while it is free. Returns
 * the time the next byte can be taken, or INT64_MAX if none is waiting.
 * A link that charges the device for every byte it takes in may run up to
 * LOOKAHEAD_NS ahead of the clock: the model's times stay the same, and
 * the emulator wakes once in a while rather than for every byte. */
#define LOOKAHEAD_NS 500000
static int64_t feed(emu *e, int64_t now)
{
	int64_t ahead = e->link.take_ns ? LOOKAHEAD_NS : 0;

	while (e->in_count > 0 && !e->closing && !e->failed && !e->tx_blocked) {
		emu_chunk *c = &e->in[e->in_head];
		int64_t arrival = c->first + (int64_t)c->pos * e->link.rx_ns;
		int64_t t = arrival > e->busy_until ? arrival : e->busy_until;

		if (t > now + ahead)
			return t - ahead;
		e->dev_now = t + e->link.take_ns;
		e->busy_until = e->dev_now;
		hsm_protocol_byte(&e->proto, c->data[c->pos]);
		if (++c->pos == c->len) {
			memset(c->data, 0, c->len);  /* it may have held a secret */
			e->in_head = (e->in_head + 1) % EMU_CHUNKS;
			e->in_count--;
		}
	}
	return INT64_MAX;
}

/* Writes what the link has released. Returns the time more is due, or
 * INT64_MAX if nothing is (and sets *full when the pty takes no more: wait
 * for POLLOUT). Sets *done after a --close-after reply has gone out. */
static int64_t flush(emu *e, int64_t now, int *full, int *done)
{
	emu_reply *r;

	while ((r = e->out_head)) {
		size_t due = emu_link_due(&e->link, &r->tx, now);
		if (due > r->tx.sent) {
			ssize_t w = write(e->pty.master, r->data + r->tx.sent, due - r->tx.sent);
			if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
				*full = 1;
				return INT64_MAX;
			}
			if (w < 0) {
				perror("awsv2-due-emu: writing to the pty");
				e->failed = 1;
				return INT64_MAX;
			}
			r->tx.sent += (size_t)w;
		}
		if (r->tx.sent < due) {
			*full = 1;
			return INT64_MAX;
		}
		if (r->tx.sent < r->tx.len)
			return emu_link_next(&e->link, &r->tx);
		if (r->tx.len == 0 && now < r->tx.release)
			return r->tx.release;  /* a dropped reply still takes device time */
		e->out_head = r->next;
		if (!e->out_head)
			e->out_tail = NULL;
		*done = r->close;
		free(r);
		if (*done)
			return INT64_MAX;
	}
	return INT64_MAX;
}

/* Reads what the host wrote into a free chunk. */
static int receive(emu *e, int64_t now)
{
	emu_chunk *c = &e->in[(e->in_head + e->in_count) % EMU_CHUNKS];
	ssize_t n = read(e->pty.master, c->data, sizeof c->data);

	if (n < 0 && (errno == EAGAIN || errno == EINTR || errno == EIO))
		return 0;
	if (n < 0) {
		perror("awsv2-due-emu: reading from the pty");
		return -1;
	}
	if (n == 0)
		return 0;
	c->len = (size_t)n;
	c->pos = 0;
	c->first = emu_link_rx(&e->link, now, c->len);
	e->in_count++;
	return 0;
}

static struct timespec until(int64_t deadline, int64_t now)
{
	int64_t d = deadline > now ? deadline - now : 0;

	return (struct timespec){ .tv_sec = d / 1000000000, .tv_nsec = d % 1000000000 };
}

/* Closing the master discards what the host has not read yet, so after the
 * --close-after reply give the host time (at most DRAIN_MAX_MS) to read it:
 * our own descriptor on the slave sees how much is still unread. The
 * kernel moves written bytes to the slave asynchronously (later still on a
 * loaded machine), so the reply counts as read once it was seen waiting and
 * then gone for DRAIN_QUIET_MS; if it was never seen waiting (the host read
 * it at once, or the kernel has not moved it yet), only a long quiet
 * (DRAIN_UNSEEN_MS) counts. */
static void drain(emu *e, volatile sig_atomic_t *stop)
{
	const struct timespec ms = { 0, 1000000 };
	int unread = 0, quiet = 0, seen = 0;

	for (int i = 0; i < DRAIN_MAX_MS && !*stop; i++) {
		if (ioctl(e->pty.slave, FIONREAD, &unread) != 0)
			return;
		seen |= unread > 0;
		quiet = unread ? 0 : quiet + 1;
		if (quiet >= (seen ? DRAIN_QUIET_MS : DRAIN_UNSEEN_MS))
			return;
		nanosleep(&ms, NULL);
	}
}

/* One round of the device and the link at `now`. Returns when something
 * is due next; *full when the host must read before anything can go on. */
static int64_t step(emu *e, int64_t now, int *full, int *done)
{
	int64_t next_in, next_out;

	/* Flush first: once the host reads again, the device may go on. */
	*full = 0;
	flush(e, now, full, done);
	e->tx_blocked = *full;
	next_in = feed(e, now);
	*full = 0;
	next_out = flush(e, now, full, done);
	e->tx_blocked = *full;
	return next_in < next_out ? next_in : next_out;
}

int emu_serve(emu *e, volatile sig_atomic_t *stop, const sigset_t *wait_mask)
{
	int done = 0;

	hsm_protocol_init(&e->proto, &e->ks, on_reply, e);
	e->proto.no_delta = (uint8_t)e->opt->no_delta;
	while (!*stop && !e->failed) {
		int full;
		int64_t now = emu_now();
		int64_t deadline = step(e, now, &full, &done);
		struct pollfd pfd = { e->pty.master, 0, 0 };
		struct timespec ts = until(deadline, now);

		if (done) {
			drain(e, stop);
			break;
		}
		if (e->in_count < EMU_CHUNKS && !e->closing)
			pfd.events |= POLLIN;
		if (full)
			pfd.events |= POLLOUT;
		if (ppoll(&pfd, 1, deadline == INT64_MAX ? NULL : &ts, wait_mask) < 0) {
			if (errno == EINTR)
				continue;
			perror("awsv2-due-emu: ppoll");
			return -1;
		}
		if ((pfd.revents & POLLIN) && receive(e, emu_now()) != 0)
			return -1;
	}
	return e->failed ? -1 : 0;
}
