// The PS/2 keyboard behind the i8042: commands through port 0x60, key input, and the controller's
// set 2 -> set 1 translation.

#include <doctest/doctest.h>

#include "tests/unit/devices/i8042/i8042_fixture.h"

namespace vireo::devices::test {
namespace {

constexpr uint8_t kXlatOn = I8042Config::kKbdInt | I8042Config::kTranslate;
constexpr uint8_t kXlatOff = I8042Config::kKbdInt;

Bytes Key(KbcFixture& f, Bytes set2) {
  f.kbc.KeyboardInput(set2);
  return f.Drain();
}

TEST_CASE("a key sequence with translation on and off") {
  KbcFixture f;
  SUBCASE("translated to set 1") {
    f.SetCommandByte(kXlatOn);
    CHECK(Key(f, {0x1C}) == Bytes{0x1E});              // A make
    CHECK(Key(f, {0xF0, 0x1C}) == Bytes{0x9E});        // A break
    CHECK(Key(f, {0x12}) == Bytes{0x2A});              // left shift
    CHECK(Key(f, {0xE0, 0x75}) == Bytes{0xE0, 0x48});  // cursor up
    CHECK(Key(f, {0xE0, 0xF0, 0x75}) == Bytes{0xE0, 0xC8});
    CHECK(Key(f, {0xE0, 0x12, 0xE0, 0x7C}) == Bytes{0xE0, 0x2A, 0xE0, 0x37});  // Print Screen
    CHECK(Key(f, {0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77}) ==
          Bytes{0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5});  // Pause
    CHECK(Key(f, {0x83}) == Bytes{0x41});              // F7, the code above 0x7F
    CHECK(Key(f, {0xF0, 0x83}) == Bytes{0xC1});
  }
  SUBCASE("raw set 2") {
    f.SetCommandByte(kXlatOff);
    CHECK(Key(f, {0x1C}) == Bytes{0x1C});
    CHECK(Key(f, {0xF0, 0x1C}) == Bytes{0xF0, 0x1C});
    CHECK(Key(f, {0xE0, 0xF0, 0x75}) == Bytes{0xE0, 0xF0, 0x75});
  }
  SUBCASE("a break prefix split from its code across reads still translates") {
    f.SetCommandByte(kXlatOn);
    f.kbc.KeyboardInput(Bytes{0xF0});
    CHECK((f.Status() & I8042Status::kObf) == 0);  // the prefix alone produces nothing
    f.kbc.KeyboardInput(Bytes{0x5A});
    CHECK(f.Drain() == Bytes{0x9C});  // Enter break
  }
}

TEST_CASE("the translation table agrees with the set-1/set-2 codes of every standard key") {
  // Independently listed pairs (set 2 make, set 1 make) from the PS/2 keyboard reference.
  const std::pair<uint8_t, uint8_t> keys[] = {
      {0x76, 0x01}, {0x16, 0x02}, {0x1E, 0x03}, {0x26, 0x04}, {0x25, 0x05}, {0x2E, 0x06},
      {0x36, 0x07}, {0x3D, 0x08}, {0x3E, 0x09}, {0x46, 0x0A}, {0x45, 0x0B}, {0x4E, 0x0C},
      {0x55, 0x0D}, {0x66, 0x0E}, {0x0D, 0x0F}, {0x15, 0x10}, {0x1D, 0x11}, {0x24, 0x12},
      {0x2D, 0x13}, {0x2C, 0x14}, {0x35, 0x15}, {0x3C, 0x16}, {0x43, 0x17}, {0x44, 0x18},
      {0x4D, 0x19}, {0x54, 0x1A}, {0x5B, 0x1B}, {0x5A, 0x1C}, {0x14, 0x1D}, {0x1C, 0x1E},
      {0x1B, 0x1F}, {0x23, 0x20}, {0x2B, 0x21}, {0x34, 0x22}, {0x33, 0x23}, {0x3B, 0x24},
      {0x42, 0x25}, {0x4B, 0x26}, {0x4C, 0x27}, {0x52, 0x28}, {0x0E, 0x29}, {0x12, 0x2A},
      {0x5D, 0x2B}, {0x1A, 0x2C}, {0x22, 0x2D}, {0x21, 0x2E}, {0x2A, 0x2F}, {0x32, 0x30},
      {0x31, 0x31}, {0x3A, 0x32}, {0x41, 0x33}, {0x49, 0x34}, {0x4A, 0x35}, {0x59, 0x36},
      {0x7C, 0x37}, {0x11, 0x38}, {0x29, 0x39}, {0x58, 0x3A}, {0x05, 0x3B}, {0x06, 0x3C},
      {0x04, 0x3D}, {0x0C, 0x3E}, {0x03, 0x3F}, {0x0B, 0x40}, {0x83, 0x41}, {0x0A, 0x42},
      {0x01, 0x43}, {0x09, 0x44}, {0x77, 0x45}, {0x7E, 0x46}, {0x6C, 0x47}, {0x75, 0x48},
      {0x7D, 0x49}, {0x7B, 0x4A}, {0x6B, 0x4B}, {0x73, 0x4C}, {0x74, 0x4D}, {0x79, 0x4E},
      {0x69, 0x4F}, {0x72, 0x50}, {0x7A, 0x51}, {0x70, 0x52}, {0x71, 0x53}, {0x84, 0x54},
      {0x61, 0x56}, {0x78, 0x57}, {0x07, 0x58}, {0x13, 0x70}, {0x51, 0x73}, {0x64, 0x79},
      {0x67, 0x7B}, {0x6A, 0x7D},
  };
  for (auto [set2, set1] : keys) {
    CAPTURE(set2);
    CHECK(kSet2ToSet1[set2] == set1);
  }
  // Replies and prefixes pass unchanged; the set-2 overrun becomes the set-1 overrun.
  for (uint8_t b : {0xAA, 0xE0, 0xE1, 0xEE, 0xFA, 0xFC, 0xFE}) CHECK(kSet2ToSet1[b] == b);
  CHECK(kSet2ToSet1[0x00] == 0xFF);
}

TEST_CASE("keyboard reset, identify and echo, with and without translation") {
  KbcFixture f;
  f.SetCommandByte(kXlatOff);
  f.PutData(0xFF);
  CHECK(f.Drain() == Bytes{0xFA, 0xAA});
  f.PutData(0xF2);
  CHECK(f.Drain() == Bytes{0xFA, 0xAB, 0x83});
  f.PutData(0xEE);
  CHECK(f.Drain() == Bytes{0xEE});
  // With translation every byte from the keyboard passes the table: the ID's 0x83 becomes 0x41.
  f.SetCommandByte(kXlatOn);
  f.PutData(0xF2);
  CHECK(f.Drain() == Bytes{0xFA, 0xAB, 0x41});
  f.PutData(0xFF);
  CHECK(f.Drain() == Bytes{0xFA, 0xAA});
  f.PutData(0xEE);
  CHECK(f.Drain() == Bytes{0xEE});
  CHECK(f.sink.Rises(1) == 12);  // kbd interrupt on: one IRQ per byte
}

TEST_CASE("scan code set get/set, and set 1 produced by the keyboard itself") {
  KbcFixture f;
  f.SetCommandByte(kXlatOff);
  f.PutData(0xF0);
  f.PutData(0x00);
  CHECK(f.Drain() == Bytes{0xFA, 0xFA, 0x02});
  f.PutData(0xF0);
  f.PutData(0x01);
  CHECK(f.Drain() == Bytes{0xFA, 0xFA});
  CHECK(f.kbc.keyboard().scancode_set() == 1);
  f.PutData(0xF0);
  f.PutData(0x00);
  CHECK(f.Drain() == Bytes{0xFA, 0xFA, 0x01});
  CHECK(Key(f, {0x1C}) == Bytes{0x1E});
  CHECK(Key(f, {0xF0, 0x1C}) == Bytes{0x9E});
  CHECK(Key(f, {0xE0, 0xF0, 0x75}) == Bytes{0xE0, 0xC8});
  // An invalid set is refused.
  f.PutData(0xF0);
  f.PutData(0x07);
  CHECK(f.Drain() == Bytes{0xFA, 0xFE});
  CHECK(f.kbc.keyboard().scancode_set() == 1);
  // With the controller translating, "get set" answers the translated set number (2 -> 0x41).
  f.PutData(0xF0);
  f.PutData(0x02);
  f.SetCommandByte(kXlatOn);
  f.PutData(0xF0);
  f.PutData(0x00);
  CHECK(f.Drain() == Bytes{0xFA, 0xFA, 0xFA, 0xFA, 0x41});
}

TEST_CASE("LEDs, typematic, defaults, resend and unknown commands") {
  KbcFixture f;
  f.SetCommandByte(kXlatOff);
  f.PutData(0xED);
  f.PutData(0x07);
  CHECK(f.Drain() == Bytes{0xFA, 0xFA});
  CHECK(f.kbc.keyboard().leds() == 0x07);
  f.PutData(0xF3);
  f.PutData(0x20);
  CHECK(f.Drain() == Bytes{0xFA, 0xFA});
  CHECK(f.kbc.keyboard().typematic() == 0x20);
  f.PutData(0xF6);
  CHECK(f.Drain() == Bytes{0xFA});
  CHECK(f.kbc.keyboard().typematic() == Ps2Kbd::kDefaultTypematic);
  CHECK(f.kbc.keyboard().scanning());
  f.PutData(0xFE);  // resend the last byte
  CHECK(f.Drain() == Bytes{0xFA});
  f.PutData(0xE0);  // not a keyboard command
  CHECK(f.Drain() == Bytes{0xFE});
  // A command byte where a parameter was expected starts the new command.
  f.PutData(0xED);
  f.PutData(0xF2);
  CHECK(f.Drain() == Bytes{0xFA, 0xFA, 0xAB, 0x83});
  CHECK(f.kbc.keyboard().leds() == 0x07);
  // Reset clears the LEDs.
  f.PutData(0xFF);
  f.Drain();
  CHECK(f.kbc.keyboard().leds() == 0);
}

TEST_CASE("0xF5 stops scanning and 0xF4 resumes it") {
  KbcFixture f;
  f.SetCommandByte(kXlatOff);
  f.PutData(0xF5);
  CHECK(f.Drain() == Bytes{0xFA});
  CHECK_FALSE(f.kbc.KeyboardInput(Bytes{0x1C}));
  CHECK(f.Drain().empty());
  f.PutData(0xF4);
  CHECK(f.Drain() == Bytes{0xFA});
  CHECK(f.kbc.KeyboardInput(Bytes{0x1C}));
  CHECK(f.Drain() == Bytes{0x1C});
}

TEST_CASE("the output FIFO keeps order and reports overrun once when full") {
  KbcFixture f;
  f.SetCommandByte(kXlatOff);
  f.Command(0xAD);  // hold the keyboard so its buffer fills
  int accepted = 0;
  for (int i = 0; i < 40; ++i) accepted += f.kbc.KeyboardInput(Bytes{0x1C}) ? 1 : 0;
  for (int i = 0; i < 40; ++i) accepted += f.kbc.KeyboardInput(Bytes{0xF0, 0x1C}) ? 1 : 0;
  CHECK(accepted == 40 + 12);  // 64 bytes: 40 makes + 12 two-byte breaks
  f.Command(0xAE);
  Bytes out = f.Drain();
  REQUIRE(out.size() == 65);
  CHECK(out[0] == 0x1C);
  CHECK(out[40] == 0xF0);
  CHECK(out[41] == 0x1C);
  CHECK(out[64] == 0x00);  // set-2 overrun code
}

}  // namespace
}  // namespace vireo::devices::test
