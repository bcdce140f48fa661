// The Ctrl-A escape state machine, fed byte by byte as a terminal would.

#include "devices/chardev/escape_parser.h"

#include <doctest/doctest.h>

#include <string_view>
#include <vector>

namespace vireo::devices {

namespace {
using Kind = EscapeParser::Kind;

struct Fed {
  std::vector<uint8_t> guest;
  std::vector<Kind> commands;
};

Fed FeedAll(EscapeParser& parser, std::string_view input) {
  Fed fed;
  for (char c : input) {
    EscapeParser::Result r = parser.Feed(static_cast<uint8_t>(c));
    if (r.kind == Kind::kByte) {
      fed.guest.push_back(r.byte);
    } else if (r.kind != Kind::kNone) {
      fed.commands.push_back(r.kind);
    }
  }
  return fed;
}
}  // namespace

TEST_CASE("escape parser: plain bytes pass through, including control characters") {
  EscapeParser parser;
  Fed fed = FeedAll(parser, std::string_view("ls -l\r\x03\x1b[A\x7f", 11));
  CHECK(fed.guest ==
        std::vector<uint8_t>{'l', 's', ' ', '-', 'l', '\r', 0x03, 0x1b, '[', 'A', 0x7f});
  CHECK(fed.commands.empty());
  CHECK_FALSE(parser.pending_escape());
}

TEST_CASE("escape parser: Ctrl-A x quits and Ctrl-A c asks for the monitor") {
  EscapeParser parser;
  Fed fed = FeedAll(parser, "ab\x01x");
  CHECK(fed.guest == std::vector<uint8_t>{'a', 'b'});
  CHECK(fed.commands == std::vector<Kind>{Kind::kQuit});
  fed = FeedAll(parser,
                "\x01"
                "c"
                "d");
  CHECK(fed.guest == std::vector<uint8_t>{'d'});
  CHECK(fed.commands == std::vector<Kind>{Kind::kMonitor});
  fed = FeedAll(parser, "\x01h\x01?");
  CHECK(fed.commands == std::vector<Kind>{Kind::kHelp, Kind::kHelp});
}

TEST_CASE("escape parser: Ctrl-A Ctrl-A sends one literal Ctrl-A") {
  EscapeParser parser;
  Fed fed = FeedAll(parser,
                    "\x01\x01"
                    "\x01\x01");
  CHECK(fed.guest == std::vector<uint8_t>{0x01, 0x01});
  CHECK(fed.commands.empty());
}

TEST_CASE("escape parser: the escape survives a split read and unknown keys are swallowed") {
  EscapeParser parser;
  CHECK(parser.Feed(0x01).kind == Kind::kNone);
  CHECK(parser.pending_escape());
  CHECK(parser.Feed('x').kind == Kind::kQuit);
  CHECK_FALSE(parser.pending_escape());
  // An unknown command key is eaten, the next byte is ordinary again.
  Fed fed = FeedAll(parser, "\x01zq");
  CHECK(fed.guest == std::vector<uint8_t>{'q'});
  CHECK(fed.commands.empty());
  parser.Feed(0x01);
  parser.Reset();
  CHECK(parser.Feed('x').kind == Kind::kByte);
}

TEST_CASE("escape parser: the help text names every command") {
  std::string_view help(kEscapeHelpText);
  for (std::string_view key : {"Ctrl-A h", "Ctrl-A x", "Ctrl-A c", "Ctrl-A Ctrl-A"}) {
    CAPTURE(key);
    CHECK(help.find(key) != std::string_view::npos);
  }
}

}  // namespace vireo::devices
