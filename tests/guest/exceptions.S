# Every exception vector an instruction can raise (SDM Vol. 3A 6.15, Table 6-1): the vector,
# whether an error code was pushed and its value, and the return address (the faulting
# instruction for faults, the next one for traps), in 32-bit protected mode; then a subset in
# 64-bit mode (16-byte-aligned frames with SS:RSP, error codes, IST).

.include "lib.inc"
TEST_NAME "exceptions"

# Descriptors this test adds (lib_set_desc attributes: access byte | G D L AVL << 12).
.set SEL_R1CODE, SEL_FREE + 0x00   # ring-1 code: an inner level whose stack is TSS.SS1
.set SEL_NP_DATA, SEL_FREE + 0x08  # data segment, not present
.set SEL_NP_CODE, SEL_FREE + 0x10  # code segment, not present
.set SEL_RO_DATA, SEL_FREE + 0x18  # read-only data
.set SEL_SMALL, SEL_FREE + 0x20    # data, limit 0xFFFF
.set SEL_STACK, SEL_FREE + 0x28    # stack, limit 0x8FFFF
.set SEL_BEYOND, GDT_ENTRIES * 8   # first selector past the GDT limit

.set TSS32_ESP1, 12
.set TSS32_SS1, 16
.set CR0_TS, 1 << 3
.set CR0_EM, 1 << 2
.set CR0_MP, 1 << 1
.set CR0_NE, 1 << 5
.set CR0_AM, 1 << 18
.set EFLAGS_TF, 1 << 8
.set EFLAGS_AC, 1 << 18
.set NP_ADDR, 0x800010             # not mapped by this test's page directory

.macro DESC sel:req, base:req, limit:req, attrs:req
  movl $\sel, %eax
  movl $\base, %edx
  movl $\limit, %ecx
  movl $\attrs, %ebx
  call lib_set_desc
.endm

  .globl test_main
test_main:
  DESC SEL_R1CODE, 0, 0xFFFFFFFF, 0xC0BA
  DESC SEL_NP_DATA, 0, 0xFFFFFFFF, 0xC012
  DESC SEL_NP_CODE, 0, 0xFFFFFFFF, 0xC01A
  DESC SEL_RO_DATA, 0, 0xFFFFFFFF, 0xC090
  DESC SEL_SMALL, 0, 0xFFFF, 0x4092
  DESC SEL_STACK, 0, 0x8FFFF, 0x4092

  # --- #DE (0): DIV by zero and IDIV overflow are faults ------------------------------------
  movl $1, %eax
  xorl %edx, %edx
  xorl %ecx, %ecx
  EXPECT_FAULT 0, none, fault, divl %ecx
  movl $0x80000000, %eax
  movl $-1, %edx
  movl $-1, %ecx
  EXPECT_FAULT 0, none, fault, idivl %ecx
  movw $0x1000, %ax
  movb $0x10, %bl
  EXPECT_FAULT 0, none, fault, divb %bl

  # --- #DB (1): INT1/ICEBP, and TF single-step traps (SDM Vol. 3A 18.3.1.4) --------------------
  EXPECT_FAULT 1, none, trap, .byte 0xF1
  TRY 1f
  pushfl
  orl $EFLAGS_TF, (%esp)
  popfl                          # sets TF: the trap comes after the next instruction
  movl $0x1234, %eax
ss_next:
  NO_FAULT
1:
  CHECK_EXC 1, none, ss_next, "single-step"
  movl exc_flags, %eax
  andl $EFLAGS_TF, %eax
  CHECK %eax, $EFLAGS_TF, "single-step: TF set in the pushed EFLAGS"
  movl %dr6, %eax
  andl $0x4000, %eax
  CHECK %eax, $0x4000, "single-step: DR6.BS"
  # Count the traps: each IRET restores TF; the POPF that clears TF still traps (TF was set).
  SET_ACTION 1, ACT_IRET
  movl $0, vec_count + 1 * 4
  pushfl
  pushfl
  orl $EFLAGS_TF, (%esp)
  popfl
  nop                            # trap 1
  nop                            # trap 2
  incl %eax                      # trap 3
  popfl                          # trap 4, TF clear from here on
  nop
  nop
  SET_ACTION 1, ACT_RESUME
  CHECK vec_count+4, $4, "single-step: one trap per instruction"

  # --- #BP (3), #OF (4): traps -------------------------------------------------------------
  EXPECT_FAULT 3, none, trap, int3
  EXPECT_FAULT 3, none, trap, int $3
  movl $0x7FFFFFFF, %eax
  addl $1, %eax                  # OF = 1
  EXPECT_FAULT 4, none, trap, into
  movl exc_count, %esi
  xorl %eax, %eax                # OF = 0: INTO does nothing
  into
  CHECK exc_count, %esi, "INTO with OF clear raises nothing"

  # --- #BR (5): BOUND compares signed --------------------------------------------------------
  movl $-3, %eax
  movl exc_count, %esi
  boundl %eax, bounds
  CHECK exc_count, %esi, "BOUND -3 within [-5, 5]"
  movl $6, %eax
  EXPECT_FAULT 5, none, fault, boundl %eax, bounds
  movl $-6, %eax
  EXPECT_FAULT 5, none, fault, boundl %eax, bounds
  movw $7, %ax
  EXPECT_FAULT 5, none, fault, boundw %ax, bounds16

  # --- #UD (6) -----------------------------------------------------------------------------
  EXPECT_FAULT 6, none, fault, ud2
  EXPECT_FAULT 6, none, fault, .byte 0xF0, 0x01, 0xC0    # LOCK ADD with a register destination

  # --- #NM (7): CR0.TS / CR0.EM (SDM Vol. 3A Table 2-2) ----------------------------------------
  movl %cr0, %eax
  orl $CR0_TS | CR0_MP, %eax
  movl %eax, %cr0
  EXPECT_FAULT 7, none, fault, fninit
  EXPECT_FAULT 7, none, fault, fwait                      # WAIT with MP and TS
  clts
  movl %cr0, %eax
  orl $CR0_EM, %eax
  movl %eax, %cr0
  EXPECT_FAULT 7, none, fault, fld1
  andl $~(CR0_EM | CR0_MP), %eax
  movl %eax, %cr0

  # --- #GP (13): selector and zero error codes ------------------------------------------------
  movw $SEL_CODE32, %ax
  EXPECT_FAULT 13, SEL_CODE32, fault, movw %ax, %ss       # SS must be writable data
  movw $SEL_BEYOND, %ax
  EXPECT_FAULT 13, SEL_BEYOND, fault, movw %ax, %ds       # past the GDT limit
  movw $SEL_RO_DATA, %ax
  movw %ax, %es
  EXPECT_FAULT 13, 0, fault, movl %eax, %es:0x2000        # write to read-only data
  movw $SEL_SMALL, %ax
  movw %ax, %es
  EXPECT_FAULT 13, 0, fault, movl %es:0xFFFE, %eax        # runs past the 64 KiB limit
  xorl %eax, %eax
  movw %ax, %es
  EXPECT_FAULT 13, 0, fault, movl %es:0x2000, %eax        # null segment
  movw $SEL_DATA32, %ax
  movw %ax, %es

  # --- #NP (11): not-present segments and gates ----------------------------------------------
  movw $SEL_NP_DATA, %ax
  EXPECT_FAULT 11, SEL_NP_DATA, fault, movw %ax, %fs
  EXPECT_FAULT 11, SEL_NP_CODE, fault, ljmp $SEL_NP_CODE, $0
  # INT3 through a not-present gate: #NP with the IDT bit (2) set, EXT clear for INT n; INT3 is
  # benign so no #DF (SDM Vol. 3A 6.13, Table 6-5).
  andb $0x7F, idt32 + 3 * 8 + 5
  EXPECT_FAULT 11, 3*8+2, fault, int3
  orb $0x80, idt32 + 3 * 8 + 5

  # --- #SS (12) ------------------------------------------------------------------------------
  movw $SEL_NP_DATA, %ax
  EXPECT_FAULT 12, SEL_NP_DATA, fault, movw %ax, %ss      # not-present stack: #SS(selector)
  TRY 1f
  movw $SEL_STACK, %ax
  movw %ax, %ss                  # limit 0x8FFFF still covers the stack
ss_limit:
  movl %ss:0x90000, %eax
  NO_FAULT
1:
  CHECK_EXC 12, 0, ss_limit, "SS limit"

  # --- #DF (8): contributory during contributory (SDM Vol. 3A Table 6-5) ------------------------
  andb $0x7F, idt32 + 13 * 8 + 5   # #GP's gate not present: #GP -> #NP -> #DF
  TRY 1f
  movw $SEL_CODE32, %ax
  movw %ax, %ss
  NO_FAULT
1:
  CHECK exc_vector, $8, "#GP then #NP: vector"
  CHECK exc_frame_size, $16, "#GP then #NP: #DF pushes an error code"
  CHECK exc_error, $0, "#GP then #NP: #DF error code"
  orb $0x80, idt32 + 13 * 8 + 5
  andb $0x7F, idt32 + 0 * 8 + 5    # the same from #DE
  TRY 1f
  xorl %ecx, %ecx
  divl %ecx
  NO_FAULT
1:
  CHECK exc_vector, $8, "#DE then #NP: vector"
  CHECK exc_error, $0, "#DE then #NP: #DF error code"
  orb $0x80, idt32 + 0 * 8 + 5

  # --- #PF (14), and #PF then #NP -> #DF -------------------------------------------------------
  call lib_page_alloc
  movl $0x00000083, (%eax)       # 0..8 MiB identity with 4 MiB pages; NP_ADDR unmapped
  movl $0x00400083, 4(%eax)
  movl %eax, %cr3
  movl %cr4, %eax
  orl $0x10, %eax
  movl %eax, %cr4
  movl %cr0, %eax
  orl $0x80000000, %eax
  movl %eax, %cr0
  EXPECT_FAULT 14, 0, fault, movl NP_ADDR, %eax
  CHECK exc_cr2, $NP_ADDR, "#PF: CR2"
  EXPECT_FAULT 14, 2, fault, movl %eax, NP_ADDR+4
  CHECK exc_cr2, $NP_ADDR+4, "#PF write: CR2"
  andb $0x7F, idt32 + 14 * 8 + 5
  TRY 1f
  movl NP_ADDR + 8, %eax
  NO_FAULT
1:
  CHECK exc_vector, $8, "#PF then #NP: vector"
  CHECK exc_error, $0, "#PF then #NP: #DF error code"
  CHECK exc_cr2, $NP_ADDR+8, "#PF then #NP: CR2"
  orb $0x80, idt32 + 14 * 8 + 5
  movl %cr0, %eax
  andl $0x7FFFFFFF, %eax
  movl %eax, %cr0

  # --- #MF (16): an unmasked x87 exception, reported at the next waiting instruction ----------
  movl %cr0, %eax
  orl $CR0_NE, %eax
  movl %eax, %cr0
  fninit
  fldcw fcw_zm_unmasked
  fldz
  fld1
  fdiv %st(1), %st               # 1 / 0: ZE, pending
  EXPECT_FAULT 16, none, fault, fwait
  fnclex
  fninit

  # --- #XM (19): an unmasked SSE exception with CR4.OSXMMEXCPT (else #UD) ---------------------
  movl %cr4, %eax
  orl $(1 << 9) | (1 << 10), %eax  # OSFXSR, OSXMMEXCPT
  movl %eax, %cr4
  ldmxcsr mxcsr_zm_unmasked
  xorps %xmm1, %xmm1
  movss one_f, %xmm0
  EXPECT_FAULT 19, none, fault, divss %xmm1, %xmm0
  andl $~(1 << 10), %eax
  movl %eax, %cr4
  EXPECT_FAULT 6, none, fault, divss %xmm1, %xmm0
  ldmxcsr mxcsr_default

  # --- Ring 3: #AC (17), and #TS (10) from an inner-level gate --------------------------------
  movl %cr0, %eax
  orl $CR0_AM, %eax
  movl %eax, %cr0
  movl $misaligned, %ebx
  movl (%ebx), %eax              # CPL 0: never checked
  pushfl
  orl $EFLAGS_AC, (%esp)
  popfl
  movl (%ebx), %eax              # CPL 0 with AC: still not checked
  TRY 1f
  call lib_to_ring3
  movl aligned, %eax             # aligned: fine
  movw aligned + 2, %ax
ac_insn:
  movl (%ebx), %eax
  NO_FAULT
1:
  CHECK exc_vector, $17, "#AC: vector"
  CHECK exc_error, $0, "#AC: error code"
  CHECK exc_rip, $ac_insn, "#AC: return address"
  CHECK exc_cs, $SEL_UCODE32, "#AC: pushed CS"
  CHECK exc_ss, $SEL_UDATA32, "#AC: pushed SS"
  CHECK exc_frame_sp, $tss_stack0_top-24, "#AC: error code and SS:ESP on the ring-0 stack"
  movl %cr0, %eax
  andl $~CR0_AM, %eax
  movl %eax, %cr0
  pushfl
  andl $~EFLAGS_AC, (%esp)
  popfl

  # INT 0x81 (DPL 3) -> ring-1 code: the stack comes from TSS.SS1, which is not a ring-1
  # stack: #TS(SS1 selector), EXT clear (SDM Vol. 3A 6.12.1, 8.3 Table 8-2... #TS).
  movl $0x81, %eax
  movl $ring1_handler, %edx
  movl $GATE_INT_DPL3 | (SEL_R1CODE << 16), %ecx
  call lib_set_gate32
  movl $stack3_top - 256, tss32 + TSS32_ESP1
  movl $SEL_DATA32, tss32 + TSS32_SS1     # RPL/DPL 0: wrong for CPL 1
  TRY 1f
  call lib_to_ring3
ts_insn:
  int $0x81
  NO_FAULT
1:
  CHECK exc_vector, $10, "#TS: vector"
  CHECK exc_error, $SEL_DATA32, "#TS: error code is TSS.SS1"
  CHECK exc_rip, $ts_insn, "#TS: return address is the INT"
  CHECK exc_cs, $SEL_UCODE32, "#TS: pushed CS"
  CHECK exc_frame_sp, $tss_stack0_top-24, "#TS: error code and SS:ESP on the ring-0 stack"
  movl $0, tss32 + TSS32_SS1               # null SS1: #TS(0)
  TRY 1f
  call lib_to_ring3
  int $0x81
  NO_FAULT
1:
  CHECK exc_vector, $10, "#TS null SS: vector"
  CHECK exc_error, $0, "#TS null SS: error code"

  # A DPL-0 gate from ring 3: #GP(vector * 8 + 2).
  TRY 1f
  call lib_to_ring3
gp_int_insn:
  int $0x30
  NO_FAULT
1:
  CHECK exc_vector, $13, "INT to a DPL-0 gate from CPL 3: vector"
  CHECK exc_error, $0x30*8+2, "INT to a DPL-0 gate from CPL 3: error code"
  CHECK exc_rip, $gp_int_insn, "INT to a DPL-0 gate from CPL 3: return address"

  # --- 64-bit mode: 16-byte-aligned frames with SS:RSP (SDM Vol. 3A 6.14) ---------------------
  call lib_enter_long
  CODE64
  xorl %ecx, %ecx
  EXPECT_FAULT 0, none, fault, divl %ecx
  EXPECT_FAULT 6, none, fault, ud2
  EXPECT_FAULT 3, none, trap, int3
  CHECK exc_cs, $SEL_CODE64, "64-bit #BP: pushed CS"
  CHECK exc_ss, $SEL_DATA64, "64-bit #BP: pushed SS"
  movq %rsp, %rax
  CHECK exc_sp, %rax, "64-bit #BP: pushed RSP"
  subq $8, %rsp                  # an unaligned RSP: the frame still starts 16-byte aligned
  EXPECT_FAULT 6, none, fault, ud2
  addq $8, %rsp
  movw $SEL_CODE32, %ax
  EXPECT_FAULT 13, SEL_CODE32, fault, movw %ax, %ss
  movabsq $0x8000000000000000, %rbx
  EXPECT_FAULT 13, 0, fault, movq (%rbx), %rax              # non-canonical
  movabsq $0x8000000000000000, %rbp
  EXPECT_FAULT 12, 0, fault, movq (%rbp), %rax              # non-canonical through SS
  movabsq $0x100000010, %rbx
  EXPECT_FAULT 14, 0, fault, movq (%rbx), %rax              # above the 4 GiB identity map
  CHECK exc_cr2, %rbx, "64-bit #PF: CR2"
  # IST: the #BP gate switches to IST1 even without a privilege change (SDM Vol. 3A 6.14.5).
  movl $3, %eax
  movl $stubs64 + 3 * 16, %edx
  movl $GATE_INT | (1 << 8), %ecx
  call lib_set_gate64_64
  TRY 1f
  int3
ist_next:
  NO_FAULT
1:
  CHECK exc_vector, $3, "IST: vector"
  CHECK exc_rip, $ist_next, "IST: return address"
  CHECK exc_frame_sp, $ist1_top-40, "IST: the frame is on the IST1 stack"
  movq exc_saved_sp, %rax
  CHECK exc_sp, %rax, "IST: the pushed RSP is the interrupted one"
  PASS

  CODE32
# Never reached: the #TS is raised before any ring-1 code runs.
ring1_handler:
  FAIL "ring-1 handler ran"

  .section .rodata
  .balign 8
bounds: .long -5, 5
bounds16: .word -5, 5
fcw_zm_unmasked: .word 0x037B
mxcsr_zm_unmasked: .long 0x1D80
mxcsr_default: .long 0x1F80
one_f: .float 1.0

  .data
  .balign 8
aligned: .long 0x11223344
misaligned_pad: .byte 0
misaligned: .long 0x55667788
