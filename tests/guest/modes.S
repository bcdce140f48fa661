# Mode switches: 32-bit protected mode -> 16-bit protected mode -> 32-bit paging -> PAE ->
# IA-32e (compatibility, 64-bit, compatibility, 64-bit) -> out of IA-32e -> real mode (PE
# cleared), with a mode-specific check in each; real-mode segment arithmetic and the A20 gate.
# lib.S has already gone from real mode to 32-bit protected mode at reset.

.include "lib.inc"
TEST_NAME "modes"

.set PROBE_LINEAR, 0x40000000   # mapped differently in each paging mode
.set EFER, 0xC0000080

  .globl test_main
test_main:
  # --- 32-bit protected mode ----------------------------------------------------------------
  movl $0x12345678, %eax
  movw $0xFFFF, %ax              # a 16-bit operand (0x66 prefix) leaves EAX[31:16] alone
  CHECK %eax, $0x1234FFFF, "pm32: 16-bit operand merges into EAX"
  smsw %eax
  andl $1, %eax
  CHECK %eax, $1, "pm32: CR0.PE"
  call mode_probe
  CHECK %eax, $4, "pm32: 0x48 decodes as DEC EAX"

  # --- 16-bit protected mode: a code segment with D = 0 (SDM Vol. 3A 3.4.5) -------------------
  ljmp $SEL_CODE16, $(pm16 - ROM_BASE)
  CODE16
pm16:
  xorl %eax, %eax
  decw %ax                       # default operand size 16
  movl %eax, pm16_dec
  movl %esp, %edx
  pushw %ax                      # 16-bit push on the 32-bit (B = 1) stack: 2 bytes
  movl %esp, %ecx
  popw %ax
  subl %ecx, %edx
  movl %edx, pm16_push
  call 1f                        # pushes IP: the offset within the segment (base 0xF0000)
1:
  popw %ax
  movw %ax, pm16_ip
  ljmpl $SEL_CODE32, $pm32_back
  CODE32
pm32_back:
  CHECK pm16_dec, $0xFFFF, "pm16: DEC AX has a 16-bit operand size"
  CHECK pm16_push, $2, "pm16: PUSH AX pushes 2 bytes"
  movzwl pm16_ip, %eax
  CHECK %eax, $(1b - ROM_BASE), "pm16: CALL pushes the offset from the CS base"

  # --- 32-bit paging: 4 MiB pages (CR4.PSE) and a 4 KiB page (SDM Vol. 3A 4.3) -------------
  call lib_page_alloc
  movl %eax, %ebx                # page directory
  movl $0x00000083, (%ebx)       # 0..4 MiB identity, P RW PS
  movl $0x00400083, 4(%ebx)      # 4..8 MiB identity
  movl $SCRATCH + 0x000083, 256 * 4(%ebx)  # PROBE_LINEAR -> SCRATCH, 4 MiB page
  call lib_page_alloc
  movl %eax, %edx                # page table for PROBE_LINEAR + 4 MiB
  orl $3, %eax
  movl %eax, 257 * 4(%ebx)
  movl $SCRATCH + 0x1000 + 3, (%edx)  # -> SCRATCH + 4 KiB
  movl %cr4, %eax
  orl $0x10, %eax                # PSE
  movl %eax, %cr4
  movl %ebx, %cr3
  movl %cr0, %eax
  orl $0x80000000, %eax
  movl %eax, %cr0
  movl $0x11111111, PROBE_LINEAR + 0x10
  movl $0x22222222, PROBE_LINEAR + 0x400010
  movl %cr0, %eax
  andl $0x7FFFFFFF, %eax
  movl %eax, %cr0
  CHECK SCRATCH + 0x10, $0x11111111, "paging32: a store through a 4 MiB page"
  CHECK SCRATCH + 0x1010, $0x22222222, "paging32: a store through a 4 KiB page"

  # --- PAE paging: four PDPTEs, 8-byte entries, 2 MiB pages (SDM Vol. 3A 4.4) ------------------
  call lib_page_alloc
  movl %eax, %ebx                # PDPT (only P in a PDPTE; RW/US are reserved there)
  call lib_page_alloc
  movl %eax, pd_ident
  orl $1, %eax
  movl %eax, (%ebx)
  movl pd_ident, %edi
  movl $0x83, %eax
  movl $4, %ecx                  # 0..8 MiB identity, 2 MiB pages
1:
  movl %eax, (%edi)
  addl $0x200000, %eax
  addl $8, %edi
  loop 1b
  call lib_page_alloc
  movl %eax, pd_probe
  orl $1, %eax
  movl %eax, 8(%ebx)             # PDPTE 1: 0x40000000..0x7FFFFFFF
  movl pd_probe, %edi
  movl $SCRATCH + 0x200000 + 0x83, (%edi)
  movl %cr4, %eax
  orl $0x20, %eax                # PAE
  movl %eax, %cr4
  movl %ebx, %cr3
  movl %cr0, %eax
  orl $0x80000000, %eax
  movl %eax, %cr0
  movl $0x33333333, PROBE_LINEAR + 0x20
  call mode_probe
  movl %eax, %esi
  movl %cr0, %eax
  andl $0x7FFFFFFF, %eax
  movl %eax, %cr0
  CHECK SCRATCH + 0x200020, $0x33333333, "pae: a store through a 2 MiB page"
  CHECK %esi, $4, "pae: still legacy 32-bit code"

  # --- IA-32e mode: EFER.LME, then CR0.PG activates it (SDM Vol. 3A 10.8.5) ------------------
  call lib_page_alloc
  movl %eax, %ebx                # PML4
  call lib_page_alloc
  movl %eax, %edx                # PDPT for 0..512 GiB
  orl $3, %eax
  movl %eax, (%ebx)
  movl pd_ident, %eax
  orl $3, %eax
  movl %eax, (%edx)              # 0..1 GiB -> the PAE identity directory
  movl pd_probe, %eax
  orl $3, %eax
  movl %eax, 8(%edx)             # PROBE_LINEAR -> the same 2 MiB page as under PAE
  call lib_page_alloc
  movl %eax, %edx                # PDPT for the top 512 GiB
  orl $3, %eax
  movl %eax, 511 * 8(%ebx)
  movl pd_probe, %eax
  orl $3, %eax
  movl %eax, 511 * 8(%edx)       # 0xFFFFFFFFC0000000 -> the probe page too
  call lib_build_idt64
  movl %ebx, %cr3
  movl $EFER, %ecx
  rdmsr
  orl $0x100, %eax               # LME
  wrmsr
  movl %cr0, %eax
  orl $0x80000000, %eax
  movl %eax, %cr0
  # Still in the 32-bit code segment: compatibility mode now.
  lidt idt64_ptr
  movl $EFER, %ecx
  rdmsr
  andl $0x500, %eax
  CHECK %eax, $0x500, "compat: EFER.LMA and LME after CR0.PG"
  call mode_probe
  CHECK %eax, $4, "compat: 0x48 decodes as DEC EAX"
  ljmp $SEL_CODE64, $long64

  CODE64
long64:
  call mode_probe
  CHECK %rax, $5, "64-bit: 0x48 is a REX.W prefix"
  movabsq $0x0123456789ABCDEF, %r8
  movq %r8, %r15
  rorq $32, %r15
  movabsq $0x89ABCDEF01234567, %rax
  CHECK %r15, %rax, "64-bit: 64-bit registers R8/R15"
  leaq rip_target(%rip), %rax
  CHECK %rax, $rip_target, "64-bit: RIP-relative LEA"
  movq rip_value(%rip), %rax
  movabsq $0xFEDCBA9876543210, %rcx
  CHECK %rax, %rcx, "64-bit: RIP-relative load"
  movabsq $0xFFFFFFFFC0000030, %rdi
  movabsq $0x4444444455555555, %rax
  movq %rax, (%rdi)
  movq PROBE_LINEAR + 0x30, %rdx
  CHECK %rdx, %rax, "64-bit: a store through a non-zero PML4 index"
  movq %rsp, %rdx
  pushq $0
  movq %rsp, %rcx
  popq %rax
  subq %rcx, %rdx
  CHECK %rdx, $8, "64-bit: PUSH is 8 bytes"
  # Far return to the 32-bit code segment: compatibility mode again.
  pushq $SEL_CODE32
  pushq $compat2
  lretq
  CODE32
compat2:
  call mode_probe
  CHECK %eax, $4, "compat (from 64-bit): 0x48 decodes as DEC EAX"
  movl %esp, %edx
  pushl $0
  movl %esp, %ecx
  popl %eax
  subl %ecx, %edx
  CHECK %edx, $4, "compat: PUSH is 4 bytes"
  ljmp $SEL_CODE64, $long64_again
  CODE64
long64_again:
  call mode_probe
  CHECK %rax, $5, "64-bit (from compat): 0x48 is a REX.W prefix"
  pushq $SEL_CODE32
  pushq $leave_long
  lretq
  CODE32
leave_long:
  # Leaving IA-32e mode: from compatibility mode, clear CR0.PG, then EFER.LME (SDM 10.8.5.4).
  movl %cr0, %eax
  andl $0x7FFFFFFF, %eax
  movl %eax, %cr0
  movl $EFER, %ecx
  rdmsr
  andl $~0x100, %eax
  wrmsr
  lidt idt32_ptr
  movl $EFER, %ecx
  rdmsr
  andl $0x500, %eax
  CHECK %eax, $0, "pm32 again: EFER.LMA and LME clear"
  call mode_probe
  CHECK %eax, $4, "pm32 again: 0x48 decodes as DEC EAX"

  # --- Real mode: through a 16-bit segment, clear CR0.PE (SDM Vol. 3A 10.9.2) ----------------
  movl %esp, saved_esp
  ljmp $SEL_CODE16, $(to_real - ROM_BASE)
  CODE16
to_real:
  movw $SEL_DATA16, %ax
  movw %ax, %ds
  movw %ax, %es
  movw %ax, %ss
  lidtl real_idt
  movl %cr0, %eax
  andl $0xFFFFFFFE, %eax
  movl %eax, %cr0
  ljmp $0xF000, $(real - ROM_BASE)
real:
  xorw %ax, %ax
  movw %ax, %ds
  movw %ax, %ss
  movw $RM_STACK_TOP, %sp
  movw %cs, %ax
  movzwl %ax, %eax
  CHECK %eax, $0xF000, "real: CS after the far jump"
  smsw %ax
  andl $1, %eax
  CHECK %eax, $0, "real: CR0.PE clear"
  # Segment arithmetic: linear = selector * 16 + offset.
  movw $0x1234, %ax
  movw %ax, %ds
  movw $0xBEEF, 0x0010           # 0x12340 + 0x10
  movw $0x1235, %ax
  movw %ax, %es
  movzwl %es:0x0000, %eax
  xorw %dx, %dx
  movw %dx, %ds
  CHECK %eax, $0xBEEF, "real: 1234:0010 and 1235:0000 are the same byte"
  movl $0x89ABCDEF, %eax
  movw $0x1111, %ax
  CHECK %eax, $0x89AB1111, "real: 16-bit operand merges into EAX"
  # A20: the OR of port 0x92 bit 1 and the i8042 output port bit 1, as on a PC. With both off,
  # FFFF:0610 (= 0x100600) wraps to 0000:0600.
  movw $0xFFFF, %ax
  movw %ax, %es
  movw $0x1111, 0x0600
  inb $0x92, %al
  andb $0xFC, %al
  outb %al, $0x92
  inb $0x92, %al
  andl $2, %eax
  CHECK %eax, $0, "real: port 0x92 bit 1 reads back clear"
  movw $0x2222, %es:0x0610
  movzwl 0x0600, %eax
  CHECK %eax, $0x1111, "real: A20 still on through the i8042 output port"
  movb $0xDD, %bl                # output port: A20 off, reset line inactive (bit 0 = 1)
  call kbc_output_port
  movw $0x2222, %es:0x0610
  movzwl 0x0600, %eax
  CHECK %eax, $0x2222, "real: A20 off wraps FFFF:0610 to 0000:0600"
  inb $0x92, %al
  orb $2, %al
  andb $0xFE, %al
  outb %al, $0x92
  inb $0x92, %al
  andl $2, %eax
  CHECK %eax, $2, "real: port 0x92 bit 1 reads back set"
  movw $0x3333, %es:0x0610
  movzwl 0x0600, %eax
  CHECK %eax, $0x2222, "real: fast A20 on, 0000:0600 is separate from FFFF:0610"
  movzwl %es:0x0610, %eax
  CHECK %eax, $0x3333, "real: fast A20 on, FFFF:0610 reaches 0x100600"
  movb $0xDF, %bl                # the i8042 gate on too
  call kbc_output_port

  # --- Back to protected mode --------------------------------------------------------------
  cli
  lgdtl gdt_ptr
  movl %cr0, %eax
  orl $1, %eax
  movl %eax, %cr0
  ljmpl $SEL_CODE32, $pm_final
  CODE32
pm_final:
  movw $SEL_DATA32, %ax
  movw %ax, %ds
  movw %ax, %es
  movw %ax, %ss
  movl saved_esp, %esp
  lidt idt32_ptr
  call mode_probe
  CHECK %eax, $4, "pm32 from real mode: 32-bit code"
  PASS

  CODE16
# Writes %bl to the i8042 output port (command 0xD1), waiting for the input buffer each time.
kbc_output_port:
  call kbc_wait
  movb $0xD1, %al
  outb %al, $0x64
  call kbc_wait
  movb %bl, %al
  outb %al, $0x60
  call kbc_wait
  ret
kbc_wait:
  inb $0x64, %al
  testb $2, %al
  jnz kbc_wait
  ret

  CODE32
# Returns EAX = 4 in 32-bit code (0x48 = DEC EAX), 5 in 64-bit code (0x48 = REX.W): the same
# bytes are called from both.
mode_probe:
  .byte 0xB8
  .long 5                        # mov $5, %eax
  .byte 0x48, 0x90               # dec %eax; nop  |  rex.w nop
  ret

  .section .rodata
  .balign 8
rip_target:
rip_value: .quad 0xFEDCBA9876543210

  .data
  .balign 4
pm16_dec: .long 0
pm16_push: .long 0
pm16_ip: .word 0
  .balign 4
pd_ident: .long 0
pd_probe: .long 0
saved_esp: .long 0
real_idt:
  .word 0x3FF
  .long 0
