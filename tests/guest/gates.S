# Call gates (SDM Vol. 3A 5.8.3-5.8.6; Vol. 2A CALL, JMP; Vol. 2B RET): ring 3 -> ring 0
# through a 32-bit gate with parameters copied to the TSS stack and RETF n back out; the gate
# privilege and presence checks; JMP and same-level CALL through a gate; the 64-bit gate in
# IA-32e mode at the same level and from ring 3 (RSP0 from the TSS, null SS).
.include "lib.inc"
TEST_NAME "gates"

.set SEL_GATE3, SEL_FREE            # 32-bit, DPL 3, two parameters -> gate_target32
.set SEL_GATE0, SEL_FREE + 0x08     # 32-bit, DPL 0 -> jmp_target32
.set SEL_GATE_NP, SEL_FREE + 0x10   # not present
.set SEL_GATE_DATA, SEL_FREE + 0x18 # names a data segment
.set SEL_GATE_CALL, SEL_FREE + 0x20 # 32-bit, DPL 0 -> call_target32
.set SEL_GATE64, SEL_FREE + 0x28    # 64-bit, DPL 3, 16 bytes (two slots) -> gate_target64

# GATE32 sel, target, cs, access, params: a 32-bit call gate (SDM Vol. 3A Figure 5-8).
.macro GATE32 sel:req, target:req, cs:req, access:req, params:req
  movl $\target, %eax
  movw %ax, gdt + \sel
  movw $\cs, gdt + \sel + 2
  movb $\params, gdt + \sel + 4
  movb $\access, gdt + \sel + 5
  shrl $16, %eax
  movw %ax, gdt + \sel + 6
.endm

  .globl test_main
test_main:
  GATE32 SEL_GATE3, gate_target32, SEL_CODE32, 0xEC, 2
  GATE32 SEL_GATE0, jmp_target32, SEL_CODE32, 0x8C, 0
  GATE32 SEL_GATE_NP, jmp_target32, SEL_CODE32, 0x0C, 0
  GATE32 SEL_GATE_DATA, jmp_target32, SEL_DATA32, 0x8C, 0
  GATE32 SEL_GATE_CALL, call_target32, SEL_CODE32, 0x8C, 0

  # --- ring 3 -> ring 0 through a call gate; RETF 8 releases the parameters on both stacks ---
  TRY back_from_ring3
  pushl $SEL_UDATA32
  pushl $stack3_top
  pushfl
  pushl $SEL_UCODE32
  pushl $ring3_code
  iretl
ring3_code:
  movw $SEL_UDATA32, %ax
  movw %ax, %ds
  movw %ax, %es
  pushl $0x11111111
  pushl $0x22222222
  lcall $(SEL_GATE3 | 3), $0
ring3_after_call:
  movl %esp, r3_esp_after
  movw %cs, r3_cs_after
ring3_hlt:
  hlt                                   # #GP(0) at ring 3 ends the excursion
back_from_ring3:
  CHECK exc_vector, $13, "HLT at ring 3 after the gate call returned: #GP"
  CHECK exc_rip, $ring3_hlt, "HLT at ring 3: the faulting address"
  CHECK g_param0, $0x22222222, "the parameter on top of the caller's stack stays on top"
  CHECK g_param1, $0x11111111, "the second parameter"
  CHECK g_old_esp, $(stack3_top - 8), "the caller's ESP pushed below its parameters"
  CHECK g_old_ss, $SEL_UDATA32, "the caller's SS pushed"
  CHECK g_cs, $SEL_CODE32, "the gate's code segment runs at ring 0"
  CHECK g_ret, $ring3_after_call, "the return EIP"
  CHECK g_ret_cs, $SEL_UCODE32, "the return CS"
  CHECK g_esp, $(tss_stack0_top - 24), "SS, ESP, two parameters, CS, EIP on the TSS stack"
  CHECK r3_esp_after, $stack3_top, "RETF 8 released the parameters on the caller's stack"
  CHECK r3_cs_after, $SEL_UCODE32, "back at ring 3"

  # --- checks on the gate itself (SDM Vol. 2A CALL: gate DPL vs CPL and RPL, presence, target) --
  EXPECT_FAULT 13, SEL_GATE0, fault, lcall $(SEL_GATE0 | 3), $0
  EXPECT_FAULT 11, SEL_GATE_NP, fault, lcall $SEL_GATE_NP, $0
  EXPECT_FAULT 13, SEL_DATA32, fault, lcall $SEL_GATE_DATA, $0

  # --- JMP through a gate: the operand's offset is ignored, nothing is pushed ------------------
  movl %esp, esp_before
  ljmp $SEL_GATE0, $0x12345678
jmp_back:
  movl %esp, esp_after
  CHECK jumped, $1, "JMP through a gate reached the gate's target"
  CHECK esp_after, esp_before, "JMP through a gate pushes nothing"

  # --- same-level CALL through a gate: CS and EIP pushed with the gate's size ----------------
  movl %esp, esp_before
  lcall $SEL_GATE_CALL, $0
call_back:
  CHECK g_ret, $call_back, "same-level gate CALL: return EIP"
  CHECK g_ret_cs, $SEL_CODE32, "same-level gate CALL: return CS"
  movl esp_before, %eax
  subl $8, %eax
  CHECK g_esp, %eax, "same-level gate CALL: no stack switch, 8 bytes pushed"

  # --- IA-32e mode: a 64-bit call gate -----------------------------------------------------------
  call lib_enter_long
  CODE64
  movl $gate_target64, %eax
  movw %ax, gdt + SEL_GATE64
  movw $SEL_CODE64, gdt + SEL_GATE64 + 2
  movw $0xEC00, gdt + SEL_GATE64 + 4    # present, DPL 3, type 0xC; no parameter count
  shrl $16, %eax
  movw %ax, gdt + SEL_GATE64 + 6
  movq $0, gdt + SEL_GATE64 + 8         # offset 63:32 = 0; the upper type field must be 0
  movq %rsp, esp_before
  lcall *gate64_ptr
after_call64:
  CHECK g64_ret, $after_call64, "64-bit gate: RIP pushed as a quadword"
  CHECK g64_cs_pushed, $SEL_CODE64, "64-bit gate: CS pushed as a quadword"
  movq esp_before, %rax
  subq $16, %rax
  CHECK g64_rsp, %rax, "64-bit gate, same level: 16 bytes pushed on the current stack"

  # From ring 3: RSP0 from the 64-bit TSS, SS becomes null, SS:RSP, CS:RIP pushed.
  TRY back64
  pushq $SEL_UDATA64
  pushq $stack3_top
  pushfq
  pushq $SEL_UCODE64
  pushq $ring3_64
  iretq
ring3_64:
  lcall *gate64_ptr3
ring3_64_after:
  movq %rsp, r3_esp_after
  hlt
back64:
  CHECK exc_vector, $13, "64-bit: HLT at ring 3 after the gate call returned"
  CHECK g64_old_rsp, $stack3_top, "64-bit gate from ring 3: the caller's RSP"
  CHECK g64_old_ss, $SEL_UDATA64, "64-bit gate from ring 3: the caller's SS"
  CHECK g64_ss, $0, "64-bit gate from ring 3: SS is null with RPL 0"
  CHECK g64_rsp, $(tss_stack0_top - 32), "64-bit gate from ring 3: RSP0 from the TSS"
  CHECK g64_ret, $ring3_64_after, "64-bit gate from ring 3: return RIP"
  CHECK g64_cs_pushed, $SEL_UCODE64, "64-bit gate from ring 3: return CS"
  CHECK r3_esp_after, $stack3_top, "64-bit gate: LRETQ back to ring 3 restored RSP"
  PASS

# --- gate targets ------------------------------------------------------------------------------
  CODE32
gate_target32:
  movl %esp, g_esp
  movl (%esp), %eax
  movl %eax, g_ret
  movl 4(%esp), %eax
  movl %eax, g_ret_cs
  movl 8(%esp), %eax
  movl %eax, g_param0
  movl 12(%esp), %eax
  movl %eax, g_param1
  movl 16(%esp), %eax
  movl %eax, g_old_esp
  movl 20(%esp), %eax
  movl %eax, g_old_ss
  xorl %eax, %eax
  movw %cs, %ax
  movl %eax, g_cs
  lret $8

jmp_target32:
  movl $1, jumped
  jmp jmp_back

call_target32:
  movl %esp, g_esp
  movl (%esp), %eax
  movl %eax, g_ret
  movl 4(%esp), %eax
  movl %eax, g_ret_cs
  lret

  CODE64
gate_target64:
  movq %rsp, g64_rsp
  movq (%rsp), %rax
  movq %rax, g64_ret
  movq 8(%rsp), %rax
  movq %rax, g64_cs_pushed
  movq 16(%rsp), %rax
  movq %rax, g64_old_rsp
  movq 24(%rsp), %rax
  movq %rax, g64_old_ss
  xorl %eax, %eax
  movw %ss, %ax
  movq %rax, g64_ss
  lretq

  .section .rodata
  .balign 8
gate64_ptr: .long 0
  .word SEL_GATE64
  .balign 8
gate64_ptr3: .long 0
  .word SEL_GATE64 | 3

  .section .bss
  .balign 8
esp_before: .space 8
esp_after: .space 8
g64_rsp: .space 8
g64_ret: .space 8
g64_cs_pushed: .space 8
g64_old_rsp: .space 8
g64_old_ss: .space 8
g64_ss: .space 8
r3_esp_after: .space 8
g_esp: .space 4
g_ret: .space 4
g_ret_cs: .space 4
g_param0: .space 4
g_param1: .space 4
g_old_esp: .space 4
g_old_ss: .space 4
g_cs: .space 4
r3_cs_after: .space 4
jumped: .space 4
