// kura::Printable (schema/printable.h): bytes shown as one line of printable ASCII, cut to a
// bound, for error messages, logs and reports.
#include <catch2/catch.hpp>

#include "kura/schema/printable.h"

namespace kura {
namespace {

TEST_CASE("printable text passes, other bytes, quotes and backslashes are escaped", "[printable]") {
  CHECK(Printable("SKU-1 at tokyo-01") == "SKU-1 at tokyo-01");
  CHECK(Printable(std::string("a\nb\0c", 5)) == "a\\x0ab\\x00c");
  CHECK(Printable("say \"hi\" \\o/") == "say \\x22hi\\x22 \\x5co/");
  CHECK(Printable("\xe6\x9d\xb1") == "\\xe6\\x9d\\xb1");  // UTF-8 too: the result is ASCII
}

TEST_CASE("printable cuts long input and says how much it left out", "[printable]") {
  CHECK(Printable("abcdef", 4) == "abcd...(2 more bytes)");
  CHECK(Printable("abcd", 4) == "abcd");
  CHECK(Printable("", 0).empty());
}

}  // namespace
}  // namespace kura
