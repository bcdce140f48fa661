# Hardware task switches (SDM Vol. 3A chapter 7 "Task Management"): CALL to a TSS nests the new
# task (back link, NT, both TSSs busy) and its IRET returns through the link; JMP to a TSS frees
# the old task; an exception through an IDT task gate hands its error code to the handler task;
# INT n through a task gate; a busy or too-small TSS faults.
.include "lib.inc"
TEST_NAME "tasks"

.set SEL_TSS_B, SEL_FREE          # the second task's TSS
.set TSS_EIP, 0x20
.set TSS_EFLAGS, 0x24
.set TSS_ECX, 0x2C
.set TSS_ESP, 0x38
.set NT, 0x4000

# Access byte of the TSS descriptor `sel` in the GDT (type 9 available, 0xB busy).
.macro ACCESS_BYTE sel:req, reg:req
  movzbl gdt + \sel + 5, \reg
.endm

  .globl test_main
test_main:
  # --- CALL to a TSS, IRET back through the back link ---------------------------------------
  movl $task_call, %eax
  call init_task_b
  movl $0x12345678, %esi         # the caller's registers come back from its own TSS
  lcall $SEL_TSS_B, $0
call_returned:
  CHECK %esi, $0x12345678, "CALL task: the caller's ESI after the nested task's IRET"
  movl rec_flags, %eax
  andl $NT, %eax
  CHECK %eax, $NT, "CALL task: the nested task runs with NT set"
  CHECK rec_link, $SEL_TSS32, "CALL task: the back link names the caller's TSS"
  CHECK rec_tr, $SEL_TSS_B, "CALL task: TR in the nested task"
  CHECK rec_a_access, $0x8B, "CALL task: the caller's TSS stays busy"
  CHECK rec_b_access, $0x8B, "CALL task: the new TSS is busy"
  CHECK tss_b + TSS_ECX, $0xBEEF, "IRET task: ECX saved in the nested task's TSS"
  movl tss_b + TSS_EFLAGS, %eax
  andl $NT, %eax
  CHECK %eax, $0, "IRET task: the saved EFLAGS has NT clear"
  CHECK tss_b + TSS_EIP, $task_call_end, "IRET task: the saved EIP follows the IRET"
  CHECK tss32 + TSS_EIP, $call_returned, "CALL task: the caller's saved EIP follows the CALL"
  ACCESS_BYTE SEL_TSS_B, %eax
  CHECK %eax, $0x89, "IRET task: the nested task's TSS is available again"
  ACCESS_BYTE SEL_TSS32, %eax
  CHECK %eax, $0x8B, "IRET task: the caller's TSS is still busy"
  xorl %eax, %eax
  str %ax
  CHECK %eax, $SEL_TSS32, "IRET task: TR is the caller's TSS"
  pushfl
  popl %eax
  andl $NT, %eax
  CHECK %eax, $0, "IRET task: NT clear in the caller"
  movl %cr0, %eax
  andl $8, %eax
  CHECK %eax, $8, "task switch sets CR0.TS"
  clts

  # --- JMP to a TSS: no nesting, the old TSS becomes available -------------------------------
  movl $task_jmp, %eax
  call init_task_b
  ljmp $SEL_TSS_B, $0
  movl rec_flags, %eax
  andl $NT, %eax
  CHECK %eax, $0, "JMP task: NT stays clear"
  CHECK rec_link, $0, "JMP task: no back link written"
  CHECK rec_a_access, $0x89, "JMP task: the old TSS was made available"
  CHECK rec_b_access, $0x8B, "JMP task: the new TSS is busy"
  ACCESS_BYTE SEL_TSS_B, %eax
  CHECK %eax, $0x89, "JMP task: the second task is available after it jumped back"
  ACCESS_BYTE SEL_TSS32, %eax
  CHECK %eax, $0x8B, "JMP task: this task is busy again"
  clts

  # --- #GP through an IDT task gate: the error code arrives on the handler task's stack ------
  movl idt32 + 13 * 8, %eax
  movl %eax, saved_gate
  movl idt32 + 13 * 8 + 4, %eax
  movl %eax, saved_gate + 4
  movl $task_gp, %eax
  call init_task_b
  movl $(SEL_TSS_B << 16), idt32 + 13 * 8
  movl $0x8500, idt32 + 13 * 8 + 4     # present, DPL 0, task gate
  movw $0x1234, %ax                    # beyond the GDT: #GP(0x1234)
fault_insn:
  movw %ax, %ds
after_fault:
  movl saved_gate, %eax
  movl %eax, idt32 + 13 * 8
  movl saved_gate + 4, %eax
  movl %eax, idt32 + 13 * 8 + 4
  CHECK rec_error, $0x1234, "#GP task gate: error code on the handler task's stack"
  CHECK rec_saved_eip, $fault_insn, "#GP task gate: the faulting instruction saved in the TSS"
  CHECK rec_link, $SEL_TSS32, "#GP task gate: the handler task is nested"
  CHECK rec_esp, $(task_b_stack_top - 4), "#GP task gate: one dword pushed on the task's stack"
  clts

  # --- INT n through a task gate ------------------------------------------------------------
  movl $task_int, %eax
  call init_task_b
  movl $(SEL_TSS_B << 16), idt32 + 0x40 * 8
  movl $0x8500, idt32 + 0x40 * 8 + 4
  movl $0, rec_link
  int $0x40
int_returned:
  CHECK rec_link, $SEL_TSS32, "INT task gate: nested handler task"
  CHECK tss32 + TSS_EIP, $int_returned, "INT task gate: the saved EIP follows the INT"
  clts

  # --- Faults: a busy target, a TSS below the minimum limit, an LDT-resident TSS selector ------
  EXPECT_FAULT 13, SEL_TSS32, fault, ljmp $SEL_TSS32, $0
  movl $task_jmp, %eax
  call init_task_b
  movw $0x20, gdt + SEL_TSS_B          # limit 0x20 < 0x67
  EXPECT_FAULT 10, SEL_TSS_B, fault, ljmp $SEL_TSS_B, $0
  ACCESS_BYTE SEL_TSS_B, %eax
  CHECK %eax, $0x89, "#TS: the TSS was not marked busy"
  EXPECT_FAULT 13, (SEL_TSS_B | 4), fault, lcall $(SEL_TSS_B | 4), $0
  PASS

# init_task_b: %eax = entry point. A ring-0 task with flat segments, its own stack and no LDT or
# I/O bitmap; its descriptor is an available 32-bit TSS (SDM Vol. 3A Figure 7-2, 7.2.2).
init_task_b:
  pushal
  movl %eax, %edx
  movl $tss_b, %edi
  movl $TSS32_SIZE / 4, %ecx
  xorl %eax, %eax
  rep stosl
  movl %edx, tss_b + TSS_EIP
  movl $2, tss_b + TSS_EFLAGS
  movl $task_b_stack_top, tss_b + TSS_ESP
  movw $SEL_CODE32, tss_b + 0x4C
  movw $SEL_DATA32, tss_b + 0x48
  movw $SEL_DATA32, tss_b + 0x50
  movw $SEL_DATA32, tss_b + 0x54
  movw $SEL_DATA32, tss_b + 0x58
  movw $SEL_DATA32, tss_b + 0x5C
  movw $TSS32_SIZE, tss_b + TSS32_IOMAP
  movl $SEL_TSS_B, %eax
  movl $tss_b, %edx
  movl $TSS32_SIZE - 1, %ecx
  movl $0x0089, %ebx
  call lib_set_desc
  popal
  ret

# The second task's bodies. They only record what they see; the checks run in the first task.
record_common:
  pushfl
  popl rec_flags
  movzwl tss_b, %eax
  movl %eax, rec_link
  ACCESS_BYTE SEL_TSS32, %eax
  movl %eax, rec_a_access
  ACCESS_BYTE SEL_TSS_B, %eax
  movl %eax, rec_b_access
  xorl %eax, %eax
  str %ax
  movl %eax, rec_tr
  ret

task_call:
  call record_common
  movl $0xBEEF, %ecx
  iretl
task_call_end:
  FAIL "the nested task ran past its IRET"

task_jmp:
  call record_common
  ljmp $SEL_TSS32, $0
  FAIL "the second task ran past its JMP back"

task_gp:
  movl %esp, rec_esp
  popl rec_error
  movl tss32 + TSS_EIP, %eax
  movl %eax, rec_saved_eip
  movl $after_fault, tss32 + TSS_EIP   # resume the faulting task past the bad load
  movzwl tss_b, %eax
  movl %eax, rec_link
  iretl

task_int:
  movzwl tss_b, %eax
  movl %eax, rec_link
  iretl

  .section .bss
  .balign 16
tss_b: .space TSS32_SIZE
  .balign 16
  .space 4096
task_b_stack_top:
  .space 16
saved_gate: .space 8
rec_flags: .space 4
rec_link: .space 4
rec_tr: .space 4
rec_a_access: .space 4
rec_b_access: .space 4
rec_error: .space 4
rec_esp: .space 4
rec_saved_eip: .space 4
