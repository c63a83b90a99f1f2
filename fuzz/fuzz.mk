# Builds the fuzz harnesses with clang and libFuzzer, independently of the
# compiler the tree was configured with. Run by fuzz.sh (make fuzz), which
# passes: srcdir (the source tree), builddir (a configured build tree, for
# config.h), out (where objects and binaries go), HARNESSES, LIB_SOURCES
# and HSM_SOURCES (the .c files of libawsv2_internal.la and of the firmware
# core, from the automake lists), DEP_CFLAGS and DEP_LIBS. Objects carry
# their header dependencies (-MMD), so a second run only relinks.
FUZZ_CC ?= clang
SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CFLAGS_ALL = -g -O1 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -pthread \
	$(SAN) -fsanitize=fuzzer-no-link
# The harnesses are held to -Werror under clang too; the code under test is
# held to it by the configured build, so that a warning only clang gives
# does not stop fuzzing.
WERROR = -Wall -Wextra -Werror
INC = -I$(srcdir)/include -I$(builddir) -I$(srcdir)/src -I$(srcdir)/src/client \
	-I$(srcdir)/backends -I$(srcdir)/firmware/hsm/src -I$(srcdir)/fuzz $(DEP_CFLAGS)

obj = $(out)/obj
lib_objs = $(patsubst %.c,$(obj)/lib/%.o,$(LIB_SOURCES))
hsm_objs = $(patsubst %.c,$(obj)/hsm/%.o,$(HSM_SOURCES))

# What each harness is made of besides fuzz/fuzz_NAME.c: the library
# (compiled whole, internal functions visible), the firmware core, or the
# few files of a program.
uses_lib = query ini spec xml http_reply due_reply daemon mock delta credproc batch
extra_sts = $(obj)/hsm/firmware/hsm/src/awsv2_sts.o
extra_sts4 = $(obj)/hsm/firmware/hsm/src/awsv2_sts4.o $(obj)/hsm/firmware/hsm/src/awsv2_sts.o
extra_protocol = $(hsm_objs) $(obj)/own/tests/firmware/memstore.o
extra_delta = $(obj)/hsm/firmware/hsm/src/hsm_delta.o
extra_mock = $(obj)/own/mock/params.o $(obj)/own/mock/codec.o $(obj)/own/mock/sigv2.o
extra_mock4 = $(obj)/own/mock/sigv4.o $(obj)/own/mock/params.o $(obj)/own/mock/codec.o
extra_daemon = $(obj)/own/daemon/routes.o $(obj)/own/daemon/token.o
extra_batch = $(obj)/own/daemon/batch.o

all: $(patsubst %,$(out)/fuzz_%,$(HARNESSES))

$(out)/libawsv2_fuzz.a: $(lib_objs)
	rm -f $@
	ar rcs $@ $^

$(obj)/lib/%.o: $(srcdir)/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CFLAGS_ALL) -MMD -MP -DAWSV2_BUILDING $(INC) -c $< -o $@

# The firmware core is tab-indented C with its own include path only.
$(obj)/hsm/%.o: $(srcdir)/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CFLAGS_ALL) -MMD -MP -I$(srcdir)/firmware/hsm/src -c $< -o $@

$(obj)/own/%.o: $(srcdir)/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CFLAGS_ALL) -MMD -MP $(INC) -I$(srcdir)/tests/firmware -I$(srcdir)/mock \
		-I$(srcdir)/daemon -c $< -o $@

$(obj)/fuzz_%.o: $(srcdir)/fuzz/fuzz_%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CFLAGS_ALL) $(WERROR) -MMD -MP $(INC) -I$(srcdir)/tests/firmware -I$(srcdir)/mock \
		-I$(srcdir)/daemon -c $< -o $@

.SECONDEXPANSION:
$(out)/fuzz_%: $(obj)/fuzz_%.o $$(extra_$$*) $$(if $$(filter $$*,$(uses_lib)),$(out)/libawsv2_fuzz.a)
	$(FUZZ_CC) $(SAN) -fsanitize=fuzzer -pthread -o $@ $^ $(DEP_LIBS) -lm

-include $(shell find $(obj) -name '*.d' 2>/dev/null)
.DELETE_ON_ERROR:
