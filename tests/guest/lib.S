# Bare-metal guest test library: reset vector, entry to 32-bit protected mode, console, checks,
# exception recording (32-bit and 64-bit IDTs), GDT/TSS, real-mode calls, long-mode entry and a
# page allocator. Linked with one test (see lib.inc for the interface, link.ld for the layout).

.include "lib.inc"

# ==============================================================================================
# Reset: the CPU starts at F000:FFF0 with CS.base = 0xFFFF0000 (SDM Vol. 3A 10.1.4); the far jump
# reloads CS with the real-mode base 0xF0000, which is the image's alias below 1 MiB.
# ==============================================================================================
  .section .reset, "ax"
  CODE16
  .globl reset_vector
reset_vector:
  ljmp $0xF000, $(start16 - ROM_BASE)

  .section .text
  CODE16
start16:
  cli
  cld
  xorw %ax, %ax
  movw %ax, %ds
  movw %ax, %ss
  movw $RM_STACK_TOP, %sp
  # Fast A20 on (port 0x92 bit 1; bit 0 would reset): the page pool lies above 1 MiB.
  inb $0x92, %al
  orb $2, %al
  andb $0xFE, %al
  outb %al, $0x92
  # The boot GDT is in ROM (its accessed bits cannot be written, which loads do not need).
  lgdtl %cs:(boot_gdt_ptr - ROM_BASE)
  movl %cr0, %eax
  orl $1, %eax
  movl %eax, %cr0
  ljmpl $SEL_CODE32, $start32

  CODE32
start32:
  movw $SEL_DATA32, %ax
  movw %ax, %ds
  movw %ax, %es
  movw %ax, %ss
  movw %ax, %fs
  movw %ax, %gs
  movl $stack0_top, %esp
  # .data is linked in RAM and loaded in ROM: copy it; clear .bss.
  movl $__data_lma, %esi
  movl $__data_start, %edi
  movl $__data_end, %ecx
  subl %edi, %ecx
  rep movsb
  movl $__bss_start, %edi
  movl $__bss_end, %ecx
  subl %edi, %ecx
  xorl %eax, %eax
  rep stosb
  lgdt gdt_ptr
  ljmp $SEL_CODE32, $1f
1:
  call lib_build_idt32
  lidt idt32_ptr
  call lib_build_ivt
  # TSS: ring-0 stack for privilege changes; I/O bitmap right after the 104-byte TSS, all
  # ports denied (SDM Vol. 1 19.5.2), plus the terminating 0xFF byte.
  movl $tss_stack0_top, tss32 + TSS32_ESP0
  movl $SEL_DATA32, tss32 + TSS32_SS0
  movw $TSS32_SIZE, tss32 + TSS32_IOMAP
  movl $tss32 + TSS32_SIZE, %edi
  movl $8192 + 1, %ecx
  movb $0xFF, %al
  rep stosb
  movl $SEL_TSS32, %eax
  movl $tss32, %edx
  movl $TSS32_SIZE + 8192, %ecx
  movl $0x0089, %ebx
  call lib_set_desc
  movl $SEL_TSS32, %eax
  ltr %ax
  # 64-bit TSS descriptor (loaded by lib_enter_long; its upper half stays zero): no I/O bitmap
  # (the bitmap base is beyond the limit).
  movl $SEL_TSS64, %eax
  movl $tss64, %edx
  movl $TSS32_SIZE - 1, %ecx
  movl $0x0089, %ebx
  call lib_set_desc
  movl $tss_stack0_top, tss64 + TSS64_RSP0
  movl $ist1_top, tss64 + TSS64_IST1
  movw $TSS32_SIZE, tss64 + TSS32_IOMAP
  movl $PT_POOL, pt_next
  movl $str_start, %esi
  call lib_puts32
  movl $test_name, %esi
  call lib_puts32
  movl $str_newline, %esi
  call lib_puts32
  jmp test_main

# ==============================================================================================
# Console, checks, pass/fail. The same routines are assembled for 32-bit and 64-bit code; they
# use 32-bit registers only (addresses are below 4 GiB).
# ==============================================================================================
.macro CONSOLE bits
# lib_puts\bits: prints the NUL-terminated string at %esi. Clobbers eax, esi.
  .globl lib_puts\bits
lib_puts\bits:
1:
  movb (%esi), %al
  testb %al, %al
  jz 2f
  outb %al, $DEBUGCON
  incl %esi
  jmp 1b
2:
  ret

# lib_puthex\bits: prints %eax as 8 hex digits. Clobbers ecx, edx.
  .globl lib_puthex\bits
lib_puthex\bits:
  movl $8, %ecx
1:
  roll $4, %eax
  movl %eax, %edx
  andl $15, %edx
  movzbl hex_digits(%edx), %edx
  xchgl %eax, %edx
  outb %al, $DEBUGCON
  xchgl %eax, %edx
  decl %ecx
  jnz 1b
  ret

# lib_putdec\bits: prints %eax in decimal. Clobbers eax, ecx, edx, esi.
lib_putdec\bits:
  movl $dec_buf + 11, %esi
  movb $0, (%esi)
  movl $10, %ecx
1:
  xorl %edx, %edx
  divl %ecx
  addb $'0', %dl
  decl %esi
  movb %dl, (%esi)
  testl %eax, %eax
  jnz 1b
  jmp lib_puts\bits

# Prints "FAIL <test>: check #<n>: " (or "FAIL <test>: ").
fail_prefix\bits:
  movl $str_fail, %esi
  call lib_puts\bits
  movl $test_name, %esi
  call lib_puts\bits
  movl $str_colon, %esi
  call lib_puts\bits
  ret

check_prefix\bits:
  call fail_prefix\bits
  movl $str_check, %esi
  call lib_puts\bits
  movl checks_done, %eax
  call lib_putdec\bits
  movl $str_colon, %esi
  call lib_puts\bits
  ret

exit_fail\bits:
  movl $EXIT_FAIL, %eax
  outl %eax, $EXIT_PORT
1:
  cli
  hlt
  jmp 1b

  .globl lib_pass\bits
lib_pass\bits:
  cli
  movl $str_pass, %esi
  call lib_puts\bits
  movl $test_name, %esi
  call lib_puts\bits
  movl $str_colon, %esi
  call lib_puts\bits
  movl checks_done, %eax
  call lib_putdec\bits
  movl $str_checks, %esi
  call lib_puts\bits
  movl $EXIT_PASS, %eax
  outl %eax, $EXIT_PORT
1:
  hlt
  jmp 1b

# lib_fail\bits: %esi = message; ends the test. At CPL 3 it goes through the DPL-3 gate
# LIB_FAIL_VECTOR to report at CPL 0.
  .globl lib_fail\bits
lib_fail\bits:
  movl %esi, fail_msg
  movw $2, fail_kind
  movw %cs, %ax
  testb $3, %al
  jz 1f
  int $LIB_FAIL_VECTOR
1:
  cli
  call check_prefix\bits
  movl fail_msg, %esi
  call lib_puts\bits
  movl $str_newline, %esi
  call lib_puts\bits
  jmp exit_fail\bits

# The handler of LIB_FAIL_VECTOR: a failure reported at CPL 3 (fail_kind: 1 check, 2 FAIL).
user_fail\bits:
  cli
  movl $SEL_DATA32, %eax
  movw %ax, %ds
  movw %ax, %es
  movl $fail_stack_top, %esp
  movl fail_msg, %esi
  cmpw $1, fail_kind
  je report_check\bits
  call check_prefix\bits
  movl fail_msg, %esi
  call lib_puts\bits
  movl $str_newline, %esi
  call lib_puts\bits
  jmp exit_fail\bits

# A failed check: fail_msg, fail_got, fail_exp (fail_wide: print 64 bits).
report_check\bits:
  call check_prefix\bits
  movl fail_msg, %esi
  call lib_puts\bits
  movl $str_got, %esi
  call lib_puts\bits
  movl $fail_got, %ebx
  call puthex_var\bits
  movl $str_expected, %esi
  call lib_puts\bits
  movl $fail_exp, %ebx
  call puthex_var\bits
  movl $str_newline, %esi
  call lib_puts\bits
  jmp exit_fail\bits

# Prints the value at (%ebx): 64 bits when fail_wide, else 32.
puthex_var\bits:
  cmpb $0, fail_wide
  je 1f
  movl 4(%ebx), %eax
  call lib_puthex\bits
  movb $'_', %al
  outb %al, $DEBUGCON
1:
  movl (%ebx), %eax
  jmp lib_puthex\bits

# An exception nobody expected: vector, error code, CS:RIP, RFLAGS, CR2.
unexpected\bits:
  call fail_prefix\bits
  movl $str_unexpected, %esi
  call lib_puts\bits
  movl exc_vector, %eax
  call lib_puthex\bits
  movl $str_error, %esi
  call lib_puts\bits
  movl exc_error, %eax
  call lib_puthex\bits
  movl $str_at, %esi
  call lib_puts\bits
  movl exc_cs, %eax
  call lib_puthex\bits
  movb $':', %al
  outb %al, $DEBUGCON
  movl exc_rip + 4, %eax
  call lib_puthex\bits
  movl exc_rip, %eax
  call lib_puthex\bits
  movl $str_flags, %esi
  call lib_puts\bits
  movl exc_flags, %eax
  call lib_puthex\bits
  movl $str_cr2, %esi
  call lib_puts\bits
  movl exc_cr2, %eax
  call lib_puthex\bits
  movl $str_after, %esi
  call lib_puts\bits
  movl checks_done, %eax
  call lib_putdec\bits
  movl $str_newline, %esi
  call lib_puts\bits
  jmp exit_fail\bits
.endm

  CODE32
  CONSOLE 32
  CODE64
  CONSOLE 64

# lib_check32: 4(%esp) message, 8(%esp) got, 12(%esp) expected (pushed by CHECK); pops them.
# Preserves registers and flags.
  CODE32
  .globl lib_check32
lib_check32:
  pushfl
  pushl %ds
  pushl %eax
  movw %cs, %ax
  testb $3, %al
  jnz 1f                         # CPL 3: DS is the flat user data segment already
  movw $SEL_DATA32, %ax
  movw %ax, %ds
1:
  incl checks_done
  movl 20(%esp), %eax
  cmpl 24(%esp), %eax
  jne 1f
  popl %eax
  popl %ds
  popfl
  ret $12
1:
  movl %eax, fail_got
  movl 24(%esp), %eax
  movl %eax, fail_exp
  movl 16(%esp), %eax
  movl %eax, fail_msg
  movb $0, fail_wide
  movw $1, fail_kind
  movw %cs, %ax
  testb $3, %al
  jz fail_state32
  int $LIB_FAIL_VECTOR

# Reloads flat segments and a private stack, then reports (paging, if on, must map the lib).
fail_state32:
  cli
  movw $SEL_DATA32, %ax
  movw %ax, %ds
  movw %ax, %es
  movw %ax, %ss
  movl $fail_stack_top, %esp
  jmp report_check32

  CODE64
  .globl lib_check64
lib_check64:
  pushfq
  pushq %rax
  incl checks_done
  movq 32(%rsp), %rax
  cmpq 40(%rsp), %rax
  jne 1f
  popq %rax
  popfq
  ret $24
1:
  movq %rax, fail_got
  movq 40(%rsp), %rax
  movq %rax, fail_exp
  movq 24(%rsp), %rax
  movl %eax, fail_msg
  movb $1, fail_wide
  movw $1, fail_kind
  movw %cs, %ax
  testb $3, %al
  jz 2f
  int $LIB_FAIL_VECTOR
2:
  cli
  movl $fail_stack_top, %esp
  jmp report_check64

# lib_check16: real mode, reached with a far call: 6(%bp) message, 10(%bp) got, 14(%bp) expected.
  CODE16
  .globl lib_check16
lib_check16:
  pushw %bp
  movw %sp, %bp
  pushfw
  pushw %ds
  pushl %eax
  xorw %ax, %ax
  movw %ax, %ds
  incl checks_done
  movl 10(%bp), %eax
  cmpl 14(%bp), %eax
  jne 1f
  popl %eax
  popw %ds
  popfw
  popw %bp
  lret $12
1:
  movl %eax, fail_got
  movl 14(%bp), %eax
  movl %eax, fail_exp
  movl 6(%bp), %eax
  movl %eax, fail_msg
  movb $0, fail_wide
  movw $1, fail_kind
  jmp real_to_pm_fail

# lib_fail16 (far-jumped to by FAIL in real mode): %esi = message.
  .globl lib_fail16
lib_fail16:
  xorw %ax, %ax
  movw %ax, %ds
  movl %esi, fail_msg
  movw $2, fail_kind
  jmp real_to_pm_fail

# Real mode has no console routines: enter protected mode with the lib GDT and report there.
real_to_pm_fail:
  cli
  xorw %ax, %ax
  movw %ax, %ds
  lgdtl gdt_ptr
  movl %cr0, %eax
  orl $1, %eax
  movl %eax, %cr0
  ljmpl $SEL_CODE32, $1f
  CODE32
1:
  movw $SEL_DATA32, %ax
  movw %ax, %ds
  movw %ax, %es
  movw %ax, %ss
  movl $fail_stack_top, %esp
  movl fail_msg, %esi
  cmpw $2, fail_kind
  je lib_fail32
  cmpw $3, fail_kind
  je unexpected_real
  jmp report_check32

unexpected_real:
  call fail_prefix32
  movl $str_unexpected_real, %esi
  call lib_puts32
  movl exc_vector, %eax
  call lib_puthex32
  movl $str_at, %esi
  call lib_puts32
  movl exc_cs, %eax
  call lib_puthex32
  movb $':', %al
  outb %al, $DEBUGCON
  movl exc_rip, %eax
  call lib_puthex32
  movl $str_newline, %esi
  call lib_puts32
  jmp exit_fail32

# ==============================================================================================
# Exception and interrupt stubs. Every IDT vector has a 16-byte stub pushing its number; the
# common handler records what the CPU pushed, then acts on vec_action[vector].
# ==============================================================================================
  CODE32
  .balign 16
  .globl stubs32
stubs32:
  .set vec, 0
  .rept 256
    .balign 16
    .byte 0x68                   # push imm32: the same length for every vector
    .long vec
    jmp exc_common32
    .set vec, vec + 1
  .endr

# Vectors that push an error code (SDM Vol. 3A Table 6-1): #DF #TS #NP #SS #GP #PF #AC #CP #VC #SX.
.set ERROR_CODE_VECTORS, (1 << 8) | (1 << 10) | (1 << 11) | (1 << 12) | (1 << 13) | (1 << 14)
.set ERROR_CODE_VECTORS, ERROR_CODE_VECTORS | (1 << 17) | (1 << 21) | (1 << 29) | (1 << 30)

# Stack at entry: pushal (32 bytes), ES, DS, vector, then the CPU's frame.
exc_common32:
  pushl %ds
  pushl %es
  pushal
  movw $SEL_DATA32, %ax
  movw %ax, %ds
  movw %ax, %es
  cld
  movl 40(%esp), %ebx            # vector
  leal 44(%esp), %esi            # the frame the CPU pushed
  movl %ebx, exc_vector
  movl $0, exc_vector + 4
  movl %esi, exc_frame_sp
  movl $0, exc_frame_sp + 4
  movl exc_saved_sp, %eax
  subl %esi, %eax
  movl %eax, exc_frame_size
  movl $0, exc_frame_size + 4
  # Raw copy of the frame: error code (maybe), EIP, CS, EFLAGS, ESP, SS, ES, DS, FS, GS.
  pushl %esi
  movl $exc_frame, %edi
  movl $10, %ecx
  rep movsl
  popl %esi
  xorl %eax, %eax
  movl %eax, exc_error
  movl %eax, exc_has_error
  cmpl $32, %ebx
  jae 1f
  btl %ebx, error_code_vectors
  jnc 1f
  lodsl
  movl %eax, exc_error
  movl $1, exc_has_error
1:
  lodsl
  movl %eax, exc_rip
  movl $0, exc_rip + 4
  lodsl
  movl %eax, exc_cs
  lodsl
  movl %eax, exc_flags
  lodsl
  movl %eax, exc_sp
  lodsl
  movl %eax, exc_ss
  movl %cr2, %eax
  movl %eax, exc_cr2
  incl exc_count
  incl vec_count(, %ebx, 4)
  movzbl vec_action(%ebx), %eax
  cmpl $ACT_RESUME, %eax
  je resume32
  cmpl $ACT_IRET_EOI, %eax
  jne 2f
  movb $0x20, %al
  cmpl $0x28, %ebx
  jb 3f
  outb %al, $0xA0
3:
  outb %al, $0x20
2:
  popal
  popl %es
  popl %ds
  # Drop the vector, and the error code where the architecture pushes one.
  cmpl $32, (%esp)
  jae 4f
  pushl %eax
  movl 4(%esp), %eax
  btl %eax, error_code_vectors
  popl %eax
  jnc 4f
  addl $4, %esp
4:
  addl $4, %esp
  iretl

# Back to the TRY: its stack and flags, the general registers as they were at the exception.
resume32:
  movl exc_resume, %eax
  testl %eax, %eax
  jz unexpected32
  movl %eax, exc_jump
  movl $0, exc_resume
  movl %esp, %esi                # the PUSHAD image: EDI ESI EBP ESP EBX EDX ECX EAX
  movl $exc_regs, %edi
  movl $8, %ecx
  rep movsl
  movw $SEL_DATA32, %cx
  movw %cx, %ss
  movw %cx, %fs
  movw %cx, %gs
  movl exc_saved_sp, %esp
  pushl exc_saved_flags
  popfl
  movl exc_regs + 0, %edi
  movl exc_regs + 4, %esi
  movl exc_regs + 8, %ebp
  movl exc_regs + 16, %ebx
  movl exc_regs + 20, %edx
  movl exc_regs + 24, %ecx
  movl exc_regs + 28, %eax
  jmp *exc_jump

  CODE64
  .balign 16
  .globl stubs64
stubs64:
  .set vec, 0
  .rept 256
    .balign 16
    .byte 0x68                   # push imm32 (sign-extended to 64 bits)
    .long vec
    jmp exc_common64
    .set vec, vec + 1
  .endr

# Stack at entry: 15 GPRs (120 bytes), vector, then the CPU's frame (always with SS:RSP).
exc_common64:
  pushq %rax
  pushq %rbx
  pushq %rcx
  pushq %rdx
  pushq %rsi
  pushq %rdi
  pushq %rbp
  pushq %r8
  pushq %r9
  pushq %r10
  pushq %r11
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  cld
  movq 120(%rsp), %rbx
  leaq 128(%rsp), %rsi
  movq %rbx, exc_vector
  movq %rsi, exc_frame_sp
  # 64-bit mode aligns RSP to 16 bytes before pushing (SDM Vol. 3A 6.14.2).
  movq exc_saved_sp, %rax
  andq $-16, %rax
  subq %rsi, %rax
  movq %rax, exc_frame_size
  pushq %rsi
  movl $exc_frame, %edi
  movl $6, %ecx
  rep movsq
  popq %rsi
  xorl %eax, %eax
  movq %rax, exc_error
  movl %eax, exc_has_error
  cmpl $32, %ebx
  jae 1f
  btl %ebx, error_code_vectors
  jnc 1f
  lodsq
  movq %rax, exc_error
  movl $1, exc_has_error
1:
  lodsq
  movq %rax, exc_rip
  lodsq
  movl %eax, exc_cs
  lodsq
  movl %eax, exc_flags
  lodsq
  movq %rax, exc_sp
  lodsq
  movl %eax, exc_ss
  movq %cr2, %rax
  movq %rax, exc_cr2
  incl exc_count
  incl vec_count(, %ebx, 4)
  movzbl vec_action(%ebx), %eax
  cmpl $ACT_RESUME, %eax
  je resume64
  cmpl $ACT_IRET_EOI, %eax
  jne 2f
  movb $0x20, %al
  cmpl $0x28, %ebx
  jb 3f
  outb %al, $0xA0
3:
  outb %al, $0x20
2:
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %r11
  popq %r10
  popq %r9
  popq %r8
  popq %rbp
  popq %rdi
  popq %rsi
  popq %rdx
  popq %rcx
  popq %rbx
  popq %rax
  cmpq $32, (%rsp)
  jae 4f
  pushq %rax
  movq 8(%rsp), %rax
  btl %eax, error_code_vectors
  popq %rax
  jnc 4f
  addq $8, %rsp
4:
  addq $8, %rsp
  iretq

resume64:
  movq exc_resume, %rax
  testq %rax, %rax
  jz unexpected64
  movq %rax, exc_jump
  movq $0, exc_resume
  movq %rsp, %rsi                # R15 R14 ... R8 RBP RDI RSI RDX RCX RBX RAX
  movl $exc_regs, %edi
  movl $15, %ecx
  rep movsq
  movw $SEL_DATA64, %cx
  movw %cx, %ss
  movq exc_saved_sp, %rsp
  pushq exc_saved_flags
  popfq
  movq exc_regs + 0, %r15
  movq exc_regs + 8, %r14
  movq exc_regs + 16, %r13
  movq exc_regs + 24, %r12
  movq exc_regs + 32, %r11
  movq exc_regs + 40, %r10
  movq exc_regs + 48, %r9
  movq exc_regs + 56, %r8
  movq exc_regs + 64, %rbp
  movq exc_regs + 72, %rdi
  movq exc_regs + 80, %rsi
  movq exc_regs + 88, %rdx
  movq exc_regs + 96, %rcx
  movq exc_regs + 104, %rbx
  movq exc_regs + 112, %rax
  jmp *exc_jump

# Real-mode IVT stubs (8 bytes each): any interrupt in real mode is unexpected.
  CODE16
  .balign 8
stubs16:
  .set vec, 0
  .rept 256
    .balign 8
    pushw $vec
    jmp exc_common16
    .set vec, vec + 1
  .endr

exc_common16:
  cli
  xorw %ax, %ax
  movw %ax, %ds
  popw %ax
  movzwl %ax, %eax
  movl %eax, exc_vector
  popw %ax
  movzwl %ax, %eax
  movl %eax, exc_rip
  popw %ax
  movzwl %ax, %eax
  movl %eax, exc_cs
  movw $3, fail_kind
  jmp real_to_pm_fail

# ==============================================================================================
# Descriptor tables.
# ==============================================================================================
  CODE32
# lib_build_idt32: every 32-bit IDT gate -> its stub, interrupt gate, DPL 0.
lib_build_idt32:
  pushal
  xorl %eax, %eax
1:
  movl %eax, %edx
  shll $4, %edx
  addl $stubs32, %edx
  movl $GATE_INT, %ecx
  call lib_set_gate32
  incl %eax
  cmpl $256, %eax
  jb 1b
  movl $LIB_FAIL_VECTOR, %eax
  movl $user_fail32, %edx
  movl $GATE_INT_DPL3, %ecx
  call lib_set_gate32
  popal
  ret

# lib_build_ivt: the real-mode IVT at 0 -> stubs16 (used by lib_real_call).
lib_build_ivt:
  pushal
  xorl %eax, %eax
1:
  movl %eax, %edx
  shll $3, %edx
  addl $(stubs16 - ROM_BASE), %edx
  orl $0xF0000000, %edx
  movl %edx, (, %eax, 4)
  incl %eax
  cmpl $256, %eax
  jb 1b
  popal
  ret

# lib_build_idt64: every 64-bit IDT gate -> its stub (load it with `lidt idt64_ptr`).
  .globl lib_build_idt64
lib_build_idt64:
  pushal
  xorl %eax, %eax
1:
  movl %eax, %edx
  shll $4, %edx
  addl $stubs64, %edx
  movl $GATE_INT, %ecx
  call lib_set_gate64
  incl %eax
  cmpl $256, %eax
  jb 1b
  movl $LIB_FAIL_VECTOR, %eax
  movl $user_fail64, %edx
  movl $GATE_INT_DPL3, %ecx
  call lib_set_gate64
  popal
  ret

# lib_set_gate32: %eax = vector, %edx = handler offset, %ecx = attribute byte | selector << 16
# (selector 0: SEL_CODE32). Preserves registers.
  .globl lib_set_gate32
lib_set_gate32:
  pushl %ebx
  pushl %ecx
  movl %ecx, %ebx
  shrl $16, %ebx
  jnz 1f
  movl $SEL_CODE32, %ebx
1:
  shll $16, %ebx
  movw %dx, %bx
  movl %ebx, idt32(, %eax, 8)
  movl %edx, %ebx
  andl $0xFFFF0000, %ebx
  shlw $8, %cx
  movw %cx, %bx
  movl %ebx, idt32 + 4(, %eax, 8)
  popl %ecx
  popl %ebx
  ret

# lib_set_gate64: %eax = vector, %edx = handler (below 4 GiB), %ecx = attribute byte | IST << 8
# | selector << 16 (selector 0: SEL_CODE64). Writes the 16-byte gate (SDM Vol. 3A Figure 6-8).
# Callable from 32-bit and 64-bit code (assembled as 32-bit; see lib_set_gate64_64).
  .globl lib_set_gate64
lib_set_gate64:
  pushl %ebx
  pushl %edi
  movl %eax, %edi
  shll $4, %edi
  movl %ecx, %ebx
  shrl $16, %ebx
  jnz 1f
  movl $SEL_CODE64, %ebx
1:
  shll $16, %ebx
  movw %dx, %bx
  movl %ebx, idt64(%edi)
  movl %edx, %ebx
  andl $0xFFFF0000, %ebx
  movb %ch, %bl
  andb $7, %bl
  movb %cl, %bh
  movl %ebx, idt64 + 4(%edi)
  movl $0, idt64 + 8(%edi)
  movl $0, idt64 + 12(%edi)
  popl %edi
  popl %ebx
  ret

  CODE64
  .globl lib_set_gate64_64
lib_set_gate64_64:
  pushq %rbx
  pushq %rdi
  movl %eax, %edi
  shll $4, %edi
  movl %ecx, %ebx
  shrl $16, %ebx
  jnz 1f
  movl $SEL_CODE64, %ebx
1:
  shll $16, %ebx
  movw %dx, %bx
  movl %ebx, idt64(%edi)
  movl %edx, %ebx
  andl $0xFFFF0000, %ebx
  movb %ch, %bl
  andb $7, %bl
  movb %cl, %bh
  movl %ebx, idt64 + 4(%edi)
  movl $0, idt64 + 8(%edi)
  movl $0, idt64 + 12(%edi)
  popq %rdi
  popq %rbx
  ret

  CODE32
# lib_set_desc: %eax = selector, %edx = base, %ecx = limit in bytes (above 1 MiB: a multiple
# of 4 KiB minus one, stored page-granular), %ebx = access byte | flags << 12 (flags: G D/B L AVL
# as in the descriptor's bits 55:52; G is set automatically for large limits). SDM Vol. 3A 3.4.5.
  .globl lib_set_desc
lib_set_desc:
  pushal
  andl $0xFFF8, %eax
  leal gdt(%eax), %edi
  cmpl $0xFFFFF, %ecx
  jbe 1f
  shrl $12, %ecx
  orl $0x8000, %ebx
1:
  movl %edx, %eax
  shll $16, %eax
  movw %cx, %ax
  movl %eax, (%edi)              # base 15:0, limit 15:0
  movl %edx, %eax
  shrl $16, %eax
  andl $0xFF, %eax               # base 23:16
  movl %ebx, %esi
  andl $0xFF, %esi
  shll $8, %esi
  orl %esi, %eax                 # access byte
  andl $0xF0000, %ecx
  orl %ecx, %eax                 # limit 19:16
  movl %ebx, %esi
  andl $0xF000, %esi
  shll $8, %esi
  orl %esi, %eax                 # G D/B L AVL
  andl $0xFF000000, %edx
  orl %edx, %eax                 # base 31:24
  movl %eax, 4(%edi)
  popal
  ret

# ==============================================================================================
# Real-mode calls: lib_real_call runs a real-mode function and comes back.
# ==============================================================================================
# lib_real_call: %eax = linear address of a function that returns with LRET; it runs in real
# mode with CS = (address >> 4) (or F000 in the ROM), DS = ES = SS = 0, SP = RM_STACK_TOP, IF = 0,
# the lib's IVT (limit 0x3FF). Paging must be off. Preserves registers; the IDT and GDT are
# the lib's again afterwards.
  .globl lib_real_call
lib_real_call:
  pushal
  movl %esp, real_saved_esp
  cmpl $ROM_BASE, %eax
  jb 1f
  subl $ROM_BASE, %eax
  movw %ax, real_fp
  movw $0xF000, real_fp + 2
  jmp 2f
1:
  movl %eax, %edx
  andl $15, %eax
  shrl $4, %edx
  movw %ax, real_fp
  movw %dx, real_fp + 2
2:
  # Through a 16-bit code segment, so that CS has real-mode-compatible attributes when PE is
  # cleared (SDM Vol. 3A 10.9.2).
  ljmp $SEL_CODE16, $(3f - ROM_BASE)
  CODE16
3:
  movw $SEL_DATA16, %ax
  movw %ax, %ds
  movw %ax, %es
  movw %ax, %ss
  movw %ax, %fs
  movw %ax, %gs
  lidtl real_idt_ptr
  movl %cr0, %eax
  andl $0xFFFFFFFE, %eax
  movl %eax, %cr0
  ljmp $0xF000, $(4f - ROM_BASE)
4:
  xorw %ax, %ax
  movw %ax, %ds
  movw %ax, %es
  movw %ax, %ss
  movw %ax, %fs
  movw %ax, %gs
  movw $RM_STACK_TOP, %sp
  lcall *real_fp
  cli
  xorw %ax, %ax
  movw %ax, %ds
  lgdtl gdt_ptr
  movl %cr0, %eax
  orl $1, %eax
  movl %eax, %cr0
  ljmpl $SEL_CODE32, $5f
  CODE32
5:
  movw $SEL_DATA32, %ax
  movw %ax, %ds
  movw %ax, %es
  movw %ax, %ss
  movw %ax, %fs
  movw %ax, %gs
  movl real_saved_esp, %esp
  lidt idt32_ptr
  popal
  ret

# ==============================================================================================
# Privilege changes.
# ==============================================================================================
# lib_to_ring3: call from 32-bit CPL 0; continues after the call at CPL 3 (SEL_UCODE32) with
# SS:ESP = SEL_UDATA32:stack3_top, DS = ES = FS = GS = SEL_UDATA32 and the caller's EFLAGS (set
# IOPL, AC, TF... before calling). Clobbers eax, ecx. Come back with an exception, INT n, or
# SYSENTER (a TRY resume point is the simplest way).
  .globl lib_to_ring3
lib_to_ring3:
  popl %ecx
  movw $SEL_UDATA32, %ax
  movw %ax, %ds
  movw %ax, %es
  movw %ax, %fs
  movw %ax, %gs
  pushl $SEL_UDATA32
  pushl $stack3_top
  pushfl
  pushl $SEL_UCODE32
  pushl %ecx
  iretl

# lib_to_ring3_64: the same from 64-bit code to 64-bit CPL 3 (SEL_UCODE64, SS = SEL_UDATA64,
# RSP = stack3_top). Clobbers rax, rcx.
  CODE64
  .globl lib_to_ring3_64
lib_to_ring3_64:
  popq %rcx
  pushq $SEL_UDATA64
  pushq $stack3_top
  pushfq
  pushq $SEL_UCODE64
  pushq %rcx
  iretq
  CODE32

# ==============================================================================================
# Interrupt controller and timer.
# ==============================================================================================
# lib_pic_init: initialises both 8259s (ICW1-ICW4): master vectors 0x20-0x27, slave 0x28-0x2F on
# the master's IRQ 2, edge triggered, 8086 mode; every line masked. Clobbers eax.
  .globl lib_pic_init
lib_pic_init:
  movb $0x11, %al                # ICW1: edge, cascade, ICW4 follows
  outb %al, $0x20
  outb %al, $0xA0
  movb $0x20, %al                # ICW2: vector base
  outb %al, $0x21
  movb $0x28, %al
  outb %al, $0xA1
  movb $0x04, %al                # ICW3: the slave is on IRQ 2 / the slave's identity is 2
  outb %al, $0x21
  movb $0x02, %al
  outb %al, $0xA1
  movb $0x01, %al                # ICW4: 8086 mode, normal EOI
  outb %al, $0x21
  outb %al, $0xA1
  movb $0xFF, %al                # OCW1: all masked
  outb %al, $0x21
  outb %al, $0xA1
  ret

# lib_pit_start: PIT channel 0 in mode 2 (rate generator) with the divisor in %eax (1193 is
# about 1 kHz). Clobbers eax.
  .globl lib_pit_start
lib_pit_start:
  pushl %eax
  movb $0x34, %al                # channel 0, low then high byte, mode 2, binary
  outb %al, $0x43
  popl %eax
  outb %al, $0x40
  movb %ah, %al
  outb %al, $0x40
  ret

# ==============================================================================================
# Paging helpers and long mode.
# ==============================================================================================
# lib_page_alloc (32-bit code) / lib_page_alloc64 (64-bit code): %eax = a zeroed, 4 KiB aligned
# page from the pool (rax zero-extended). Preserves other registers.
.macro PAGE_ALLOC name, push, pop, cx, di, ax
  .globl \name
\name:
  \push \cx
  \push \di
  movl pt_next, %edi
  cmpl $PT_POOL_END, %edi
  jae 1f
  leal 4096(%edi), %eax
  movl %eax, pt_next
  movl %edi, %eax
  \push \ax
  movl $1024, %ecx
  xorl %eax, %eax
  rep stosl
  \pop \ax
  \pop \di
  \pop \cx
  ret
1:
  FAIL "lib_page_alloc: page pool exhausted"
.endm
  PAGE_ALLOC lib_page_alloc, pushl, popl, %ecx, %edi, %eax
  CODE64
  PAGE_ALLOC lib_page_alloc64, pushq, popq, %rcx, %rdi, %rax
  CODE32

# lib_ident64: builds 4-level tables mapping 0..4 GiB identity with 2 MiB pages (present,
# writable, user at every level, so ring 3 can run there too). Returns the PML4 in %eax.
  .globl lib_ident64
lib_ident64:
  pushl %ebx
  pushl %ecx
  pushl %edx
  pushl %edi
  call lib_page_alloc
  movl %eax, %ebx                # PML4
  call lib_page_alloc
  movl %eax, %edx                # PDPT
  orl $7, %eax
  movl %eax, (%ebx)
  xorl %ecx, %ecx                # PDPT index (GiB)
1:
  call lib_page_alloc
  pushl %eax
  orl $7, %eax
  movl %eax, (%edx, %ecx, 8)
  popl %edi
  pushl %ecx
  movl %ecx, %eax
  shll $30, %eax
  orl $0x87, %eax                # P RW US PS
  movl $512, %ecx
2:
  movl %eax, (%edi)
  movl $0, 4(%edi)
  addl $8, %edi
  addl $0x200000, %eax
  decl %ecx
  jnz 2b
  popl %ecx
  incl %ecx
  cmpl $4, %ecx
  jb 1b
  movl %ebx, %eax
  popl %edi
  popl %edx
  popl %ecx
  popl %ebx
  ret

# lib_enter_long: call from 32-bit protected mode (paging off); returns in 64-bit mode at CPL 0
# (the caller continues with CODE64 after the call) with identity paging of the low 4 GiB, the
# 64-bit IDT (every vector -> stubs64) and the 64-bit TSS loaded. SDM Vol. 3A 10.8.5.
  .globl lib_enter_long
lib_enter_long:
  popl %ebx                      # the 64-bit continuation
  call lib_build_idt64
  call lib_ident64
  movl %eax, %cr3
  movl %cr4, %eax
  orl $0x20, %eax                # PAE
  movl %eax, %cr4
  movl $0xC0000080, %ecx         # IA32_EFER.LME
  rdmsr
  orl $0x100, %eax
  wrmsr
  movl %cr0, %eax
  orl $0x80000000, %eax
  movl %eax, %cr0
  ljmp $SEL_CODE64, $2f
  CODE64
2:
  movw $SEL_DATA64, %ax
  movw %ax, %ds
  movw %ax, %es
  movw %ax, %ss
  movl %esp, %esp
  lidt idt64_ptr
  movl $SEL_TSS64, %eax
  ltr %ax
  movl %ebx, %ebx
  jmp *%rbx

# ==============================================================================================
# Data.
# ==============================================================================================
  .section .rodata
hex_digits: .ascii "0123456789abcdef"
str_start: .asciz "vireo guest test: "
str_newline: .asciz "\n"
str_fail: .asciz "FAIL "
str_pass: .asciz "PASS "
str_colon: .asciz ": "
str_check: .asciz "check #"
str_checks: .asciz " checks\n"
str_got: .asciz ": got 0x"
str_expected: .asciz ", expected 0x"
str_unexpected: .asciz "unexpected exception: vector 0x"
str_unexpected_real: .asciz "unexpected real-mode interrupt: vector 0x"
str_error: .asciz " error 0x"
str_at: .asciz " at "
str_flags: .asciz " flags 0x"
str_cr2: .asciz " cr2 0x"
str_after: .asciz " after check #"
error_code_vectors: .long ERROR_CODE_VECTORS

  .balign 8
boot_gdt:
  .quad 0
  .quad 0x00CF9A000000FFFF       # 0x08 code, flat, 32-bit
  .quad 0x00CF92000000FFFF       # 0x10 data, flat
boot_gdt_end:
boot_gdt_ptr:
  .word boot_gdt_end - boot_gdt - 1
  .long boot_gdt

# Everything real mode touches lives in .data, below 64 KiB (link.ld checks).
  .data
  .balign 8
  .globl gdt
gdt:
  .quad 0
  .quad 0x00CF9A000000FFFF       # 0x08 SEL_CODE32
  .quad 0x00CF92000000FFFF       # 0x10 SEL_DATA32
  .quad 0x00CFFA000000FFFF       # 0x18 SEL_UCODE32
  .quad 0x00CFF2000000FFFF       # 0x20 SEL_UDATA32
  .quad 0x00AF9A000000FFFF       # 0x28 SEL_CODE64
  .quad 0x00CF92000000FFFF       # 0x30 SEL_DATA64
  .quad 0x00CFFA000000FFFF       # 0x38 SEL_UCODE32S
  .quad 0x00CFF2000000FFFF       # 0x40 SEL_UDATA64
  .quad 0x00AFFA000000FFFF       # 0x48 SEL_UCODE64
  .quad 0x00009A0F0000FFFF       # 0x50 SEL_CODE16 (base 0xF0000)
  .quad 0x000092000000FFFF       # 0x58 SEL_DATA16
  .fill GDT_ENTRIES - 12, 8, 0   # TSS descriptors, then free entries
  .globl gdt_ptr
gdt_ptr:
  .word GDT_ENTRIES * 8 - 1
  .long gdt
  .globl idt32_ptr, idt64_ptr
idt32_ptr:
  .word 256 * 8 - 1
  .long idt32
idt64_ptr:
  .word 256 * 16 - 1
  .quad idt64
real_idt_ptr:
  .word 0x3FF
  .long 0
real_fp: .word 0, 0
real_saved_esp: .long 0
pt_next: .long 0
dec_buf: .fill 12, 1, 0

  .balign 8
  .globl checks_done, fail_msg
checks_done: .long 0
fail_msg: .long 0
fail_kind: .word 0
fail_wide: .byte 0
  .balign 8
fail_got: .quad 0
fail_exp: .quad 0

# What the last exception pushed and where (see exc_common32/64 and lib.inc TRY). All 64-bit,
# so CHECK reads them whole in 64-bit code; 32-bit code reads the low halves.
  .balign 8
  .globl exc_vector, exc_error, exc_has_error, exc_rip, exc_cs, exc_flags, exc_sp, exc_ss
  .globl exc_cr2, exc_count, exc_frame, exc_frame_sp, exc_frame_size
  .globl exc_resume, exc_saved_sp, exc_saved_flags, vec_action, vec_count, exc_regs
exc_vector: .quad -1
exc_error: .quad 0
exc_rip: .quad 0
exc_sp: .quad 0
exc_cr2: .quad 0
exc_frame_sp: .quad 0
exc_frame_size: .quad 0
exc_resume: .quad 0
exc_saved_sp: .quad 0
exc_saved_flags: .quad 0
exc_has_error: .quad 0
exc_cs: .quad 0
exc_flags: .quad 0
exc_ss: .quad 0
exc_count: .quad 0
exc_frame: .fill 12, 4, 0
exc_jump: .quad 0
# The general registers at the exception (ACT_RESUME): PUSHAD order in 32-bit code (EDI first),
# R15..RAX in 64-bit code.
exc_regs: .fill 15, 8, 0
vec_action: .fill 256, 1, 0
  .balign 4
vec_count: .fill 256, 4, 0

  .section .bss
  .balign 4096
  .globl idt32, idt64, tss32, tss64
idt32: .space 256 * 8
  .balign 4096
idt64: .space 256 * 16
  .balign 4096
tss32: .space TSS32_SIZE + 8192 + 16
  .balign 16
tss64: .space TSS32_SIZE + 8
  .balign 16
  .globl stack0_top, tss_stack0_top, ist1_top, stack3_top
  .space 16384
stack0_top:
  .space 256                     # room above each stack: the handlers read a full frame
  .space 8192
tss_stack0_top:
  .space 256
  .space 4096
ist1_top:
  .space 256
  .space 8192
stack3_top:
  .space 256
  .space 4096
fail_stack_top:
  .space 256
