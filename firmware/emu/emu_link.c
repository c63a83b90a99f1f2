/* Link timing: arrival times of request bytes, release times of replies. */
#include <time.h>

#include "emu_link.h"

#define MS ((int64_t)EMU_FRAME_NS)

int64_t emu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

void emu_link_init(emu_link *l, emu_link_kind kind, unsigned long baud, int64_t now)
{
	l->rx_ns = l->take_ns = l->tx_ns = 0;
	l->frames = kind == EMU_LINK_USB || kind == EMU_LINK_USB_IDEAL;
	if (kind == EMU_LINK_UART)
		l->rx_ns = l->tx_ns = (int64_t)(10 * 1000000000LL / (long long)baud); /* start + 8 data + stop bits */
	else if (kind == EMU_LINK_PROG)
		l->rx_ns = l->tx_ns = EMU_PROG_NS;
	else if (kind == EMU_LINK_USB_IDEAL)
		l->rx_ns = l->tx_ns = EMU_USB_IDEAL_NS;
	else if (kind == EMU_LINK_USB) {
		l->rx_ns = EMU_USB_WIRE_NS;
		l->take_ns = EMU_USB_TAKE_NS;
		l->tx_ns = EMU_USB_TX_NS;
	}
	l->epoch = now;
	l->rx_last = now;
	l->tx_free = now;
}

int64_t emu_link_rx(emu_link *l, int64_t now, size_t n)
{
	int64_t first = max64(l->rx_last, now) + l->rx_ns;

	l->rx_last = first + (int64_t)(n - 1) * l->rx_ns;
	return first;
}

void emu_link_tx(emu_link *l, emu_tx *t, int64_t ready, size_t len)
{
	int64_t end;

	t->len = len;
	t->sent = 0;
	t->start = max64(ready, l->tx_free);
	end = t->start + (int64_t)len * l->tx_ns;
	l->tx_free = end;
	t->release = end;
	if (l->frames) {
		int64_t k = (end - l->epoch + MS - 1) / MS;
		t->release = l->epoch + k * MS;
	}
}

size_t emu_link_due(const emu_link *l, const emu_tx *t, int64_t now)
{
	int64_t n;

	if (l->tx_ns == 0 || l->frames)
		return now >= t->release ? t->len : 0;
	if (now < t->start)
		return 0;
	n = (now - t->start) / l->tx_ns;
	return n >= (int64_t)t->len ? t->len : (size_t)n;
}

int64_t emu_link_next(const emu_link *l, const emu_tx *t)
{
	if (l->tx_ns == 0 || l->frames)
		return t->release;
	return t->start + (int64_t)(t->sent + 1) * l->tx_ns;
}
