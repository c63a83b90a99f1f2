# Rules for firmware/m3/ (included from Makefile.am): the firmware core
# (every file of firmware/hsm/src/) cross-compiled for the Cortex-M3 and run
# under QEMU's lm3s6965evb: its vector suite in make check, and
# make m3-bench, which counts the instructions of a 1 KiB HMAC and of a
# SigV4 signature (kSigning, and a whole SIGN-AWS-V4 request).

m3_src = $(srcdir)/firmware/m3
m3_core_src = $(srcdir)/firmware/hsm/src
m3_core_files = $(wildcard $(m3_core_src)/*.c $(m3_core_src)/*.S)
m3_core_names = $(notdir $(basename $(m3_core_files)))
m3_core_deps = $(wildcard $(m3_core_src)/*.h) $(m3_src)/local.mk
m3_harness_deps = $(m3_src)/m3_semihost.h $(m3_src)/m3_flash.h $(m3_src)/m3.ld
# The core as the Due runs it (Thumb-2 SHA where there is one) ...
m3_core_objs = $(m3_core_names:%=firmware/m3/core/%.o)
# ... and with the portable C SHA only: the benchmark's baseline.
m3_core_c_objs = $(m3_core_names:%=firmware/m3/core-c/%.o)
m3_harness_objs = firmware/m3/obj/m3_start.o firmware/m3/obj/m3_semihost.o \
	firmware/m3/obj/m3_flash.o

m3_cflags = -std=c11 -mcpu=cortex-m3 -mthumb -O2 -g -Wall -Wextra -Werror \
	-ffunction-sections -fdata-sections -I$(m3_core_src) -I$(m3_src)
m3_linkflags = -nostartfiles -T $(m3_src)/m3.ld -Wl,--gc-sections
# binutils of the same target as the compiler: arm-none-eabi-gcc -> -nm, -size
ARM_NM = $(ARM_CC:gcc=nm)
ARM_SIZE = $(ARM_CC:gcc=size)

EXTRA_DIST += firmware/m3/m3.ld firmware/m3/m3_start.c firmware/m3/m3_semihost.c \
	firmware/m3/m3_semihost.h firmware/m3/m3_flash.c firmware/m3/m3_flash.h \
	firmware/m3/m3_vectors.c firmware/m3/m3_bench.c \
	firmware/m3/m3-test.sh firmware/m3/m3-bench.sh \
	firmware/hsm/src/hsm_sha1_thumb2.S firmware/hsm/src/hsm_sha256_thumb2.S
CLEANFILES += firmware/m3/*.elf firmware/m3/core/*.o firmware/m3/core-c/*.o \
	firmware/m3/obj/*.o firmware/m3/ref/*.o

if HAVE_M3
TESTS += firmware/m3/m3-test.sh
# The suite's program (not a script, but check_SCRIPTS is where make check
# builds what tests need).
check_SCRIPTS += firmware/m3/m3-vectors.elf
AM_TESTS_ENVIRONMENT += QEMU_ARM='$(QEMU_ARM)'; export QEMU_ARM;

firmware/m3/core/%.o: $(m3_core_src)/%.c $(m3_core_deps)
	$(AM_V_CC)$(MKDIR_P) $(@D) && $(ARM_CC) $(m3_cflags) -c -o $@ $<
firmware/m3/core/%.o: $(m3_core_src)/%.S $(m3_core_deps)
	$(AM_V_CC)$(MKDIR_P) $(@D) && $(ARM_CC) $(m3_cflags) -c -o $@ $<
firmware/m3/core-c/%.o: $(m3_core_src)/%.c $(m3_core_deps)
	$(AM_V_CC)$(MKDIR_P) $(@D) && $(ARM_CC) $(m3_cflags) -DHSM_SHA_PORTABLE -c -o $@ $<
firmware/m3/core-c/%.o: $(m3_core_src)/%.S $(m3_core_deps)
	$(AM_V_CC)$(MKDIR_P) $(@D) && $(ARM_CC) $(m3_cflags) -DHSM_SHA_PORTABLE -c -o $@ $<
firmware/m3/obj/%.o: $(m3_src)/%.c $(m3_harness_deps) $(m3_core_deps)
	$(AM_V_CC)$(MKDIR_P) $(@D) && $(ARM_CC) $(m3_cflags) -c -o $@ $<

# The portable C SHA built again under other names (ref_sha1_*,
# ref_sha256_*): the reference the vector suite compares the Thumb-2 with.
m3_ref_names = $(foreach h,sha1 sha256,$(foreach f,init update final compress,\
	-Dhsm_$(h)_$(f)=ref_$(h)_$(f)))
m3_ref_objs = firmware/m3/ref/hsm_sha1.o firmware/m3/ref/hsm_sha256.o
firmware/m3/ref/%.o: $(m3_core_src)/%.c $(m3_core_deps)
	$(AM_V_CC)$(MKDIR_P) $(@D) && $(ARM_CC) $(m3_cflags) -DHSM_SHA_PORTABLE $(m3_ref_names) -c -o $@ $<

firmware/m3/m3-vectors.elf: firmware/m3/obj/m3_vectors.o $(m3_harness_objs) $(m3_core_objs) \
		$(m3_ref_objs)
	$(AM_V_CCLD)$(ARM_CC) $(m3_cflags) $(m3_linkflags) -o $@ $^
firmware/m3/m3-bench.elf: firmware/m3/obj/m3_bench.o $(m3_harness_objs) $(m3_core_objs)
	$(AM_V_CCLD)$(ARM_CC) $(m3_cflags) $(m3_linkflags) -o $@ $^
firmware/m3/m3-bench-c.elf: firmware/m3/obj/m3_bench.o $(m3_harness_objs) $(m3_core_c_objs)
	$(AM_V_CCLD)$(ARM_CC) $(m3_cflags) $(m3_linkflags) -o $@ $^

# Prints the instruction counts (the Thumb-2 SHA, then the portable C as a
# baseline) and the core's size: flash is text + data of its objects, RAM
# its static data; the state a device allocates (key store, protocol
# buffers) and the stack are reported by the vector suite.
m3-bench: firmware/m3/m3-bench.elf firmware/m3/m3-bench-c.elf
	@QEMU_ARM='$(QEMU_ARM)' ARM_NM='$(ARM_NM)' $(SHELL) $(m3_src)/m3-bench.sh firmware/m3/m3-bench.elf
	@QEMU_ARM='$(QEMU_ARM)' ARM_NM='$(ARM_NM)' $(SHELL) $(m3_src)/m3-bench.sh firmware/m3/m3-bench-c.elf _portable_c
	@$(ARM_SIZE) -t $(m3_core_objs) | awk 'END { \
		printf "hsm_core_flash_bytes %d bytes\nhsm_core_static_ram_bytes %d bytes\n", $$1 + $$2, $$2 + $$3 }'
else
m3-bench:
	@echo "m3-bench: configure found no arm-none-eabi-gcc or qemu-system-arm" >&2; exit 1
endif
.PHONY: m3-bench
