/* hsm_sha256_compress for Thumb-2 (Cortex-M3 and up): the portable C of
 * hsm_sha256.c is used everywhere else, and is the reference the tests
 * compare this with. Same contract:
 *   void hsm_sha256_compress(uint32_t h[8], const uint8_t *blocks, size_t nblocks)
 *
 * Written for the fewest instructions (the M3 has no cache and runs
 * most instructions in a cycle; ldm, stm, ldrd, strd, push and pop move
 * several words in one instruction), fully unrolled with assembler macros.
 * Each block runs in two passes:
 * 1. The message schedule, all 64 words, into two arrays on the stack: W
 *    (the words themselves, which later words are computed from) and WK
 *    (W[t] + K[t], all a round needs). Two words at a time: W[t] and
 *    W[t+1] do not depend on each other. The last seven words stay in
 *    r5-r11 (a ring: W[t] is computed in place of W[t-7], its last use),
 *    so only W[t-16..t-14] and K come from memory.
 *    sigma0(x) = ror(x ^ ror(x, 11), 7) ^ (x >> 3), sigma1(x) =
 *    ror(x ^ ror(x, 2), 17) ^ (x >> 10).
 * 2. The 64 rounds, a..h in r4-r11 renamed rather than moved, W + K read
 *    four words at a time with pop (sp walks up the WK array: words below
 *    sp are dead, interrupts may use that memory). Every rotation is
 *    folded into the operand that uses it:
 *    - Sigma1(e) = ror(e ^ ror(e, 5) ^ ror(e, 19), 6): two eor, and the
 *      last rotation inside the add; Sigma0(a) likewise with 11, 20 and 2.
 *    - Maj(a, b, c) = b ^ ((a ^ b) & (b ^ c)): a ^ b is the next round's
 *      b ^ c, so it is carried in r2 / r3 (alternately).
 * Message words are read with ldm when the block is word-aligned, else
 * with ldr (which allows unaligned addresses), and rev. */
#if defined(__thumb2__) && !defined(HSM_SHA_PORTABLE)

	.syntax unified
	.thumb
	.text

/* The stack frame: WK[64], then W[0..49] (later words are never read
 * back), then the arguments. */
#define W_OFF 256
#define W_WORDS 50
#define ARG_H (W_OFF + 4 * W_WORDS)
#define ARG_DATA (ARG_H + 4)
#define ARG_END (ARG_H + 8)
#define FRAME (ARG_H + 12) /* with the 36 bytes pushed, sp stays 8-byte aligned */

/* Message words 8i..8i+7 of the block at r1 into W (at r0, which moves
 * on) and, plus K (at lr, which moves on), into WK. With ldm when r1 is
 * word-aligned (aligned is 1). */
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
	stm	r0!, {r4-r11}
	.if	\i == 0
	ldm	lr!, {r2, r3, r12}
	add	r4, r4, r2
	add	r5, r5, r3
	add	r6, r6, r12
	ldm	lr!, {r2, r3, r12}
	add	r7, r7, r2
	add	r8, r8, r3
	add	r9, r9, r12
	ldrd	r2, r3, [lr], #8
	add	r10, r10, r2
	add	r11, r11, r3
	stm	sp, {r4-r11}
	.else
	/* W[9..15] stay in r5-r11 for the schedule: W + K in r0-r3. */
	str	r1, [sp, #ARG_DATA]
	ldm	lr!, {r0-r3}
	add	r0, r0, r4
	add	r1, r1, r5
	add	r2, r2, r6
	add	r3, r3, r7
	add	r12, sp, #32
	stm	r12!, {r0-r3}
	ldm	lr!, {r0-r3}
	add	r0, r0, r8
	add	r1, r1, r9
	add	r2, r2, r10
	add	r3, r3, r11
	stm	r12, {r0-r3}
	.endif
	.endm

/* Schedule words t = rnd and t + 1, computed in ra and rb, which hold
 * W[t-7] and W[t-6]; rm2 and rm1 hold W[t-2] and W[t-1]; l0 holds
 * W[t-16], l1 and l2 receive W[t-15] and W[t-14] (l2 is the next l0).
 * K[t], K[t+1] come from lr, which moves on, into r4 and r12. */
	.macro	sched2 ra, rb, rm2, rm1, l0, l1, l2
	ldrd	\l1, \l2, [sp, #W_OFF + 4 * (rnd - 15)]
	ldrd	r4, r12, [lr], #8
	add	\ra, \ra, \l0
	add	\rb, \rb, \l1
	eor	r0, \l1, \l1, ror #11
	lsr	\l1, \l1, #3
	eor	\l1, \l1, r0, ror #7
	add	\ra, \ra, \l1			/* + sigma0(W[t-15]) */
	eor	r0, \l2, \l2, ror #11
	ror	r0, r0, #7
	eor	r0, r0, \l2, lsr #3
	add	\rb, \rb, r0			/* + sigma0(W[t-14]) */
	eor	r0, \rm2, \rm2, ror #2
	ror	r0, r0, #17
	eor	r0, r0, \rm2, lsr #10
	add	\ra, \ra, r0			/* + sigma1(W[t-2]) */
	eor	r0, \rm1, \rm1, ror #2
	ror	r0, r0, #17
	eor	r0, r0, \rm1, lsr #10
	add	\rb, \rb, r0			/* + sigma1(W[t-1]) */
	.if	rnd < W_WORDS
	strd	\ra, \rb, [sp, #W_OFF + 4 * rnd]
	.endif
	add	r4, r4, \ra
	add	r12, r12, \rb
	strd	r4, r12, [sp, #4 * rnd]
	.set	rnd, rnd + 2
	.endm

/* Round rnd: W[rnd] + K[rnd] is in r0, r1, r12 or lr (rnd % 4), popped
 * every fourth round (r0, the scratch register, is free at the start of
 * a round). x receives a ^ b; y holds b ^ c (the last round's x). The new
 * a is left in h's register and the new e in d's: the caller renames. */
	.macro	round a, b, c, d, e, f, g, h, x, y
	.if	(rnd % 4) == 0
	pop	{r0, r1, r12, lr}
	add	\h, \h, r0
	.elseif	(rnd % 4) == 1
	add	\h, \h, r1
	.elseif	(rnd % 4) == 2
	add	\h, \h, r12
	.else
	add	\h, \h, lr
	.endif
	eor	r0, \e, \e, ror #5
	eor	r0, r0, \e, ror #19
	add	\h, \h, r0, ror #6		/* + Sigma1(e) */
	eor	r0, \f, \g
	and	r0, r0, \e
	eor	r0, r0, \g
	add	\h, \h, r0			/* + Ch(e, f, g) */
	add	\d, \d, \h
	eor	r0, \a, \a, ror #11
	eor	r0, r0, \a, ror #20
	add	\h, \h, r0, ror #2		/* + Sigma0(a) */
	eor	\x, \a, \b
	and	\y, \y, \x
	eor	\y, \y, \b
	add	\h, \h, \y			/* + Maj(a, b, c) */
	.set	rnd, rnd + 1
	.endm

	.macro	rounds8
	round	r4, r5, r6, r7, r8, r9, r10, r11, r2, r3
	round	r11, r4, r5, r6, r7, r8, r9, r10, r3, r2
	round	r10, r11, r4, r5, r6, r7, r8, r9, r2, r3
	round	r9, r10, r11, r4, r5, r6, r7, r8, r3, r2
	round	r8, r9, r10, r11, r4, r5, r6, r7, r2, r3
	round	r7, r8, r9, r10, r11, r4, r5, r6, r3, r2
	round	r6, r7, r8, r9, r10, r11, r4, r5, r2, r3
	round	r5, r6, r7, r8, r9, r10, r11, r4, r3, r2
	.endm

	.global	hsm_sha256_compress
	.type	hsm_sha256_compress, %function
	.thumb_func
hsm_sha256_compress:
	cbnz	r2, .Lstart
	bx	lr
.Lstart:
	push	{r4-r11, lr}
	sub	sp, sp, #FRAME
	str	r0, [sp, #ARG_H]
	add	r2, r1, r2, lsl #6		/* the end of the data */
	str	r2, [sp, #ARG_END]
.Lblock:
	movw	lr, #:lower16:.Lk256		/* a literal would be out of reach */
	movt	lr, #:upper16:.Lk256
	add	r0, sp, #W_OFF
	tst	r1, #3
	bne	.Lunaligned
	msg8	0, 1
	msg8	1, 1
.Lmessage:
	ldr	r1, [sp, #W_OFF]		/* W[0] */
	.set	rnd, 16
	sched2	r5, r6, r10, r11, r1, r2, r3	/* W[16], W[17] */
	sched2	r7, r8, r5, r6, r3, r1, r2	/* W[18], W[19] */
	sched2	r9, r10, r7, r8, r2, r3, r1	/* W[20], W[21] */
	sched2	r11, r5, r9, r10, r1, r2, r3	/* W[22], W[23] */
	sched2	r6, r7, r11, r5, r3, r1, r2	/* W[24], W[25] */
	sched2	r8, r9, r6, r7, r2, r3, r1	/* W[26], W[27] */
	sched2	r10, r11, r8, r9, r1, r2, r3	/* W[28], W[29] */
	sched2	r5, r6, r10, r11, r3, r1, r2	/* W[30], W[31] */
	sched2	r7, r8, r5, r6, r2, r3, r1	/* W[32], W[33] */
	sched2	r9, r10, r7, r8, r1, r2, r3	/* W[34], W[35] */
	sched2	r11, r5, r9, r10, r3, r1, r2	/* W[36], W[37] */
	sched2	r6, r7, r11, r5, r2, r3, r1	/* W[38], W[39] */
	sched2	r8, r9, r6, r7, r1, r2, r3	/* W[40], W[41] */
	sched2	r10, r11, r8, r9, r3, r1, r2	/* W[42], W[43] */
	sched2	r5, r6, r10, r11, r2, r3, r1	/* W[44], W[45] */
	sched2	r7, r8, r5, r6, r1, r2, r3	/* W[46], W[47] */
	sched2	r9, r10, r7, r8, r3, r1, r2	/* W[48], W[49] */
	sched2	r11, r5, r9, r10, r2, r3, r1	/* W[50], W[51] */
	sched2	r6, r7, r11, r5, r1, r2, r3	/* W[52], W[53] */
	sched2	r8, r9, r6, r7, r3, r1, r2	/* W[54], W[55] */
	sched2	r10, r11, r8, r9, r2, r3, r1	/* W[56], W[57] */
	sched2	r5, r6, r10, r11, r1, r2, r3	/* W[58], W[59] */
	sched2	r7, r8, r5, r6, r3, r1, r2	/* W[60], W[61] */
	sched2	r9, r10, r7, r8, r2, r3, r1	/* W[62], W[63] */
	ldr	r0, [sp, #ARG_H]
	ldm	r0, {r4-r11}
	eor	r3, r5, r6			/* b ^ c for round 0 */
	.set	rnd, 0
	.rept	8
	rounds8
	.endr
	/* sp has moved up past WK. */
	ldr	r0, [sp, #ARG_H - 256]
	ldm	r0, {r1, r2, r3, r12, lr}
	add	r4, r4, r1
	add	r5, r5, r2
	add	r6, r6, r3
	add	r7, r7, r12
	add	r8, r8, lr
	ldrd	r1, r2, [r0, #20]
	ldr	r3, [r0, #28]
	add	r9, r9, r1
	add	r10, r10, r2
	add	r11, r11, r3
	stm	r0, {r4-r11}
	sub	sp, sp, #256
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
	.size	hsm_sha256_compress, . - hsm_sha256_compress

	.section .rodata
	.align	2
.Lk256:
	.word	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5
	.word	0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5
	.word	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3
	.word	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174
	.word	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc
	.word	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da
	.word	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7
	.word	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967
	.word	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13
	.word	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85
	.word	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3
	.word	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070
	.word	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5
	.word	0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3
	.word	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208
	.word	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2

#endif
