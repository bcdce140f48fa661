# Self-modifying code (SDM Vol. 3A 11.6): a store into an instruction that has not run yet in
# the same straight-line block, into an opcode, into a function that already ran, a loop that
# patches its own immediate each time round, REP MOVSB over code, and a store through a second
# linear mapping of the code's physical page; in real mode and in 32-bit protected mode.
# The code lives in .data (RAM): the ROM cannot be written.

.include "lib.inc"
TEST_NAME "smc"

.set BUF, SCRATCH + 0x10000      # code copied here with REP MOVSB
.set ALIAS_PHYS, SCRATCH + 0x20000
.set ALIAS_LINEAR, 0x800000      # maps ALIAS_PHYS

  .globl test_main
test_main:
  # --- Real mode -----------------------------------------------------------------------------
  movl $rm_smc, %eax
  call lib_real_call
  CHECK rm_r1, $0x2222, "real: immediate patched a few bytes ahead"
  CHECK rm_r2, $0xFFFF, "real: opcode patched ahead (INC AX -> DEC AX)"
  CHECK rm_r3, $1, "real: the function before the patch"
  CHECK rm_r4, $2, "real: the same function after patching its immediate"
  CHECK rm_r5, $15, "real: a loop patching its own ADD immediate (1+2+3+4+5)"

  # --- 32-bit protected mode -------------------------------------------------------------------
  call pm_smc
  CHECK pm_r1, $0x22222222, "pm32: immediate patched a few bytes ahead"
  CHECK pm_r2, $-1, "pm32: opcode patched ahead (INC EAX -> DEC EAX)"
  CHECK pm_r3, $1, "pm32: the function before the patch"
  CHECK pm_r4, $2, "pm32: the same function after patching its immediate"
  CHECK pm_r5, $15, "pm32: a loop patching its own ADD immediate"

  # REP MOVSB copies new code over code that already ran.
  movl $code_a, %esi
  movl $BUF, %edi
  movl $code_len, %ecx
  rep movsb
  movl $BUF, %ebx
  call *%ebx
  CHECK %eax, $0xA, "REP MOVSB: the first copy runs"
  movl $code_b, %esi
  movl $BUF, %edi
  movl $code_len, %ecx
  rep movsb
  call *%ebx
  CHECK %eax, $0xB, "REP MOVSB: code copied over it runs"

  # A store through another linear address of the same physical page (paging on).
  movl $code_a, %esi
  movl $ALIAS_PHYS, %edi
  movl $code_len, %ecx
  rep movsb
  call lib_page_alloc
  movl %eax, %ebx                # page directory: 0..8 MiB identity (4 MiB pages)
  movl $0x83, (%ebx)
  movl $0x400083, 4(%ebx)
  call lib_page_alloc
  movl $ALIAS_PHYS + 3, (%eax)   # ALIAS_LINEAR -> ALIAS_PHYS
  orl $3, %eax
  movl %eax, 8(%ebx)
  movl %cr4, %eax
  orl $0x10, %eax
  movl %eax, %cr4
  movl %ebx, %cr3
  movl %cr0, %eax
  orl $0x80000000, %eax
  movl %eax, %cr0
  movl $ALIAS_LINEAR, %ebx
  call *%ebx
  movl %eax, %esi
  movb $0xC, ALIAS_PHYS + 1      # the immediate of the MOV, through the identity mapping
  call *%ebx
  movl %eax, %edi
  movl %cr0, %eax
  andl $0x7FFFFFFF, %eax
  movl %eax, %cr0
  CHECK %esi, $0xA, "alias: the code through its second mapping"
  CHECK %edi, $0xC, "alias: a store through the other mapping is seen"
  PASS

  .section .rodata
code_a:
  movl $0xA, %eax
  ret
code_len = . - code_a
code_b:
  movl $0xB, %eax
  ret

  .data
  .balign 4
rm_r1: .long 0
rm_r2: .long 0
rm_r3: .long 0
rm_r4: .long 0
rm_r5: .long 0
pm_r1: .long 0
pm_r2: .long 0
pm_r3: .long 0
pm_r4: .long 0
pm_r5: .long 0

# Real-mode code in RAM, called far by lib_real_call (CS = address >> 4, DS = 0).
  CODE16
rm_smc:
  movw $0x2222, rm_patch + 1
rm_patch:
  movw $0x1111, %ax              # B8 iw: the immediate is at +1
  movw %ax, rm_r1
  xorw %ax, %ax
  movb $0x48, rm_op              # 0x40 INC AX -> 0x48 DEC AX
rm_op:
  incw %ax
  movw %ax, rm_r2
  call rm_func
  movw %ax, rm_r3
  movw $2, rm_func + 1
  call rm_func
  movw %ax, rm_r4
  xorw %ax, %ax
  movw $1, %cx
1:
  movw %cx, rm_add + 1
rm_add:
  .byte 0x05                     # ADD AX, imm16
  .word 0
  incw %cx
  cmpw $6, %cx
  jne 1b
  movw %ax, rm_r5
  lret
rm_func:
  movw $1, %ax
  ret

# The same in 32-bit code.
  CODE32
pm_smc:
  movl $0x22222222, pm_patch + 1
pm_patch:
  movl $0x11111111, %eax         # B8 id
  movl %eax, pm_r1
  xorl %eax, %eax
  movb $0x48, pm_op              # 0x40 INC EAX -> 0x48 DEC EAX
pm_op:
  incl %eax
  movl %eax, pm_r2
  call pm_func
  movl %eax, pm_r3
  movl $2, pm_func + 1
  call pm_func
  movl %eax, pm_r4
  xorl %eax, %eax
  movl $1, %ecx
1:
  movl %ecx, pm_add + 1
pm_add:
  .byte 0x05                     # ADD EAX, imm32
  .long 0
  incl %ecx
  cmpl $6, %ecx
  jne 1b
  movl %eax, pm_r5
  ret
pm_func:
  movl $1, %eax
  ret
