/* hsm_sha1_compress for Thumb-2 (Cortex-M3 and up): the portable C of
 * hsm_sha1.c is used everywhere else. Same contract:
 *   void hsm_sha1_compress(uint32_t h[5], const uint8_t *blocks, size_t nblocks)
 *
 * Written for the fewest instructions (the M3 has no cache and runs most
 * instructions in a cycle; ldm, stm, ldrd, strd and pop move several words
 * in one), fully unrolled with assembler macros:
 * - rol(b, 30) is never computed: c, d and e are kept rotated left by 2
 *   and the rotation is folded into the operand that uses them ("ror #2");
 *   the state arrives unrotated and leaves so (the last additions rotate),
 *   so the first three rounds read c, d and e as they are;
 *   rol(a, 5) is folded the same way ("add e, e, a, ror #27").
 * - The message schedule's rol(x, 1) is never computed either: word j is
 *   stored rotated right by q(j) = -(j / 16) mod 32, each operand is rotated
 *   into place inside the eor or add that reads it.
 * Each block runs in two passes, so that each pass has the registers to
 * move many words per instruction (ldm, stm, ldrd, strd, pop):
 * 1. The schedule, all 80 words, into an array on the stack, four words at
 *    a time: the last eight words stay in r4-r11 (a ring: W[t] replaces
 *    W[t-8], its last use from a register), W[t-16..t-11] are read with one
 *    ldm and one ldrd.
 * 2. The 80 rounds, W read eight words at a time with pop (sp walks up the
 *    array: words below sp are dead, interrupts may use that memory).
 * Message words are read with ldm when the block is word-aligned, else with
 * ldr (which allows unaligned addresses), and rev. */
#if defined(__thumb2__) && !defined(HSM_SHA_PORTABLE)

	.syntax unified
	.thumb
	.text

/* Where the stack frame keeps the arguments, above the schedule. */
#define W_BYTES 320
#define ARG_H (W_BYTES + 0)
#define ARG_DATA (W_BYTES + 4)
#define ARG_END (W_BYTES + 8)
#define FRAME (W_BYTES + 20) /* with the 36 bytes pushed, sp stays 8-byte aligned */

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

/* How far c, d and e are rotated in round rnd: the state arrives as it
 * is, each round's b becomes the next one's c unrotated. */
#define RC (-2 * (rnd >= 1)) /* gas: a true comparison is -1 */
#define RD (-2 * (rnd >= 2))
#define RE (-2 * (rnd >= 3))

/* Round functions into r0 (c, d rotated from round 3 on; b not):
 * f(b, c, d). Only f_ch runs in rounds 0..2. */
	.macro	f_ch b, c, d		/* d ^ (b & (c ^ d)) */
	.if	rnd == 1		/* c rotated, d not yet */
	eor	r0, \d, \c, ror #2
	and	r0, \b, r0
	.else
	eor	r0, \c, \d
	op_ror	and, r0, \b, r0, RC
	.endif
	op_ror	eor, r0, r0, \d, RD
	.endm
	.macro	f_par b, c, d		/* b ^ c ^ d */
	eor	r0, \c, \d
	eor	r0, \b, r0, ror #2
	.endm

/* One round: e = rol(a, 5) + f(b, c, d) + e + K + W[t], W[t] in x. The new
 * a is left in e's register, the caller renames. Maj is written as
 * (b & c) + (d & (b ^ c)): the two terms never share a bit. */
	.macro	round1 f, a, b, c, d, e, x
	op_ror	add, \e, r8, \e, RE
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

/* Round rnd: W[rnd] is popped eight words at a time into r0-r2, r9-r12
 * and lr (r0, the scratch register, is read first); a..e rotate by one
 * register a round. */
	.macro	round2 f, a, b, c, d, e
	.if	(rnd % 8) == 0
	pop	{r0-r2, r9-r12, lr}
	round1	\f, \a, \b, \c, \d, \e, r0
	.elseif	(rnd % 8) == 1
	round1	\f, \a, \b, \c, \d, \e, r1
	.elseif	(rnd % 8) == 2
	round1	\f, \a, \b, \c, \d, \e, r2
	.elseif	(rnd % 8) == 3
	round1	\f, \a, \b, \c, \d, \e, r9
	.elseif	(rnd % 8) == 4
	round1	\f, \a, \b, \c, \d, \e, r10
	.elseif	(rnd % 8) == 5
	round1	\f, \a, \b, \c, \d, \e, r11
	.elseif	(rnd % 8) == 6
	round1	\f, \a, \b, \c, \d, \e, r12
	.else
	round1	\f, \a, \b, \c, \d, \e, lr
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

/* Message words 8i..8i+7 (data pointer r1) into r4-r11 and the array,
 * with one ldm when r1 is word-aligned (aligned is 1). */
	.macro	msg8 i, aligned
	.if	\aligned
	ldm	r1!, {r4-r11}
	.else
	.irp	r, r4, r5, r6, r7, r8, r9, r10, r11
	ldr	\r, [r1], #4
	.endr
	.endif
	.irp	r, r4, r5, r6, r7, r8, r9, r10, r11
	rev	\r, \r
	.endr
	.if	\i == 0
	stm	sp, {r4-r11}
	.else
	add	r0, sp, #32
	stm	r0, {r4-r11}
	.endif
	.endm

/* Schedule words t..t+3 (t = rnd) into w0..w3, which hold W[t-8..t-5] on
 * entry; m3, m2 and m1 hold W[t-3..t-1]. r12 points at W[t-16] and moves
 * on to W[t-12]. W[t] = rol(W[t-16] ^ W[t-14] ^ W[t-8] ^ W[t-3], 1). */
	.macro	sched4r w0, w1, w2, w3, m3, m2, m1
	ldm	r12!, {r0-r3}			/* W[t-16..t-13] */
	op_ror	eor, r0, r0, r2, ROT(rnd - 14, rnd - 16)
	op_ror	eor, r0, r0, \w0, ROT(rnd - 8, rnd - 16)
	op_ror	eor, \w0, r0, \m3, ROT(rnd - 3, rnd - 16)
	op_ror	eor, r1, r1, r3, ROT(rnd - 13, rnd - 15)
	op_ror	eor, r1, r1, \w1, ROT(rnd - 7, rnd - 15)
	op_ror	eor, \w1, r1, \m2, ROT(rnd - 2, rnd - 15)
	ldrd	r0, r1, [r12]			/* W[t-12], W[t-11] */
	op_ror	eor, r2, r2, r0, ROT(rnd - 12, rnd - 14)
	op_ror	eor, r2, r2, \w2, ROT(rnd - 6, rnd - 14)
	op_ror	eor, \w2, r2, \m1, ROT(rnd - 1, rnd - 14)
	op_ror	eor, r3, r3, r1, ROT(rnd - 11, rnd - 13)
	op_ror	eor, r3, r3, \w3, ROT(rnd - 5, rnd - 13)
	op_ror	eor, \w3, r3, \w0, ROT(rnd, rnd - 13)
	strd	\w0, \w1, [r12, #48]
	strd	\w2, \w3, [r12, #56]
	.set	rnd, rnd + 4
	.endm

/* The ring: W[j] in r4 + j % 8. */
	.macro	sched4
	.if	(rnd % 8) == 0
	sched4r	r4, r5, r6, r7, r9, r10, r11
	.else
	sched4r	r8, r9, r10, r11, r5, r6, r7
	.endif
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
	add	r2, r1, r2, lsl #6		/* the end of the data */
	str	r2, [sp, #ARG_END]
.Lblock:				/* the data at r1 */
	tst	r1, #3
	bne	.Lunaligned
	msg8	0, 1
	msg8	1, 1
.Lmessage:
	str	r1, [sp, #ARG_DATA]
	mov	r12, sp
	.set	rnd, 16
	.rept	16
	sched4
	.endr
	ldr	r0, [sp, #ARG_H]
	ldm	r0, {r3-r7}
	ldr	r8, =0x5a827999
	.set	rnd, 0
	.rept	20
	round	f_ch
	.endr
	ldr	r8, =0x6ed9eba1
	.rept	20
	round	f_par
	.endr
	ldr	r8, =0x8f1bbcdc
	.rept	20
	round	f_maj
	.endr
	ldr	r8, =0xca62c1d6
	.rept	20
	round	f_par
	.endr
	/* sp has moved up past the schedule. */
	ldr	r0, [sp, #ARG_H - W_BYTES]
	ldm	r0, {r1, r2, r8, r9, r10}
	add	r3, r3, r1
	add	r4, r4, r2
	add	r5, r8, r5, ror #2
	add	r6, r9, r6, ror #2
	add	r7, r10, r7, ror #2
	stm	r0, {r3-r7}
	sub	sp, sp, #W_BYTES
	ldr	r1, [sp, #ARG_DATA]
	ldr	r2, [sp, #ARG_END]
	cmp	r1, r2
	bne	.Lblock
	add	sp, sp, #FRAME
	pop	{r4-r11, pc}
	/* Out of line, so that the aligned case runs straight through. */
.Lunaligned:
	msg8	0, 0
	msg8	1, 0
	b	.Lmessage
	.ltorg
	.size	hsm_sha1_compress, . - hsm_sha1_compress

#endif
