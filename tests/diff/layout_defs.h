// Fixed memory layout of the differential oracle, shared by native_stubs.S and the C++ code.
// Plain macros only: this header is also read by the assembler.
#pragma once

// The data page: memory operands and the stack live here (below 4 GiB so that 32-bit and
// 16-bit addressing reach it). 16-bit cases see it as offset 0 of their data segment.
#define VIREO_DIFF_DATA_ADDR 0x10000000
// Native-only scratch page: register images and the flag-capture stack. It sits at offset
// 0x8000 of the 16-bit data segment so the 16-bit capture stub can store through DS.
#define VIREO_DIFF_CTX_ADDR 0x10008000
// The test code starts here; 16-bit cases run in a code segment whose base is this address.
#define VIREO_DIFF_CODE_ADDR 0x10010000
// Largest test code (including the 5-byte jump to the capture stub).
#define VIREO_DIFF_CODE_MAX 0x7000
// The mode-switch and capture stubs, copied here at run time (inside the 16-bit code segment).
#define VIREO_DIFF_STUB_ADDR 0x10018000

// Linux x86-64 user selectors (arch/x86/include/asm/segment.h): USER32_CS, USER_DS, USER_CS.
#define VIREO_DIFF_SEL_CODE32 0x23
#define VIREO_DIFF_SEL_DATA 0x2b
#define VIREO_DIFF_SEL_CODE64 0x33
// LDT entries 0 and 1, RPL 3, TI=1: the 16-bit code and data segments made by modify_ldt(2).
#define VIREO_DIFF_SEL_CODE16 0x07
#define VIREO_DIFF_SEL_DATA16 0x0f

// Offsets inside the context page.
#define VIREO_DIFF_CTX_IN_GPR 0x000
#define VIREO_DIFF_CTX_IN_FLAGS 0x080
#define VIREO_DIFF_CTX_OUT_GPR 0x088
#define VIREO_DIFF_CTX_OUT_FLAGS 0x108
#define VIREO_DIFF_CTX_HOST_RSP 0x110
#define VIREO_DIFF_CTX_ENTRY 0x118
#define VIREO_DIFF_CTX_MODE 0x120
#define VIREO_DIFF_CTX_SEL16 0x124
#define VIREO_DIFF_CTX_HOST_DS 0x126
#define VIREO_DIFF_CTX_HOST_ES 0x128
// The host's MXCSR, kept across a case (its control bits are callee-saved in the SysV ABI).
#define VIREO_DIFF_CTX_HOST_MXCSR 0x348
#define VIREO_DIFF_CTX_FLAG_STACK 0x400
// FXSAVE images (512 bytes, 16-byte aligned; SDM Vol. 1 Table 10-2) of the x87/MMX/SSE state
// loaded before a case (FXRSTOR) and stored after it (FXSAVE).
#define VIREO_DIFF_CTX_IN_FXSAVE 0x400
#define VIREO_DIFF_CTX_OUT_FXSAVE 0x600
