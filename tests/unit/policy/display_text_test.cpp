// display_text: what a config may hold that must not reach a terminal or an XML file.
#include "netaudit/policies/display_text.hpp"

#include <catch2/catch.hpp>
#include <string>

using netaudit::display_text;

TEST_CASE("display_text: controls, DEL, C1, bidi overrides and non-characters become '?'") {
  CHECK(display_text("desc \x1b]0;owned\x07 x") == "desc ?]0;owned? x");
  CHECK(display_text("\x1b[2J\x1b[H") == "?[2J?[H");
  CHECK(display_text(std::string("a\0b", 3)) == "a?b");
  CHECK(display_text("over\rwrite") == "over?write");
  CHECK(display_text("del\x7f") == "del?");
  CHECK(display_text("csi \xc2\x9b"
                     "31m") == "csi ?31m");         // U+009B, 8-bit CSI
  CHECK(display_text("\xc2\x80\xc2\x9f") == "??");  // C1 range ends
  CHECK(display_text("abc\xe2\x80\xae"
                     "gpj.exe") == "abc?gpj.exe");            // U+202E
  CHECK(display_text("\xe2\x81\xa6x\xe2\x81\xa9") == "?x?");  // U+2066, U+2069
  CHECK(display_text("\xef\xbf\xbe\xef\xbf\xbf") == "??");    // U+FFFE, U+FFFF
}

TEST_CASE("display_text: invalid UTF-8 becomes one '?' per byte, valid text is kept") {
  CHECK(display_text("caf\xe9") == "caf?");           // Latin-1 byte
  CHECK(display_text("\xc0\xaf") == "??");            // overlong '/'
  CHECK(display_text("\xed\xa0\x80") == "???");       // a UTF-16 surrogate
  CHECK(display_text("\xf4\x90\x80\x80") == "????");  // above U+10FFFF
  CHECK(display_text("cut \xe6\x97") == "cut ??");    // truncated sequence
  CHECK(display_text("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\x92") ==
        "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\x92");  // é 日本 🔒
  CHECK(display_text("\xc2\xa0nbsp \xe2\x80\x8b") == "\xc2\xa0nbsp \xe2\x80\x8b");
  const std::string plain = "interface GigabitEthernet0/1 description uplink-{core}";
  CHECK(display_text(plain) == plain);
}

TEST_CASE("display_text: tab is a space - line feeds only where lines are kept") {
  CHECK(display_text("a\tb") == "a b");
  CHECK(display_text("a\nb") == "a?b");
  CHECK(display_text("a\nb\r\n", true) == "a\nb?\n");
}
