# Virtual-8086 mode (SDM Vol. 3A chapter 20): entered with IRET (VM in the popped EFLAGS, and
# ESP, SS, ES, DS, FS, GS after it), real-mode addressing, INT n with IOPL 3 reaching a ring-0
# handler with the V86 frame and IRET back, IOPL-sensitive instructions raising #GP(0) with IOPL
# below 3, and IN/OUT decided by the TSS I/O permission bitmap alone (20.2.8.1).

.include "lib.inc"
TEST_NAME "v86"

.set VM, 1 << 17
.set IOPL3, 3 << 12
.set V86_CS, 0xF000              # the image's real-mode segment: V86 code runs from the ROM
.set V86_SS, 0x8000
.set V86_SP, 0x1000
.set V86_DS, 0x9000
.set V86_ES, 0x9100
.set V86_FS, 0x9200
.set V86_GS, 0x9300
.set PORT_OK, 0x92               # allowed in the I/O bitmap
.set PORT_OK2, 0x80
.set PORT_DENIED, 0x21

# V86_IRET label, eflags: IRET from CPL 0 to `label` (16-bit code in the image) in V86 mode.
.macro V86_IRET label:req, eflags:req
  pushl $V86_GS
  pushl $V86_FS
  pushl $V86_DS
  pushl $V86_ES
  pushl $V86_SS
  pushl $V86_SP
  pushl $VM|\eflags|2
  pushl $V86_CS
  pushl $\label-ROM_BASE
  iretl
.endm

# V86_GP label, eflags, insn...: in V86 mode with `eflags`, the instruction raises #GP(0) and
# the ring-0 handler gets the V86 frame with the error code.
.macro V86_GP eflags:req, insn:vararg
  TRY .Lvg_resume\@
  V86_IRET .Lvg_code\@, \eflags
  CODE16
.Lvg_code\@:
  \insn
  int $0x41
  CODE32
.Lvg_resume\@:
  CHECK exc_vector, $13, "V86 \insn: vector"
  CHECK exc_error, $0, "V86 \insn: error code"
  CHECK exc_rip, $.Lvg_code\@-ROM_BASE, "V86 \insn: return IP"
  CHECK exc_cs, $V86_CS, "V86 \insn: pushed CS"
  movl exc_flags, %eax
  andl $VM, %eax
  CHECK %eax, $VM, "V86 \insn: pushed EFLAGS.VM"
  CHECK exc_frame_sp, $tss_stack0_top-40, "V86 \insn: error code and the V86 frame"
.endm

  .globl test_main
test_main:
  movl $0x40, %eax
  movl $int40_handler, %edx
  movl $GATE_INT_DPL3, %ecx
  call lib_set_gate32
  movl $0x41, %eax               # INT 0x41 from V86 mode: back to the TRY resume point
  movl $stubs32 + 0x41 * 16, %edx
  movl $GATE_INT_DPL3, %ecx
  call lib_set_gate32
  andb $~(1 << (PORT_OK & 7)), tss32 + TSS32_SIZE + (PORT_OK >> 3)
  andb $~(1 << (PORT_OK2 & 7)), tss32 + TSS32_SIZE + (PORT_OK2 >> 3)

  # --- IOPL 3: addressing, INT n to a ring-0 handler and IRET back, I/O by the bitmap --------
  TRY 9f
  V86_IRET v86_main, IOPL3
9:
  CHECK exc_vector, $0x41, "V86 code ran to its INT 0x41"
  CHECK 0x90010, $0x1234, "V86: DS * 16 + offset"
  CHECK 0x91020, $0x5678, "V86: ES * 16 + offset"
  CHECK 0x80000+V86_SP-2, $0xCAFE, "V86: SS * 16 + SP for PUSH"
  movzwl 0x90030, %eax
  CHECK %eax, $V86_CS, "V86: far CALL pushes CS"
  movzwl 0x90032, %eax
  CHECK %eax, $v86_after_lcall-ROM_BASE, "V86: far CALL pushes the return IP"
  movzwl 0x90034, %eax
  CHECK %eax, $V86_CS, "V86: CS in the far-called routine"
  CHECK rec_sp, $tss_stack0_top-36-8, "INT from V86: frame of 9 dwords on the ESP0 stack"
  CHECK rec_frame+0, $v86_after_int-ROM_BASE, "INT from V86 frame: EIP"
  CHECK rec_frame+4, $V86_CS, "INT from V86 frame: CS"
  movl rec_frame+8, %eax
  andl $VM|IOPL3, %eax
  CHECK %eax, $VM|IOPL3, "INT from V86 frame: EFLAGS.VM and IOPL"
  CHECK rec_frame+12, $V86_SP, "INT from V86 frame: ESP"
  CHECK rec_frame+16, $V86_SS, "INT from V86 frame: SS"
  CHECK rec_frame+20, $V86_ES, "INT from V86 frame: ES"
  CHECK rec_frame+24, $V86_DS, "INT from V86 frame: DS"
  CHECK rec_frame+28, $V86_FS, "INT from V86 frame: FS"
  CHECK rec_frame+32, $V86_GS, "INT from V86 frame: GS"
  CHECK rec_segs, $0, "INT from V86: DS, ES, FS, GS are null in the handler"
  CHECK rec_eflags, $0, "INT from V86: the handler runs with VM clear"
  movzwl 0x90040, %eax
  CHECK %eax, $0xBEEF, "IRET back to V86 mode continues after the INT"
  movzwl 0x90042, %eax
  CHECK %eax, $0x4321, "IRET back to V86 mode: registers and segments restored"
  movzbl 0x90044, %eax
  CHECK %eax, $2, "V86: IN from a port the bitmap allows (A20 bit of port 0x92)"

  # --- IOPL < 3: CLI, STI, PUSHF, POPF, INT n, IRET raise #GP(0) (SDM Vol. 3A 20.2.7) ---------
  V86_GP 0, cli
  V86_GP 0, sti
  V86_GP 0, pushfw
  V86_GP 0, popfw
  V86_GP 0, int $0x40
  V86_GP 0, iretw
  V86_GP IOPL3, inb $PORT_DENIED, %al       # the bitmap, not IOPL, decides in V86 mode
  V86_GP IOPL3, inw $PORT_OK, %ax           # both ports of a word access must be allowed
  V86_GP 0, outb %al, $PORT_DENIED
  TRY 9f
  V86_IRET v86_io, 0
9:
  CHECK exc_vector, $13, "V86 with IOPL 0: allowed ports need no IOPL (#GP only at HLT)"
  CHECK exc_rip, $v86_io_end-ROM_BASE, "V86 with IOPL 0: IN and OUT passed, HLT faulted"
  movzbl 0x90050, %eax
  CHECK %eax, $2, "V86 with IOPL 0: IN from an allowed port"
  PASS

# --- V86 code (16-bit, real-mode addressing, run from the ROM alias at F000:xxxx) ---------------
  CODE16
v86_main:
  movw $0x1234, 0x10             # DS = 0x9000
  movw $0x5678, %es:0x20         # ES = 0x9100
  lcall $V86_CS, $v86_far-ROM_BASE
v86_after_lcall:
  pushw $0xCAFE                  # SS:SP = 8000:1000
  popw %ax
  movw $0x4321, %bx
  int $0x40
v86_after_int:
  movw $0xBEEF, 0x40
  movw %bx, 0x42
  inb $PORT_OK, %al
  andb $2, %al
  movb %al, 0x44
  outb %al, $PORT_OK2
  int $0x41
v86_far:
  popw 0x32                      # the return IP
  popw 0x30                      # the return CS
  subw $4, %sp
  movw %cs, 0x34
  lret

v86_io:
  inb $PORT_OK, %al
  andb $2, %al
  movb %al, 0x50
  outb %al, $PORT_OK2
v86_io_end:
  hlt                            # #GP(0) in V86 mode: the way back with IOPL 0

  CODE32
# INT 0x40 from V86 mode: records the frame, the data segments (null) and EFLAGS.VM (clear).
int40_handler:
  pushl %eax
  pushl %ds
  movw $SEL_DATA32, %ax
  movw %ax, %ds
  movl %esp, rec_sp
  .irp i, 0, 4, 8, 12, 16, 20, 24, 28, 32
    movl 8+\i(%esp), %eax
    movl %eax, rec_frame + \i
  .endr
  movl 0(%esp), %eax             # DS at entry
  movw %es, %dx
  orw %dx, %ax
  movw %fs, %dx
  orw %dx, %ax
  movw %gs, %dx
  orw %dx, %ax
  movzwl %ax, %eax
  movl %eax, rec_segs
  pushfl
  popl %eax
  andl $VM, %eax
  movl %eax, rec_eflags
  popl %ds
  popl %eax
  iretl

  .data
  .balign 4
rec_sp: .long 0
rec_segs: .long 0
rec_eflags: .long 0
rec_frame: .fill 9, 4, 0
