// Hand-written known-answer tests from the SDM: they check that an executor (above all the
// native runner's state capture) gets architecturally defined results in each mode.
#pragma once

#include <cstdio>

#include "tests/diff/executor.h"

namespace vireo::diff {

/// Runs the known-answer tests for the modes in `mode_mask` (1 = 16, 2 = 32, 4 = 64) on `ex`,
/// printing one line per failure (every test with `verbose`). Returns the number of failures and
/// stores the number of tests run in `*count`.
int RunKnownAnswers(Executor& ex, unsigned mode_mask, bool verbose, int* count, FILE* out);

}  // namespace vireo::diff
