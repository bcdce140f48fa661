#pragma once
// Hardware task switching (SDM Vol. 3A chapter 7 "Task Management"): JMP or CALL to a TSS or
// a task gate, an interrupt or exception through a task gate, and IRET with NT set. 16- and
// 32-bit TSS formats; IA-32e mode has no task switching (the callers raise #GP there).

#include <cstdint>

#include "cpu/x86/cpu.h"

namespace vireo::x86 {

/// What started the switch (SDM Vol. 3A Table 7-2): it decides the busy-bit, NT and link work.
enum class TaskSwitchReason : uint8_t { kJump, kCall, kIret, kInterrupt };

/// Switches to the task whose TSS descriptor `selector` names (SDM Vol. 3A 7.3). The caller has
/// done the privilege checks of the gate or descriptor it came through. `return_eip` is the EIP
/// saved in the outgoing task's TSS. An interrupt with an error code pushes it on the new
/// task's stack. `ext` is the EXT bit for error codes of faults raised on the way. Faults
/// before the commit point leave the old task untouched; later ones are raised in the new
/// task's context, as the SDM describes. Returns false after raising a fault.
bool SwitchTask(Cpu& cpu, uint16_t selector, TaskSwitchReason reason, uint64_t return_eip,
                bool has_error, uint32_t error, uint32_t ext);

}  // namespace vireo::x86
