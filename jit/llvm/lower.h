#pragma once
// Tier 1's front half: lowers a region of IR blocks to one LLVM function.
//
// A region is a set of blocks from one guest virtual page that run together (a loop, a trace);
// blocks[0] is its only entry. Edges between its blocks become LLVM branches, so a hot loop is
// one LLVM loop. Guest registers and the lazy-flag fields (the "promotable" state slots the ISA
// names) live in SSA values across the whole region: they are loaded once, written back only
// where the code leaves the region or calls a helper, and stores that a later store overwrites
// disappear (dead flags). Memory accesses inline the soft-TLB hit path; misses, MMIO and faults
// go out of line. Every exit stores a constant guest PC, so faults stay precise.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "jit/exec_env.h"
#include "jit/ir/ir.h"

namespace llvm {
class Function;
class Module;
}  // namespace llvm

namespace vireo::jit {

/// A byte range of the guest state that only IR and helpers read or write: no memory slow
/// path, raise() or should_exit() looks at it, so compiled code may keep it in a host register
/// between helper calls. 1 to 8 bytes.
struct StateSlot {
  uint32_t offset;
  uint32_t bytes;
};

/// What the lowering bakes into the code: the ISA's entry points and its state layout facts.
/// The pointers are those of the ExecEnv the code will run with.
struct LowerConfig {
  const HelperInfo* helpers = nullptr;
  bool (*load_slow)(ExecEnv*, uint64_t, unsigned, uint64_t*) = nullptr;
  bool (*store_slow)(ExecEnv*, uint64_t, unsigned, uint64_t) = nullptr;
  void (*raise)(ExecEnv*, uint64_t) = nullptr;
  bool (*should_exit)(ExecEnv*) = nullptr;
  uint32_t pc_offset = 0;
  std::vector<StateSlot> promotable;
  /// A state word blocks often write where only some bits matter to should_exit() (x86:
  /// RFLAGS, whose arithmetic flags every materialisation rewrites; TF, IF, AC and VM matter).
  /// An edge out of a block that writes it asks should_exit() only when those bits differ
  /// from their value at region entry.
  uint32_t watched_offset = UINT32_MAX;
  uint64_t watched_mask = 0;

  /// The entry points and PC offset of the ExecEnv the code will run with (the layout facts,
  /// promotable and watched, are the ISA's to add).
  static LowerConfig For(const ExecEnv& env) {
    LowerConfig c;
    c.helpers = env.helpers;
    c.load_slow = env.load_slow;
    c.store_slow = env.store_slow;
    c.raise = env.raise;
    c.should_exit = env.should_exit;
    c.pc_offset = env.pc_offset;
    return c;
  }
  /// Whether [offset, offset + bytes) lies inside `slot`.
  static bool Inside(const StateSlot& slot, uint64_t offset, unsigned bytes) {
    return offset >= slot.offset && offset + bytes <= slot.offset + slot.bytes;
  }
};

/// The blocks of a region, head first. All share the head's mode and virtual page; a block's
/// guest_pc identifies it.
struct Region {
  std::vector<std::shared_ptr<const ir::Block>> blocks;
};

/// Lowers `region` into `module` as `int64_t name(ExecEnv*)` with NativeCode::Entry's
/// contract. `exit_targets` receives the guest address of each chainable exit slot.
llvm::Function* LowerRegion(const Region& region, const LowerConfig& config, llvm::Module& module,
                            const std::string& name, std::vector<uint64_t>* exit_targets);

}  // namespace vireo::jit
