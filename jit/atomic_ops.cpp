// LOCK-prefixed guest memory operations, shared by tier 0 (interpreter.cpp) and tier 1 (the
// LLVM lowering calls these for AtomicRmw and AtomicCmpXchg).

#include <type_traits>

#include "jit/exec_env.h"
#include "jit/ir/opcodes.h"
#include "jit/ir/types.h"

namespace vireo::jit {

namespace {

/// Host address for an atomic access of `bytes` at `addr`, or nullptr when it must take the
/// slow path (TLB miss, MMIO, page crossing, or misaligned: host atomics need alignment).
void* AtomicHostAddress(const ExecEnv& env, uint64_t addr, unsigned bytes) {
  const TlbEntry& e = env.tlb->entries[(addr >> kPageBits) & (kTlbEntries - 1)];
  if (e.write_tag != (addr & kPageMask) || e.read_tag != (addr & kPageMask)) return nullptr;
  if ((addr & (bytes - 1)) != 0) return nullptr;
  return reinterpret_cast<void*>(addr + e.addend);
}

template <class T>
T ApplyAtomic(T* p, ir::AtomicOp op, T v) {
  switch (op) {
    case ir::AtomicOp::kAdd:
      return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
    case ir::AtomicOp::kAnd:
      return __atomic_fetch_and(p, v, __ATOMIC_SEQ_CST);
    case ir::AtomicOp::kOr:
      return __atomic_fetch_or(p, v, __ATOMIC_SEQ_CST);
    case ir::AtomicOp::kXor:
      return __atomic_fetch_xor(p, v, __ATOMIC_SEQ_CST);
    case ir::AtomicOp::kExchange:
      return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
  }
  return 0;
}

uint64_t Combine(ir::AtomicOp op, uint64_t old, uint64_t v, uint64_t mask) {
  switch (op) {
    case ir::AtomicOp::kAdd:
      return (old + v) & mask;
    case ir::AtomicOp::kAnd:
      return old & v;
    case ir::AtomicOp::kOr:
      return old | v;
    case ir::AtomicOp::kXor:
      return old ^ v;
    case ir::AtomicOp::kExchange:
      return v;
  }
  return v;
}

}  // namespace

bool AtomicRmw(ExecEnv* env, uint32_t op_id, uint64_t addr, uint64_t v, uint32_t bytes,
               uint64_t* old) {
  const auto op = static_cast<ir::AtomicOp>(op_id);
  const uint64_t mask = ir::TypeMask(ir::IntType(8 * bytes));
  void* p = AtomicHostAddress(*env, addr, bytes);
  if (p != nullptr) {
    switch (bytes) {
      case 1:
        *old = ApplyAtomic(static_cast<uint8_t*>(p), op, static_cast<uint8_t>(v));
        return true;
      case 2:
        *old = ApplyAtomic(static_cast<uint16_t*>(p), op, static_cast<uint16_t>(v));
        return true;
      case 4:
        *old = ApplyAtomic(static_cast<uint32_t*>(p), op, static_cast<uint32_t>(v));
        return true;
      default:
        *old = ApplyAtomic(static_cast<uint64_t*>(p), op, v);
        return true;
    }
  }
  // Slow path (MMIO, misaligned, TLB miss): a plain read-modify-write. It is atomic with
  // respect to this vCPU; other agents (DMA, later SMP vCPUs) could interleave here.
  if (!env->load_slow(env, addr, bytes, old)) return false;
  *old &= mask;
  return env->store_slow(env, addr, bytes, Combine(op, *old, v, mask));
}

bool AtomicCmpXchg(ExecEnv* env, uint64_t addr, uint64_t expected, uint64_t desired,
                   uint32_t bytes, uint64_t* old) {
  const uint64_t mask = ir::TypeMask(ir::IntType(8 * bytes));
  void* p = AtomicHostAddress(*env, addr, bytes);
  auto cas = [&](auto* ptr) {
    using T = std::remove_pointer_t<decltype(ptr)>;
    T exp = static_cast<T>(expected);
    __atomic_compare_exchange_n(ptr, &exp, static_cast<T>(desired), false, __ATOMIC_SEQ_CST,
                                __ATOMIC_SEQ_CST);
    *old = exp;  // on failure, the current value; on success, the expected one
  };
  if (p != nullptr) {
    switch (bytes) {
      case 1:
        cas(static_cast<uint8_t*>(p));
        return true;
      case 2:
        cas(static_cast<uint16_t*>(p));
        return true;
      case 4:
        cas(static_cast<uint32_t*>(p));
        return true;
      default:
        cas(static_cast<uint64_t*>(p));
        return true;
    }
  }
  if (!env->load_slow(env, addr, bytes, old)) return false;
  *old &= mask;
  // x86 CMPXCHG always writes (the old value back on failure), SDM Vol. 2A CMPXCHG.
  return env->store_slow(env, addr, bytes, *old == expected ? desired : *old);
}

}  // namespace vireo::jit
