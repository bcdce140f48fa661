# Privilege transitions (SDM Vol. 3A 5.8, 6.12): ring 0 -> 3 by IRET, 3 -> 0 by an interrupt
# gate with the stack switch to TSS.ESP0 and back by IRET, SYSENTER/SYSEXIT in 32-bit protected
# mode, SYSCALL/SYSRET and INT/IRETQ in 64-bit mode, and what CPL 3 may not do (#GP(0)).

.include "lib.inc"
TEST_NAME "rings"

.set MSR_SYSENTER_CS, 0x174
.set MSR_SYSENTER_ESP, 0x175
.set MSR_SYSENTER_EIP, 0x176
.set MSR_EFER, 0xC0000080
.set MSR_STAR, 0xC0000081
.set MSR_LSTAR, 0xC0000082
.set MSR_SFMASK, 0xC0000084
.set RESULT, 0x1234ABCD
.set DF, 1 << 10
.set IOPL3, 3 << 12

# USER_GP instruction...: at CPL 3 the instruction raises #GP(0), reported at CPL 0.
.macro USER_GP insn:vararg
  TRY .Lug_resume\@
  call lib_to_ring3
.Lug_insn\@:
  \insn
  NO_FAULT
.Lug_resume\@:
  CHECK_EXC_USER 13, 0, .Lug_insn\@, "CPL 3: \insn"
.endm

.macro WRMSR32 msr:req, low:req, high:req
  movl $\msr, %ecx
  movl $\low, %eax
  movl $\high, %edx
  wrmsr
.endm

.macro SEL_OF sreg:req, reg:req
  xorl \reg, \reg
  mov \sreg, \reg
.endm

  .globl test_main
test_main:
  movl $0x80, %eax
  movl $int80_handler, %edx
  movl $GATE_INT_DPL3, %ecx
  call lib_set_gate32
  movl $0x81, %eax               # INT 0x81 from CPL 3: back to the TRY resume point
  movl $stubs32 + 0x81 * 16, %edx
  movl $GATE_INT_DPL3, %ecx
  call lib_set_gate32

  # --- IRET to ring 3, INT 0x80 back to ring 0 and IRET again ---------------------------------
  TRY 9f
  movw $SEL_UDATA32, %ax
  movw %ax, %ds
  movw %ax, %es
  pushl $SEL_UDATA32
  pushl $stack3_top
  pushl $0x2
  pushl $SEL_UCODE32
  pushl $ring3
  iretl
ring3:
  movl %esp, %edi
  SEL_OF %cs, %eax
  CHECK %eax, $SEL_UCODE32, "IRET to CPL 3: CS (RPL 3)"
  SEL_OF %ss, %eax
  CHECK %eax, $SEL_UDATA32, "IRET to CPL 3: SS"
  CHECK %edi, $stack3_top, "IRET to CPL 3: ESP"
  movl %esp, %esi
  movl $0x11, %eax
  int $0x80
after_int80:
  CHECK %eax, $RESULT, "INT 0x80 -> IRET: the handler's EAX"
  SEL_OF %cs, %eax
  CHECK %eax, $SEL_UCODE32, "IRET back to CPL 3: CS"
  SEL_OF %ss, %eax
  CHECK %eax, $SEL_UDATA32, "IRET back to CPL 3: SS"
  movl %esp, %edi
  CHECK %edi, %esi, "IRET back to CPL 3: ESP"
  CHECK rec_cs, $SEL_CODE32, "INT 0x80 handler: CS (CPL 0)"
  CHECK rec_ss, $SEL_DATA32, "INT 0x80 handler: SS from TSS.SS0"
  CHECK rec_sp, $tss_stack0_top-20, "INT 0x80 handler: ESP = TSS.ESP0 - 5 dwords"
  CHECK rec_frame+0, $after_int80, "INT 0x80 frame: EIP"
  CHECK rec_frame+4, $SEL_UCODE32, "INT 0x80 frame: CS"
  CHECK rec_frame+12, %esi, "INT 0x80 frame: ESP"
  CHECK rec_frame+16, $SEL_UDATA32, "INT 0x80 frame: SS"
  CHECK rec_eax, $0x11, "INT 0x80 handler: EAX from CPL 3"
  int $0x81
  NO_FAULT
9:
  CHECK exc_vector, $0x81, "INT 0x81 back to the TRY"

  # --- What CPL 3 may not do, and what IOPL allows -------------------------------------------
  USER_GP hlt
  USER_GP cli
  USER_GP movl %cr0, %eax
  USER_GP lgdt gdt_ptr
  USER_GP wrmsr
  USER_GP inb $0x92, %al         # IOPL 0 and the TSS bitmap denies every port
  USER_GP outb %al, $0x80
  TRY 9f
  call lib_to_ring3
  pushfl
  orl $IOPL3, (%esp)
  popfl                          # CPL 3 cannot change IOPL: silently kept
  pushfl
  popl %eax
  andl $IOPL3, %eax
  CHECK %eax, $0, "CPL 3: POPF leaves IOPL alone"
  int $0x81
9:
  pushfl
  orl $IOPL3, (%esp)
  popfl                          # IOPL 3, set at CPL 0
  TRY 9f
  call lib_to_ring3
  cli                            # allowed with IOPL 3
  inb $0x92, %al                 # port I/O too
  movl $0xAA, %eax
  int $0x81
9:
  CHECK exc_vector, $0x81, "CPL 3 with IOPL 3: CLI and IN run"
  CHECK %eax, $0xAA, "CPL 3 with IOPL 3: registers back"
  pushfl
  andl $~IOPL3, (%esp)
  popfl

  # --- SYSENTER / SYSEXIT (SDM Vol. 2B): CS/SS from IA32_SYSENTER_CS, ESP and EIP from MSRs ---
  WRMSR32 MSR_SYSENTER_CS, SEL_CODE32, 0
  WRMSR32 MSR_SYSENTER_ESP, tss_stack0_top-64, 0
  WRMSR32 MSR_SYSENTER_EIP, sysenter_entry, 0
  TRY 9f
  call lib_to_ring3
  movl %esp, %esi
  movl %esp, %ecx                # SYSEXIT: ESP = ECX, EIP = EDX
  movl $after_sysexit, %edx
  sysenter
  NO_FAULT
after_sysexit:
  SEL_OF %cs, %eax
  CHECK %eax, $SEL_UCODE32, "SYSEXIT: CS = SYSENTER_CS + 16, RPL 3"
  SEL_OF %ss, %eax
  CHECK %eax, $SEL_UDATA32, "SYSEXIT: SS = SYSENTER_CS + 24, RPL 3"
  movl %esp, %edi
  CHECK %edi, %esi, "SYSEXIT: ESP = ECX"
  CHECK rec_cs, $SEL_CODE32, "SYSENTER: CS = SYSENTER_CS"
  CHECK rec_ss, $SEL_DATA32, "SYSENTER: SS = SYSENTER_CS + 8"
  CHECK rec_sp, $tss_stack0_top-64, "SYSENTER: ESP = IA32_SYSENTER_ESP"
  int $0x81
9:
  CHECK exc_vector, $0x81, "back from the SYSENTER round trip"

  # --- 64-bit mode: INT/IRETQ across rings, SYSCALL / SYSRET ------------------------------------
  call lib_enter_long
  CODE64
  movl $0x80, %eax
  movl $int80_handler64, %edx
  movl $GATE_INT_DPL3, %ecx
  call lib_set_gate64_64
  movl $0x81, %eax
  movl $stubs64 + 0x81 * 16, %edx
  movl $GATE_INT_DPL3, %ecx
  call lib_set_gate64_64
  TRY 9f
  call lib_to_ring3_64
  movq %rsp, %rsi
  movabsq $0x1122334455667788, %rax
  int $0x80
after_int80_64:
  SEL_OF %cs, %eax
  CHECK %rax, $SEL_UCODE64, "64-bit: IRETQ back to CPL 3: CS"
  movq %rsp, %rdi
  CHECK %rdi, %rsi, "64-bit: IRETQ back to CPL 3: RSP"
  CHECK rec_cs, $SEL_CODE64, "64-bit INT 0x80 handler: CS"
  CHECK rec_ss, $0, "64-bit INT 0x80 handler: SS is null after the privilege change"
  CHECK rec_sp, $tss_stack0_top-40, "64-bit INT 0x80 handler: RSP = TSS.RSP0 - 5 quadwords"
  CHECK rec_frame+0, $after_int80_64, "64-bit INT 0x80 frame: RIP"
  CHECK rec_frame+8, $SEL_UCODE64, "64-bit INT 0x80 frame: CS"
  CHECK rec_frame+24, %rsi, "64-bit INT 0x80 frame: RSP"
  CHECK rec_frame+32, $SEL_UDATA64, "64-bit INT 0x80 frame: SS"
  movabsq $0x1122334455667788, %rax
  CHECK rec_eax, %rax, "64-bit INT 0x80 handler: RAX from CPL 3"
  int $0x81
9:
  CHECK exc_vector, $0x81, "back from the 64-bit INT round trip"

  # SYSCALL: CS = STAR[47:32], SS = +8; RCX = return RIP, R11 = RFLAGS, RFLAGS &= ~SFMASK.
  # SYSRET (64-bit): CS = STAR[63:48] + 16, SS = STAR[63:48] + 8, RIP = RCX, RFLAGS = R11.
  movl $MSR_EFER, %ecx
  rdmsr
  orl $1, %eax                   # SCE
  wrmsr
  movl $MSR_STAR, %ecx
  xorl %eax, %eax
  movl $((SEL_UCODE32S & ~3) << 16) | SEL_CODE64, %edx
  wrmsr
  movl $MSR_LSTAR, %ecx
  movl $syscall_entry, %eax
  xorl %edx, %edx
  wrmsr
  movl $MSR_SFMASK, %ecx
  movl $DF, %eax
  wrmsr
  TRY 9f
  call lib_to_ring3_64
  movq %rsp, %rsi
  std
  syscall
after_syscall:
  pushfq
  popq %rdi
  cld
  SEL_OF %cs, %eax
  CHECK %rax, $SEL_UCODE64, "SYSRET: CS = STAR[63:48] + 16, RPL 3"
  SEL_OF %ss, %eax
  CHECK %rax, $SEL_UDATA64, "SYSRET: SS = STAR[63:48] + 8, RPL 3"
  movq %rsp, %rdx
  CHECK %rdx, %rsi, "SYSCALL/SYSRET leave RSP alone"
  andq $DF, %rdi
  CHECK %rdi, $DF, "SYSRET: RFLAGS from R11 (DF back)"
  CHECK rec_rcx, $after_syscall, "SYSCALL: RCX = the next RIP"
  movq rec_r11, %rax
  andq $DF, %rax
  CHECK %rax, $DF, "SYSCALL: R11 = RFLAGS (DF set)"
  movq rec_flags, %rax
  andq $DF, %rax
  CHECK %rax, $0, "SYSCALL: SFMASK cleared DF"
  CHECK rec_cs, $SEL_CODE64, "SYSCALL: CS = STAR[47:32]"
  CHECK rec_ss, $SEL_DATA64, "SYSCALL: SS = STAR[47:32] + 8"
  int $0x81
9:
  CHECK exc_vector, $0x81, "back from the SYSCALL round trip"
  PASS

# --- Handlers ---------------------------------------------------------------------------------
  CODE32
# INT 0x80 at CPL 0 (DS is still the caller's flat user segment): records, returns RESULT.
int80_handler:
  movl %eax, rec_eax
  movl %esp, rec_sp
  SEL_OF %cs, %eax
  movl %eax, rec_cs
  SEL_OF %ss, %eax
  movl %eax, rec_ss
  .irp i, 0, 4, 8, 12, 16
    movl \i(%esp), %eax
    movl %eax, rec_frame + \i
  .endr
  movl $RESULT, %eax
  iretl

sysenter_entry:
  movl %esp, rec_sp
  SEL_OF %cs, %eax
  movl %eax, rec_cs
  SEL_OF %ss, %eax
  movl %eax, rec_ss
  sysexit

  CODE64
int80_handler64:
  movq %rax, rec_eax
  movq %rsp, rec_sp
  SEL_OF %cs, %eax
  movq %rax, rec_cs
  SEL_OF %ss, %eax
  movq %rax, rec_ss
  .irp i, 0, 8, 16, 24, 32
    movq \i(%rsp), %rax
    movq %rax, rec_frame + \i
  .endr
  movq rec_eax, %rax
  iretq

syscall_entry:
  movq %rcx, rec_rcx
  movq %r11, rec_r11
  pushfq
  popq rec_flags
  SEL_OF %cs, %eax
  movq %rax, rec_cs
  SEL_OF %ss, %eax
  movq %rax, rec_ss
  sysretq

  .data
  .balign 8
rec_eax: .quad 0
rec_sp: .quad 0
rec_cs: .quad 0
rec_ss: .quad 0
rec_rcx: .quad 0
rec_r11: .quad 0
rec_flags: .quad 0
rec_frame: .fill 5, 8, 0
