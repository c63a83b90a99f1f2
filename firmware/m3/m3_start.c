/* Vector table and reset handler of the Cortex-M3 test programs: copy
 * .data from flash, clear .bss, run main, exit with its status. Faults end
 * the emulation with a message instead of hanging it. */
#include <stdint.h>
#include <string.h>

#include "m3_semihost.h"

extern uint32_t __data_start[], __data_end[], __data_load[];
extern uint32_t __bss_start[], __bss_end[], __stack_top[];

int main(void);
void m3_reset(void);

static void fault(void)
{
	m3_puts("m3: processor fault\n");
	m3_exit(99);
}

void m3_reset(void)
{
	memcpy(__data_start, __data_load,
	       (size_t)((char *)__data_end - (char *)__data_start));
	memset(__bss_start, 0, (size_t)((char *)__bss_end - (char *)__bss_start));
	m3_exit(main());
}

/* Initial stack pointer, then reset, NMI, HardFault, MemManage, BusFault,
 * UsageFault. Nothing enables interrupts, so no more entries are needed. */
__attribute__((section(".vectors"), used))
static void (*const vectors[])(void) = {
	(void (*)(void))__stack_top, m3_reset, fault, fault, fault, fault, fault,
};
