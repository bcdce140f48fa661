# Interrupt delivery from the 8254 PIT through the 8259 pair (8259A and 8254 datasheets; SDM
# Vol. 3A 6.3.2): ICW1-ICW4 and the mask register, a masked IRQ latched in IRR but not delivered,
# the latched request delivered on unmasking, timer interrupts at vector 0x20 with ISR set during
# the handler and cleared by EOI, and the RTC's periodic interrupt through the slave (0x28).

.include "lib.inc"
TEST_NAME "pit_pic"

.set WAIT_LOOPS, 5000000         # bounded waits (about a second; the timer ticks every ms)

# WAIT_UNTIL label: loops calling the predicate `label` (ZF = 1: done) a bounded number of times;
# FAILs with `what` if it never holds.
.macro WAIT_UNTIL pred:req, what:req
  movl $WAIT_LOOPS, %ecx
.Lwu_loop\@:
  call \pred
  jz .Lwu_done\@
  decl %ecx
  jnz .Lwu_loop\@
  FAIL "timed out waiting: \what"
.Lwu_done\@:
.endm

  .globl test_main
test_main:
  .irp v, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x2D, 0x2E, 0x2F
    SET_ACTION \v, ACT_IRET_EOI  # counted in vec_count[]
  .endr
  SET_ACTION 8, ACT_IRET_EOI     # IRQ 0 at the power-on vector base would land here
  movl $0x20, %eax
  movl $irq0_handler, %edx
  movl $GATE_INT, %ecx
  call lib_set_gate32
  call lib_pic_init
  inb $0x21, %al
  movzbl %al, %eax
  CHECK %eax, $0xFF, "master IMR after ICW1-4 and OCW1"
  inb $0xA1, %al
  movzbl %al, %eax
  CHECK %eax, $0xFF, "slave IMR after ICW1-4 and OCW1"
  movl $1193, %eax
  call lib_pit_start

  # Masked: the tick sets IRR, nothing is delivered.
  sti
  WAIT_UNTIL irr0_set, "IRQ 0 in IRR while masked"
  CHECK irq0_count, $0, "masked IRQ 0 is not delivered"

  # Unmasked: the latched request arrives, then one per tick; the handler masks IRQ 0 again
  # at the fifth, after which ticks only reach IRR.
  movl $5, irq_limit
  inb $0x21, %al
  andb $0xFE, %al
  outb %al, $0x21
  WAIT_UNTIL five_irqs, "five timer interrupts"
  WAIT_UNTIL irr0_set, "IRQ 0 in IRR after masking it again"
  cli
  CHECK irq0_count, $5, "exactly five timer interrupts, none while masked"
  CHECK rec_vector_ok, $5, "each arrived through the IDT gate of vector 0x20"
  CHECK rec_isr, $1, "ISR bit 0 set while the handler runs"
  movb $0x0B, %al                # OCW3: read ISR
  outb %al, $0x20
  inb $0x20, %al
  movzbl %al, %eax
  CHECK %eax, $0, "ISR clear after the EOIs"
  movb $0x0A, %al                # OCW3: read IRR
  outb %al, $0x20
  movl vec_count + 8 * 4, %eax
  .irp v, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x2D, 0x2E, 0x2F
    addl vec_count + \v * 4, %eax
  .endr
  CHECK %eax, $0, "no interrupt at any other vector"
  movb $0x30, %al                # stop the timer: mode 0 with no count loaded
  outb %al, $0x43

  # The RTC's periodic interrupt (IRQ 8): slave IRQ 0 cascaded through master IRQ 2, vector
  # 0x28. Until register C is read the RTC raises no new interrupt.
  movb $0x0A, %al
  outb %al, $0x70
  movb $0x26, %al                # 32.768 kHz time base, 1024 Hz periodic rate
  outb %al, $0x71
  movb $0x0C, %al
  outb %al, $0x70
  inb $0x71, %al                 # clear pending flags
  movb $0x0B, %al
  outb %al, $0x70
  inb $0x71, %al
  orb $0x40, %al                 # PIE
  movb %al, %bl
  movb $0x0B, %al
  outb %al, $0x70
  movb %bl, %al
  outb %al, $0x71
  movb $0xFB, %al                # master: IRQ 2 (cascade) only
  outb %al, $0x21
  movb $0xFE, %al                # slave: IRQ 8 only
  outb %al, $0xA1
  sti
  WAIT_UNTIL rtc_irq, "the RTC periodic interrupt"
  movl $20000, %ecx              # a while longer: no second one without reading register C
1:
  pause
  loop 1b
  cli
  CHECK vec_count+0x28*4, $1, "RTC: one interrupt at vector 0x28 until register C is read"
  movb $0x0C, %al
  outb %al, $0x70
  inb $0x71, %al
  andl $0xC0, %eax
  CHECK %eax, $0xC0, "RTC register C: IRQF and PF"
  movb $0xFF, %al
  outb %al, $0x21
  outb %al, $0xA1
  PASS

# Predicates for WAIT_UNTIL: ZF = 1 when the condition holds. Clobber eax.
irr0_set:
  inb $0x20, %al                 # OCW3 left at "read IRR"
  notb %al
  testb $1, %al
  ret
five_irqs:
  cmpl $5, irq0_count
  ret
rtc_irq:
  cmpl $0, vec_count + 0x28 * 4
  je 1f
  xorl %eax, %eax                # arrived: ZF = 1
  ret
1:
  orl $1, %eax                   # not yet: ZF = 0
  ret

# IRQ 0: counts, records ISR during service and that it came through gate 0x20, masks IRQ 0
# once irq_limit interrupts have arrived, EOI.
irq0_handler:
  pushl %eax
  movb $0x0B, %al
  outb %al, $0x20
  inb $0x20, %al
  movzbl %al, %eax
  movl %eax, rec_isr
  movb $0x0A, %al
  outb %al, $0x20
  incl irq0_count
  incl rec_vector_ok
  movl irq0_count, %eax
  cmpl irq_limit, %eax
  jb 1f
  inb $0x21, %al
  orb $1, %al
  outb %al, $0x21
1:
  movb $0x20, %al
  outb %al, $0x20
  popl %eax
  iretl

  .data
  .balign 4
irq0_count: .long 0
irq_limit: .long 0
rec_isr: .long 0
rec_vector_ok: .long 0
