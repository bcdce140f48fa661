# Paging (SDM Vol. 3A chapter 4): 32-bit paging with 4 KiB and 4 MiB pages, PAE with 2 MiB pages
# and NX, 4-level paging with 4 KiB and 1 GiB pages; #PF error codes (P, W/R, U/S, RSVD, I/D,
# Figure 4-12) and CR2 for each kind of fault; accessed/dirty bits (4.8); INVLPG, CR3 reloads
# and global pages (4.10.4).

.include "lib.inc"
TEST_NAME "paging"

.set T, 0x800000                 # the 32-bit test window: PDE 2 -> ptt
.set RSVD4M, 0xC00000            # PDE 3: a 4 MiB page with reserved bit 21
.set PF_P, 1
.set PF_W, 2
.set PF_U, 4
.set PF_RSVD, 8
.set PF_ID, 16
.set CR0_WP, 1 << 16
.set CR4_PSE, 1 << 4
.set CR4_PAE, 1 << 5
.set CR4_PGE, 1 << 7
.set EFER, 0xC0000080
.set EFER_NXE, 1 << 11
.set G, 1 << 8                   # PTE.G (global)
.set W_HI_XD, 0x80000000         # high dword of a PAE/4-level entry: XD (bit 63)
.set W_HI_RSVD, 1 << 13          # high dword: bit 45, above MAXPHYADDR (40): reserved

# PTE32 index, value: sets entry `index` of the 32-bit test table.
.macro PTE32 index:req, value:req
  movl ptt, %edx
  movl $\value, \index*4(%edx)
.endm

# PTE64 table, index, low, high: sets an 8-byte entry of a PAE/4-level table (address in `table`).
.macro PTE64 table:req, index:req, low:req, high:req
  movl \table, %edx
  movl $\low, \index*8(%edx)
  movl $\high, \index*8+4(%edx)
.endm

.macro RELOAD_CR3
  movl %cr3, %eax
  movl %eax, %cr3
.endm

  .globl test_main
test_main:
  # --- 32-bit paging -----------------------------------------------------------------------
  call lib_page_alloc
  movl %eax, pd32
  call lib_page_alloc
  movl %eax, %edi                # 0..4 MiB: 4 KiB pages, identity, user, writable
  orl $7, %eax
  movl pd32, %ebx
  movl %eax, (%ebx)
  movl $7, %eax
  movl $1024, %ecx
1:
  movl %eax, (%edi)
  addl $4096, %eax
  addl $4, %edi
  loop 1b
  movl $0x400087, 4(%ebx)        # 4..8 MiB: one 4 MiB page (P RW US PS), identity
  call lib_page_alloc
  movl %eax, ptt
  orl $7, %eax
  movl %eax, 8(%ebx)             # T: the test table
  movl $0x400087 | (1 << 21), 12(%ebx)
  movl %cr4, %eax
  orl $CR4_PSE, %eax
  movl %eax, %cr4
  movl %ebx, %cr3
  movl %cr0, %eax
  orl $0x80000000 | CR0_WP, %eax
  movl %eax, %cr0

  # Not present: read, write (supervisor).
  EXPECT_FAULT 14, 0, fault, movl T+0x123, %eax
  CHECK exc_cr2, $T+0x123, "not-present read: CR2"
  EXPECT_FAULT 14, PF_W, fault, movl %eax, T+0x124
  CHECK exc_cr2, $T+0x124, "not-present write: CR2"

  # Read-only supervisor page: reads work; a CPL-0 write faults with CR0.WP = 1 and not with 0.
  movl $0x10101010, SCRATCH+0x1010
  PTE32 1, SCRATCH+0x1000+PF_P
  movl T+0x1010, %eax
  CHECK %eax, $0x10101010, "read-only page: read"
  EXPECT_FAULT 14, PF_P|PF_W, fault, movl %eax, T+0x1010
  CHECK exc_cr2, $T+0x1010, "CPL 0 write, WP=1: CR2"
  movl %cr0, %eax
  andl $~CR0_WP, %eax
  movl %eax, %cr0
  movl $0xCAFE, T+0x1010
  CHECK SCRATCH+0x1010, $0xCAFE, "CPL 0 write, WP=0: no fault, the store lands"
  orl $CR0_WP, %eax
  movl %eax, %cr0

  # CPL 3: a read-only user page, a supervisor page, a not-present page.
  PTE32 2, SCRATCH+0x2000+PF_P+PF_U
  PTE32 3, SCRATCH+0x3000+PF_P+PF_W
  movl $0x20202020, SCRATCH+0x2020
  TRY 1f
  call lib_to_ring3
  movl T+0x2020, %esi            # a user read of a read-only user page is fine
u_write:
  movl %eax, T+0x2020
  NO_FAULT
1:
  CHECK_EXC_USER 14, PF_P|PF_W|PF_U, u_write, "CPL 3 write to a read-only user page"
  CHECK %esi, $0x20202020, "CPL 3 read of a read-only user page"
  CHECK exc_cr2, $T+0x2020, "CPL 3 write to a read-only user page: CR2"
  TRY 1f
  call lib_to_ring3
u_read_sup:
  movl T+0x3030, %eax
  NO_FAULT
1:
  CHECK_EXC_USER 14, PF_P|PF_U, u_read_sup, "CPL 3 read of a supervisor page"
  CHECK exc_cr2, $T+0x3030, "CPL 3 read of a supervisor page: CR2"
  TRY 1f
  call lib_to_ring3
u_read_np:
  movl T+0x0040, %eax
  NO_FAULT
1:
  CHECK_EXC_USER 14, PF_U, u_read_np, "CPL 3 read of a not-present page"
  CHECK exc_cr2, $T+0x40, "CPL 3 read of a not-present page: CR2"

  # Reserved bit 21 in a 4 MiB PDE (bits 20:13 are physical-address bits 39:32, SDM Table 4-4).
  EXPECT_FAULT 14, PF_P|PF_RSVD, fault, movl RSVD4M+0x40, %eax
  CHECK exc_cr2, $RSVD4M+0x40, "reserved bit: CR2"
  EXPECT_FAULT 14, PF_P|PF_W|PF_RSVD, fault, movl %eax, RSVD4M+0x44

  # Accessed and dirty bits: A on the PDE and PTE on any access, D on the PTE on a write.
  PTE32 4, SCRATCH+0x4000+PF_P+PF_W
  movl pd32, %ebx
  andl $~0x20, 8(%ebx)
  RELOAD_CR3
  movl T+0x4000, %eax
  movl 8(%ebx), %eax
  andl $0x60, %eax
  CHECK %eax, $0x20, "read: PDE accessed"
  movl ptt, %edx
  movl 4*4(%edx), %eax
  andl $0x60, %eax
  CHECK %eax, $0x20, "read: PTE accessed, not dirty"
  movl %eax, T+0x4000
  movl 4*4(%edx), %eax
  andl $0x60, %eax
  CHECK %eax, $0x60, "write: PTE dirty"

  # A changed PTE becomes visible through INVLPG and through a CR3 reload. Each sequence uses
  # the page right before changing its PTE, so the old translation is cached (nothing in
  # between may flush: CHECK reloads DS, and the CPU may drop cached translations on any
  # segment load).
  movl $0x55555555, SCRATCH+0x5000
  movl $0x66666666, SCRATCH+0x6000
  PTE32 5, SCRATCH+0x5000+PF_P+PF_W
  movl T+0x5000, %esi
  PTE32 5, SCRATCH+0x6000+PF_P+PF_W
  invlpg T+0x5000
  movl T+0x5000, %edi
  PTE32 5, SCRATCH+0x5000+PF_P+PF_W
  RELOAD_CR3
  movl T+0x5000, %ebx
  CHECK %esi, $0x55555555, "INVLPG: before"
  CHECK %edi, $0x66666666, "INVLPG: the new PTE is used"
  CHECK %ebx, $0x55555555, "CR3 reload: the new PTE is used"

  # Global pages (CR4.PGE): a MOV to CR3 keeps their translations, INVLPG and clearing PGE drop
  # them (SDM Vol. 3A 4.10.4.1).
  movl %cr4, %eax
  orl $CR4_PGE, %eax
  movl %eax, %cr4
  PTE32 6, SCRATCH+0x5000+PF_P+PF_W+G
  movl T+0x6000, %esi
  PTE32 6, SCRATCH+0x6000+PF_P+PF_W+G
  RELOAD_CR3
  movl T+0x6000, %edi
  invlpg T+0x6000
  movl T+0x6000, %ebx
  CHECK %esi, $0x55555555, "global page: before"
  CHECK %edi, $0x55555555, "global page: still the old translation after a CR3 write"
  CHECK %ebx, $0x66666666, "global page: INVLPG drops it"
  PTE32 6, SCRATCH+0x5000+PF_P+PF_W+G
  movl %cr4, %eax
  movl T+0x6000, %esi
  PTE32 6, SCRATCH+0x6000+PF_P+PF_W+G
  andl $~CR4_PGE, %eax
  movl %eax, %cr4
  orl $CR4_PGE, %eax
  movl %eax, %cr4
  movl T+0x6000, %edi
  CHECK %esi, $0x55555555, "global page: before toggling CR4.PGE"
  CHECK %edi, $0x66666666, "global page: toggling CR4.PGE drops it"

  movl %cr0, %eax
  andl $0x7FFFFFFF, %eax
  movl %eax, %cr0

  # --- PAE paging: 2 MiB pages, NX, reserved bits ------------------------------------------
  call lib_page_alloc
  movl %eax, pdpt_pae
  call lib_page_alloc
  movl %eax, pd_pae
  orl $PF_P, %eax                # a PDPTE has only P (RW/US are reserved there)
  movl pdpt_pae, %ebx
  movl %eax, (%ebx)
  movl pd_pae, %edi
  movl $0x87, %eax               # 0..8 MiB identity, 2 MiB pages
  movl $4, %ecx
1:
  movl %eax, (%edi)
  addl $0x200000, %eax
  addl $8, %edi
  loop 1b
  call lib_page_alloc
  movl %eax, pt_pae
  orl $7, %eax
  movl %eax, (%edi)              # pd_pae[4], 0x800000: a 4 KiB table
  movl $SCRATCH+0x200087, 8(%edi)  # pd_pae[5], 0xA00000: 2 MiB page -> SCRATCH + 2 MiB
  movb $0xC3, SCRATCH+0x7000     # RET, to be fetched through an NX and a non-NX mapping
  PTE64 pt_pae, 7, SCRATCH+0x7000+PF_P+PF_W, W_HI_XD
  PTE64 pt_pae, 8, SCRATCH+0x7000+PF_P+PF_W, 0
  PTE64 pt_pae, 9, SCRATCH+0x8000+PF_P+PF_W, W_HI_RSVD
  movl $EFER, %ecx
  rdmsr
  orl $EFER_NXE, %eax
  wrmsr
  movl %cr4, %eax
  orl $CR4_PAE, %eax
  andl $~CR4_PGE, %eax
  movl %eax, %cr4
  movl %ebx, %cr3
  movl %cr0, %eax
  orl $0x80000000, %eax
  movl %eax, %cr0

  movl $0x77777777, 0xA00010
  CHECK SCRATCH+0x200010, $0x77777777, "PAE: a store through a 2 MiB page"
  movl $0x808000, %eax
  call *%eax                     # fetch through the mapping without XD
  TRY 1f
  movl $0x807000, %eax
  call *%eax                     # the fetch itself faults: the return address is the target
  NO_FAULT
1:
  CHECK exc_vector, $14, "PAE: fetch from an XD page: vector"
  CHECK exc_error, $PF_P|PF_ID, "PAE: fetch from an XD page: error code (I/D)"
  CHECK exc_rip, $0x807000, "PAE: fetch from an XD page: return address"
  CHECK exc_cr2, $0x807000, "PAE: fetch from an XD page: CR2"
  CHECK exc_frame_size, $20, "PAE: fetch from an XD page: CALL's push, then an error code"
  EXPECT_FAULT 14, PF_P|PF_RSVD, fault, movl 0x809000, %eax
  CHECK exc_cr2, $0x809000, "PAE: bit 45 reserved: CR2"
  EXPECT_FAULT 14, PF_P|PF_W|PF_RSVD, fault, movl %eax, 0x809004
  # With EFER.NXE clear, bit 63 is reserved too (SDM Table 4-11), and I/D is not reported.
  movl $EFER, %ecx
  rdmsr
  andl $~EFER_NXE, %eax
  wrmsr
  RELOAD_CR3
  EXPECT_FAULT 14, PF_P|PF_RSVD, fault, movl 0x807000, %eax
  CHECK exc_cr2, $0x807000, "PAE: XD without NXE: CR2"
  movl %cr0, %eax
  andl $0x7FFFFFFF, %eax
  movl %eax, %cr0
  movl $EFER, %ecx
  rdmsr
  orl $EFER_NXE, %eax
  wrmsr

  # --- 4-level paging: 4 KiB and 1 GiB pages, NX, U/S and PS at the PML4 level ---------------
  movl $0x80000001, %eax
  cpuid
  shrl $26, %edx
  andl $1, %edx
  CHECK %edx, $1, "CPUID reports 1 GiB pages"
  call lib_enter_long
  CODE64
  movq %cr3, %rbx                # lib_ident64's PML4 (identity, 2 MiB pages, user)
  movq %rbx, pml4
  call lib_page_alloc64
  movq %rax, pdpt_c
  orq $7, %rax
  movq %rax, 1*8(%rbx)           # PML4[1]: 0x8000000000 (512 GiB)
  movq pdpt_c, %rdi
  movq $0x87, (%rdi)             # 1 GiB page at 512 GiB -> physical 0
  call lib_page_alloc64
  movq %rax, pd_c
  orq $7, %rax
  movq %rax, 1*8(%rdi)           # 513 GiB: a PD
  call lib_page_alloc64
  movq %rax, pt_c
  orq $7, %rax
  movq pd_c, %rdi
  movq %rax, (%rdi)
  movq pt_c, %rdi
  movq $SCRATCH+0x9000+7, (%rdi)           # 513 GiB + 0: 4 KiB page
  movabsq $0x8000000000000000+SCRATCH+0x7000+7, %rax
  movq %rax, 1*8(%rdi)                     # 513 GiB + 4 KiB: the RET page, XD
  call lib_page_alloc64
  movq %rax, pdpt_d
  orq $PF_P|PF_W, %rax
  movq %rax, 2*8(%rbx)           # PML4[2]: supervisor only at the top level
  movq pdpt_d, %rdi
  movq $0x87, (%rdi)             # 1 GiB page, user at this level
  movq $0x87, 3*8(%rbx)          # PML4[3]: PS is reserved in a PML4E
  movq %rbx, %cr3

  movabsq $0x8000000000+SCRATCH+0x30, %rdi
  movl $0x12345678, (%rdi)
  CHECK SCRATCH+0x30, $0x12345678, "4-level: a store through a 1 GiB page"
  movabsq $0x8040000000+0x40, %rdi
  movq $0x99, (%rdi)
  CHECK SCRATCH+0x9040, $0x99, "4-level: a store through a 4 KiB page"
  movq pml4, %rax
  movq 1*8(%rax), %rax
  andq $0x20, %rax
  CHECK %rax, $0x20, "4-level: PML4E accessed"
  movq pt_c, %rax
  movq (%rax), %rax
  andq $0x60, %rax
  CHECK %rax, $0x60, "4-level: PTE accessed and dirty"
  TRY 1f
  movabsq $0x8040001000, %rax
  call *%rax
  NO_FAULT
1:
  CHECK exc_vector, $14, "4-level: fetch from an XD page: vector"
  CHECK exc_error, $PF_P|PF_ID, "4-level: fetch from an XD page: error code"
  movabsq $0x8040001000, %rax
  CHECK exc_rip, %rax, "4-level: fetch from an XD page: return address"
  CHECK exc_cr2, %rax, "4-level: fetch from an XD page: CR2 (64 bits)"
  movabsq $0x18000000000+0x50, %rbx
  EXPECT_FAULT 14, PF_P|PF_RSVD, fault, movq (%rbx), %rax
  CHECK exc_cr2, %rbx, "4-level: PS in a PML4E is reserved: CR2"
  movabsq $0x10000000000+0x60, %rbx
  movq (%rbx), %rax              # CPL 0 may use the supervisor-only PML4E
  TRY 1f
  call lib_to_ring3_64
u64_read:
  movq (%rbx), %rax
  NO_FAULT
1:
  CHECK_EXC_USER 14, PF_P|PF_U, u64_read, "4-level: CPL 3 under a supervisor PML4E"
  CHECK exc_cr2, %rbx, "4-level: CPL 3 under a supervisor PML4E: CR2"
  PASS

  CODE32

  .data
  .balign 8
pd32: .long 0
ptt: .long 0
pdpt_pae: .long 0
pd_pae: .long 0
pt_pae: .long 0
  .balign 8
pml4: .quad 0
pdpt_c: .quad 0
pd_c: .quad 0
pt_c: .quad 0
pdpt_d: .quad 0
