// -accel dbt properties: what each one sets, and a clear error for each kind of mistake.

#include <doctest/doctest.h>

#include "accel/dbt/dbt_options.h"
#include "machine/error.h"

using vireo::accel::DbtOptions;
using vireo::accel::ParseDbtOptions;
using vireo::jit::TierMode;

TEST_CASE("-accel dbt: the default is tiered, without statistics") {
  DbtOptions o = ParseDbtOptions({});
  CHECK(o.tiers.mode == TierMode::kTiered);
  CHECK_FALSE(o.stats);
  CHECK(o.tiers.code_limit == 64ull << 20);
}

TEST_CASE("-accel dbt: tier, stats, tb-size, threshold and thread") {
  DbtOptions o = ParseDbtOptions({"tier=interp", "stats=on", "tb-size=16", "threshold=50",
                                  "thread=single"});
  CHECK(o.tiers.mode == TierMode::kInterp);
  CHECK(o.stats);
  CHECK(o.tiers.code_limit == 16ull << 20);
  CHECK(o.tiers.threshold == 50);
  CHECK(ParseDbtOptions({"tier=llvm"}).tiers.mode == TierMode::kLlvm);
  CHECK(ParseDbtOptions({"tier=tiered", "stats=off"}).tiers.mode == TierMode::kTiered);
}

TEST_CASE("-accel dbt: bad properties name the problem") {
  auto message = [](std::vector<std::string> props) {
    try {
      ParseDbtOptions(props);
    } catch (const vireo::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message({"tier=jit"}) == "-accel dbt: unknown tier 'jit' (use interp, llvm or tiered)");
  CHECK(message({"stats=yes"}) == "-accel dbt: stats=yes (use stats=on or stats=off)");
  CHECK(message({"tb-size=0"}) == "-accel dbt: tb-size=0 is not a number from 1 to 65536");
  CHECK(message({"tb-size=12x"}) == "-accel dbt: tb-size=12x is not a number from 1 to 65536");
  CHECK(message({"threshold="}) ==
        "-accel dbt: threshold= is not a number from 1 to 1000000000");
  CHECK(message({"speed=fast"}) ==
        "-accel dbt: unknown property 'speed' (use tier, stats, tb-size, threshold or thread)");
}
