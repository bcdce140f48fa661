#pragma once
// IR passes run on every block before execution. Each is a free function (as dynarmic's
// ir/opt), so the pipeline reads as a list.

#include <string>

#include "jit/ir/ir.h"

namespace vireo::ir {

/// Replaces pure instructions whose operands are all immediates by their value, and simplifies
/// algebraic identities (x+0, x&0, x*1...). Uses Evaluate(), the same semantics the tiers run.
void ConstantFold(Block& block);

/// Forwards stored state to later loads of the same field, and reuses earlier loads, until a
/// helper call (which may read or write any state) intervenes.
void ForwardStateLoads(Block& block);

/// Removes stores to guest state that a later store to the same field overwrites before anything
/// can observe it (a load, a helper, an instruction that may exit the block, or the block's end).
/// Dead lazy-flag stores between ALU instructions are the main catch.
void EliminateDeadStateStores(Block& block);

/// Marks pure instructions whose results are unused dead.
void EliminateDeadCode(Block& block);

/// Checks types, operand order and references; returns an empty string or the first problem.
std::string Verify(const Block& block);

/// The standard pipeline: fold, forward, dead stores, dead code; then verify (throws
/// std::logic_error on a verifier failure, which is a translator bug).
void Optimize(Block& block);

}  // namespace vireo::ir
