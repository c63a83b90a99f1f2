/* hsm_sha1_compress for Thumb-2 (Cortex-M3 and up): the portable C of
 * hsm_sha1.c is used everywhere else. Same contract:
 *   void hsm_sha1_compress(uint32_t h[5], const uint8_t *blocks, size_t nblocks)
 *
 * Fully unrolled (assembler macros), every value in a register, and as few
 * instructions as the ISA allows:
 * - rol(b, 30) is never computed: c, d and e are kept rotated left by 2
 *   and the rotation is folded into the operand that uses them ("ror #2");
 *   rol(a, 5) is folded the same way ("add e, e, a, ror #27").
 * - The message schedule's rol(x, 1) is never computed either: word j is
 *   stored rotated right by q(j) = -(j / 16) mod 32, each operand is rotated
 *   into place inside the eor or add that reads it.
 * - The schedule is computed four words at a time; its 72 words live on the
 *   stack, read with one "pop" (sp walks up the array, so words below sp are
 *   dead and interrupts may use that memory) and ldrd / strd. Words 72..79
 *   are only needed in registers.
 * Message words are read with ldr (unaligned input is allowed) and rev. */
#if defined(__thumb2__) && !defined(HSM_SHA_PORTABLE)

	.syntax unified
	.thumb
	.text

/* Where the stack frame keeps the arguments, above the schedule. */
#define W_BYTES 288
#define ARG_H (W_BYTES + 0)
#define ARG_DATA (W_BYTES + 4)
#define ARG_N (W_BYTES + 8)
#define FRAME (W_BYTES + 16)

/* rd = rn OP (rm rotated right by r mod 32); r = 0 is a plain register
 * operand ("ror #0" would encode RRX). */
	.macro	op_ror op, rd, rn, rm, r
	.if	((\r) & 31) == 0
	\op	\rd, \rn, \rm
	.else
	\op	\rd, \rn, \rm, ror #((\r) & 31)
	.endif
	.endm

/* The rotation of schedule word j, and the one that brings word j into the
 * frame of word i. */
#define Q(j) ((32 - ((j) >> 4)) & 31)
#define ROT(j, i) (Q(j) - Q(i))

/* Round functions into r0 (c, d rotated; b not): f(b, c, d). */
	.macro	f_ch b, c, d		/* d ^ (b & (c ^ d)) */
	eor	r0, \c, \d
	and	r0, \b, r0, ror #2
	eor	r0, r0, \d, ror #2
	.endm
	.macro	f_par b, c, d		/* b ^ c ^ d */
	eor	r0, \c, \d
	eor	r0, \b, r0, ror #2
	.endm

/* One round: e = rol(a, 5) + f(b, c, d) + e + K + W[t], W[t] in x. The new
 * a is left in e's register, the caller renames. Maj is written as
 * (b & c) + (d & (b ^ c)): the two terms never share a bit. */
	.macro	round1 f, a, b, c, d, e, x
	add	\e, r8, \e, ror #2
	op_ror	add, \e, \e, \x, Q(rnd)
	add	\e, \e, \a, ror #27
	.ifc	\f, f_maj
	and	r0, \b, \c, ror #2
	add	\e, \e, r0
	eor	r0, \b, \c, ror #2
	and	r0, r0, \d, ror #2
	.else
	\f	\b, \c, \d
	.endif
	add	\e, \e, r0
	.endm

/* Round rnd: W[rnd] is in r9 + rnd % 4; a..e rotate by one register a round. */
	.macro	round2 f, a, b, c, d, e
	.if	(rnd % 4) == 0
	round1	\f, \a, \b, \c, \d, \e, r9
	.elseif	(rnd % 4) == 1
	round1	\f, \a, \b, \c, \d, \e, r10
	.elseif	(rnd % 4) == 2
	round1	\f, \a, \b, \c, \d, \e, r11
	.else
	round1	\f, \a, \b, \c, \d, \e, r12
	.endif
	.endm

	.macro	round f
	.if	(rnd % 5) == 0
	round2	\f, r3, r4, r5, r6, r7
	.elseif	(rnd % 5) == 1
	round2	\f, r7, r3, r4, r5, r6
	.elseif	(rnd % 5) == 2
	round2	\f, r6, r7, r3, r4, r5
	.elseif	(rnd % 5) == 3
	round2	\f, r5, r6, r7, r3, r4
	.else
	round2	\f, r4, r5, r6, r7, r3
	.endif
	.set	rnd, rnd + 1
	.endm

/* Message words rnd..rnd+3 into r9..r12 and the stack (data pointer r1). */
	.macro	msg4
	ldr	r9, [r1], #4
	ldr	r10, [r1], #4
	ldr	r11, [r1], #4
	ldr	r12, [r1], #4
	rev	r9, r9
	rev	r10, r10
	rev	r11, r11
	rev	r12, r12
	strd	r9, r10, [sp, #4 * rnd]
	strd	r11, r12, [sp, #4 * rnd + 8]
	.endm

/* Schedule words t..t+3 (t = rnd) into r9..r12, which hold words t-4..t-1
 * on entry; sp points at word t-16 and moves on to word t-12.
 * W[t] = rol(W[t-16] ^ W[t-14] ^ W[t-8] ^ W[t-3], 1). */
	.macro	sched4
	pop	{r0, r1, r2, lr}		/* words t-16..t-13 */
	op_ror	eor, r9, r0, r2, ROT(rnd - 14, rnd - 16)
	op_ror	eor, r9, r9, r10, ROT(rnd - 3, rnd - 16)
	op_ror	eor, r10, r1, lr, ROT(rnd - 13, rnd - 15)
	op_ror	eor, r10, r10, r11, ROT(rnd - 2, rnd - 15)
	ldrd	r0, r1, [sp, #16]		/* words t-8, t-7 */
	op_ror	eor, r9, r9, r0, ROT(rnd - 8, rnd - 16)
	op_ror	eor, r10, r10, r1, ROT(rnd - 7, rnd - 15)
	ldrd	r0, r1, [sp]			/* words t-12, t-11 */
	op_ror	eor, r11, r2, r0, ROT(rnd - 12, rnd - 14)
	op_ror	eor, r11, r11, r12, ROT(rnd - 1, rnd - 14)
	op_ror	eor, r12, lr, r1, ROT(rnd - 11, rnd - 13)
	op_ror	eor, r12, r12, r9, ROT(rnd, rnd - 13)
	ldrd	r0, r1, [sp, #24]		/* words t-6, t-5 */
	op_ror	eor, r11, r11, r0, ROT(rnd - 6, rnd - 14)
	op_ror	eor, r12, r12, r1, ROT(rnd - 5, rnd - 13)
	.if	rnd < W_BYTES / 4
	strd	r9, r10, [sp, #48]		/* words t..t+3 */
	strd	r11, r12, [sp, #56]
	.endif
	.endm

	.macro	rounds4 f
	.rept	4
	round	\f
	.endr
	.endm

	.global	hsm_sha1_compress
	.type	hsm_sha1_compress, %function
	.thumb_func
hsm_sha1_compress:
	cbnz	r2, .Lstart
	bx	lr
.Lstart:
	push	{r4-r11, lr}
	sub	sp, sp, #FRAME
	str	r0, [sp, #ARG_H]
	str	r1, [sp, #ARG_DATA]
	str	r2, [sp, #ARG_N]
.Lblock:
	ldr	r0, [sp, #ARG_H]
	ldm	r0, {r3-r7}
	ror	r5, r5, #30
	ror	r6, r6, #30
	ror	r7, r7, #30
	ldr	r1, [sp, #ARG_DATA]
	ldr	r8, =0x5a827999
	.set	rnd, 0
	.rept	4
	msg4
	rounds4	f_ch
	.endr
	str	r1, [sp, #ARG_DATA]
	sched4
	rounds4	f_ch
	ldr	r8, =0x6ed9eba1
	.rept	5
	sched4
	rounds4	f_par
	.endr
	ldr	r8, =0x8f1bbcdc
	.rept	5
	sched4
	rounds4	f_maj
	.endr
	ldr	r8, =0xca62c1d6
	.rept	5
	sched4
	rounds4	f_par
	.endr
	sub	sp, sp, #4 * (80 - 16)		/* back from word 64 to 0 */
	ldr	r0, [sp, #ARG_H]
	ldm	r0, {r1, r2, r8, r9, r10}
	add	r1, r1, r3
	add	r2, r2, r4
	add	r8, r8, r5, ror #2
	add	r9, r9, r6, ror #2
	add	r10, r10, r7, ror #2
	stm	r0, {r1, r2, r8, r9, r10}
	ldr	r2, [sp, #ARG_N]
	subs	r2, r2, #1
	str	r2, [sp, #ARG_N]
	bne	.Lblock
	add	sp, sp, #FRAME
	pop	{r4-r11, pc}
	.ltorg
	.size	hsm_sha1_compress, . - hsm_sha1_compress

#endif
