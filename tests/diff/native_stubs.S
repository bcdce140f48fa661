// Mode-switch and register-capture stubs of the native oracle runner.
//
// The blob between vireo_diff_stub_begin and vireo_diff_stub_end is position dependent: it is
// copied to VIREO_DIFF_STUB_ADDR (below 4 GiB, inside the 16-bit code segment) before use, because
// far transfers from 32-bit and 16-bit code can only name 32-bit offsets. It starts with a table
// of 32-bit offsets: entry, capture16, capture32, capture64, fault landing.
//
// Protocol: the host fills the context page (layout_defs.h) and calls entry (SysV ABI, no
// arguments). entry saves the callee-saved registers, switches to the case's mode, loads all
// registers and RFLAGS and jumps to the code. The code ends in a jump to the capture stub of its
// mode, which stores every register and RFLAGS without touching the data page, returns to 64-bit
// mode and returns 0 to the host. The fault handler redirects a faulting case to the fault
// landing, which returns 1.
#include "layout_defs.h"

#if defined(__x86_64__) && defined(__linux__)

#define CTX(off) (VIREO_DIFF_CTX_ADDR + (off))
#define IN(i) CTX(VIREO_DIFF_CTX_IN_GPR + 8 * (i))
#define OUT(i) CTX(VIREO_DIFF_CTX_OUT_GPR + 8 * (i))
// The context page as seen through the 16-bit data segment (base VIREO_DIFF_DATA_ADDR).
#define D16(off) (VIREO_DIFF_CTX_ADDR - VIREO_DIFF_DATA_ADDR + (off))
#define OUT16(i) D16(VIREO_DIFF_CTX_OUT_GPR + 8 * (i))
// Absolute address of a stub label once the blob is copied.
#define ABS(label) (VIREO_DIFF_STUB_ADDR + ((label) - stub_begin))
// Offset of a stub label inside the 16-bit code segment (base VIREO_DIFF_CODE_ADDR).
#define OFF16(label) (VIREO_DIFF_STUB_ADDR - VIREO_DIFF_CODE_ADDR + ((label) - stub_begin))

  .section .rodata.vireo_diff_stub, "a"
  .balign 64
  .globl vireo_diff_stub_begin
  .globl vireo_diff_stub_end
vireo_diff_stub_begin:
stub_begin:
  .long entry64 - stub_begin
  .long capture16 - stub_begin
  .long capture32 - stub_begin
  .long capture64 - stub_begin
  .long fault64 - stub_begin

  .code64
entry64:
  push %rbx
  push %rbp
  push %r12
  push %r13
  push %r14
  push %r15
  mov %rsp, CTX(VIREO_DIFF_CTX_HOST_RSP)
  movw %ds, CTX(VIREO_DIFF_CTX_HOST_DS)
  movw %es, CTX(VIREO_DIFF_CTX_HOST_ES)
  // The x87/MMX/SSE state survives the mode switches (compatibility mode only cannot name
  // XMM8-15, which must come back unchanged), so it is loaded here in 64-bit mode.
  stmxcsr CTX(VIREO_DIFF_CTX_HOST_MXCSR)
  fxrstor64 CTX(VIREO_DIFF_CTX_IN_FXSAVE)
  mov CTX(VIREO_DIFF_CTX_MODE), %eax
  cmp $16, %eax
  je enter16
  cmp $32, %eax
  je enter32
  // 64-bit: RFLAGS first (it needs a stack), then the registers, RSP last.
  mov $CTX(VIREO_DIFF_CTX_IN_FLAGS), %esp
  popfq
  mov IN(0), %rax
  mov IN(1), %rcx
  mov IN(2), %rdx
  mov IN(3), %rbx
  mov IN(5), %rbp
  mov IN(6), %rsi
  mov IN(7), %rdi
  mov IN(8), %r8
  mov IN(9), %r9
  mov IN(10), %r10
  mov IN(11), %r11
  mov IN(12), %r12
  mov IN(13), %r13
  mov IN(14), %r14
  mov IN(15), %r15
  mov IN(4), %rsp
  jmp *CTX(VIREO_DIFF_CTX_ENTRY)

enter32:
  // Compatibility mode needs usable DS/ES (64-bit processes run with null ones). R8-R15 are
  // loaded here: compatibility mode cannot name them, so they must come back unchanged.
  mov $VIREO_DIFF_SEL_DATA, %eax
  mov %eax, %ds
  mov %eax, %es
  mov IN(8), %r8
  mov IN(9), %r9
  mov IN(10), %r10
  mov IN(11), %r11
  mov IN(12), %r12
  mov IN(13), %r13
  mov IN(14), %r14
  mov IN(15), %r15
  pushq $VIREO_DIFF_SEL_CODE32
  pushq $ABS(code32_entry)
  lretq

  .code32
code32_entry:
  mov $CTX(VIREO_DIFF_CTX_IN_FLAGS), %esp
  popfl
  mov IN(0), %eax
  mov IN(1), %ecx
  mov IN(2), %edx
  mov IN(3), %ebx
  mov IN(5), %ebp
  mov IN(6), %esi
  mov IN(7), %edi
  mov IN(4), %esp
  jmp *CTX(VIREO_DIFF_CTX_ENTRY)

  .code64
enter16:
  mov $VIREO_DIFF_SEL_DATA, %eax
  mov %eax, %ds
  mov %eax, %es
  mov IN(8), %r8
  mov IN(9), %r9
  mov IN(10), %r10
  mov IN(11), %r11
  mov IN(12), %r12
  mov IN(13), %r13
  mov IN(14), %r14
  mov IN(15), %r15
  pushq $VIREO_DIFF_SEL_CODE16
  pushq $OFF16(code16_entry)
  lretq

  .code16
code16_entry:
  // Still flat DS/SS (USER_DS, 32-bit stack): load everything through 32-bit addresses, then
  // switch ES, SS (with ESP) and finally DS to the 16-bit data segment.
  movl $CTX(VIREO_DIFF_CTX_IN_FLAGS), %esp
  popfl
  addr32 movl IN(0), %eax
  addr32 movl IN(1), %ecx
  addr32 movl IN(2), %edx
  addr32 movl IN(3), %ebx
  addr32 movl IN(5), %ebp
  addr32 movl IN(6), %esi
  addr32 movl IN(7), %edi
  addr32 movw CTX(VIREO_DIFF_CTX_SEL16), %es
  addr32 movw CTX(VIREO_DIFF_CTX_SEL16), %ss
  addr32 movl IN(4), %esp
  addr32 movw CTX(VIREO_DIFF_CTX_SEL16), %ds
  ljmp $VIREO_DIFF_SEL_CODE16, $0

capture16:
  // DS and SS are the 16-bit data segment: the context page is at offset 0x8000 in it.
  movl %eax, OUT16(0)
  movl %ecx, OUT16(1)
  movl %edx, OUT16(2)
  movl %ebx, OUT16(3)
  movl %esp, OUT16(4)
  movl %ebp, OUT16(5)
  movl %esi, OUT16(6)
  movl %edi, OUT16(7)
  movl $D16(VIREO_DIFF_CTX_FLAG_STACK), %esp
  pushfl
  popl D16(VIREO_DIFF_CTX_OUT_FLAGS)
  ljmpl $VIREO_DIFF_SEL_CODE64, $ABS(landing64)

  .code32
capture32:
  movl %eax, OUT(0)
  movl %ecx, OUT(1)
  movl %edx, OUT(2)
  movl %ebx, OUT(3)
  movl %esp, OUT(4)
  movl %ebp, OUT(5)
  movl %esi, OUT(6)
  movl %edi, OUT(7)
  movl $CTX(VIREO_DIFF_CTX_FLAG_STACK), %esp
  pushfl
  popl CTX(VIREO_DIFF_CTX_OUT_FLAGS)
  ljmp $VIREO_DIFF_SEL_CODE64, $ABS(landing64)

  .code64
capture64:
  mov %rax, OUT(0)
  mov %rcx, OUT(1)
  mov %rdx, OUT(2)
  mov %rbx, OUT(3)
  mov %rsp, OUT(4)
  mov %rbp, OUT(5)
  mov %rsi, OUT(6)
  mov %rdi, OUT(7)
  mov $CTX(VIREO_DIFF_CTX_FLAG_STACK), %esp
  pushfq
  popq CTX(VIREO_DIFF_CTX_OUT_FLAGS)
landing64:
  // Back from 32/16-bit code: SS may still be the 16-bit data segment.
  mov $VIREO_DIFF_SEL_DATA, %eax
  mov %eax, %ss
  mov %r8, OUT(8)
  mov %r9, OUT(9)
  mov %r10, OUT(10)
  mov %r11, OUT(11)
  mov %r12, OUT(12)
  mov %r13, OUT(13)
  mov %r14, OUT(14)
  mov %r15, OUT(15)
  fxsave64 CTX(VIREO_DIFF_CTX_OUT_FXSAVE)
  xor %eax, %eax
  jmp leave_to_host

fault64:
  mov $VIREO_DIFF_SEL_DATA, %eax
  mov %eax, %ss
  mov $1, %eax
leave_to_host:
  cld
  fninit  // the host expects an empty x87 stack and the default control word
  ldmxcsr CTX(VIREO_DIFF_CTX_HOST_MXCSR)
  mov CTX(VIREO_DIFF_CTX_HOST_RSP), %rsp
  movw CTX(VIREO_DIFF_CTX_HOST_DS), %ds
  movw CTX(VIREO_DIFF_CTX_HOST_ES), %es
  pop %r15
  pop %r14
  pop %r13
  pop %r12
  pop %rbp
  pop %rbx
  ret
vireo_diff_stub_end:

  .section .note.GNU-stack, "", @progbits
#endif
