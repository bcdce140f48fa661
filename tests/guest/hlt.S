# HLT wake-up (SDM Vol. 2A HLT, Vol. 2B STI): with IF = 1 a timer interrupt ends HLT and the
# pushed return address is the instruction after it; after STI the interrupt shadow holds a
# pending interrupt off until the HLT has started, which must still wake (so `sti; hlt` cannot
# lose a wake-up); the same in 64-bit mode.

.include "lib.inc"
TEST_NAME "hlt"

.set IF, 1 << 9

  .globl test_main
test_main:
  SET_ACTION 0x20, ACT_IRET_EOI  # IRQ 0: recorded (exc_rip...), counted, EOI, IRET
  call lib_pic_init
  movl $1193, %eax               # a tick every millisecond
  call lib_pit_start
  inb $0x21, %al
  andb $0xFE, %al
  outb %al, $0x21

  # HLT with interrupts on: the next tick wakes it. (A tick may also land between STI and HLT;
  # exc_rip is from the last one, the one that ended the HLT.)
  sti
  hlt
after_hlt:
  cli
  CHECK exc_vector, $0x20, "HLT woken by IRQ 0 at vector 0x20"
  CHECK exc_rip, $after_hlt, "HLT: the pushed return address is after the HLT"
  CHECK exc_cs, $SEL_CODE32, "HLT: pushed CS"
  movl exc_flags, %eax
  andl $IF, %eax
  CHECK %eax, $IF, "HLT: pushed EFLAGS.IF"

  # A request already pending when STI runs: held off for one instruction, so it is taken
  # with the HLT under way and the return address is after the HLT, not at it.
  movl $0x20, %eax               # the first interrupt after arming records its return address
  movl $first_irq_handler, %edx
  movl $GATE_INT, %ecx
  call lib_set_gate32
  movl vec_count + 0x20 * 4, %esi
  movb $0x0A, %al                # OCW3: read IRR
  outb %al, $0x20
  movl $5000000, %ecx
1:
  inb $0x20, %al
  testb $1, %al
  jnz 2f
  loop 1b
  FAIL "IRQ 0 never became pending"
2:
  movl $1, armed
  sti
  hlt
after_shadow_hlt:
  cli
  CHECK first_eip, $after_shadow_hlt, "sti; hlt with a pending IRQ: taken after the HLT started"
  movl $0x20, %eax
  movl $stubs32 + 0x20 * 16, %edx
  movl $GATE_INT, %ecx
  call lib_set_gate32

  # Several HLTs in a row each end with an interrupt.
  movl $5, %edi
3:
  movl vec_count + 0x20 * 4, %esi
  sti
  hlt
  cli
  cmpl vec_count + 0x20 * 4, %esi
  je 4f
  decl %edi
  jnz 3b
4:
  CHECK %edi, $0, "five HLTs, each ended by an interrupt"

  # 64-bit mode: the same through a 16-byte gate.
  call lib_enter_long
  CODE64
  sti
  hlt
after_hlt64:
  cli
  CHECK exc_vector, $0x20, "64-bit HLT woken by IRQ 0"
  CHECK exc_rip, $after_hlt64, "64-bit HLT: the pushed return address is after the HLT"
  CHECK exc_cs, $SEL_CODE64, "64-bit HLT: pushed CS"
  movb $0xFF, %al
  outb %al, $0x21
  PASS

  CODE32
# IRQ 0 while `armed`: records the pushed EIP of the first interrupt, then behaves like the lib's
# ACT_IRET_EOI stub (count, EOI, IRET).
first_irq_handler:
  pushl %eax
  cmpl $0, armed
  je 1f
  movl 4(%esp), %eax
  movl %eax, first_eip
  movl $0, armed
1:
  incl vec_count + 0x20 * 4
  movb $0x20, %al
  outb %al, $0x20
  popl %eax
  iretl

  .data
  .balign 4
armed: .long 0
first_eip: .long 0
