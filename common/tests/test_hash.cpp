// qta::fnv1a64 against the published FNV-1a 64 test vectors; qta::hex16.
#include <gtest/gtest.h>

#include "qta/hash.h"

namespace qta {
namespace {

static_assert(fnv1a64("") == 0xcbf29ce484222325ull, "usable at compile time");

TEST(Hash, Fnv1a64KnownVectors) {
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ull);
  EXPECT_EQ(hex16(fnv1a64("")), "cbf29ce484222325");
  EXPECT_EQ(hex16(fnv1a64("a")), "af63dc4c8601ec8c");
}

TEST(Hash, BytesAboveAsciiAndEmbeddedNul) {
  // Bytes are taken unsigned: 0xff is 255, not -1.
  EXPECT_EQ(fnv1a64("\xff"), (kFnv1a64Offset ^ 0xffull) * kFnv1a64Prime);
  EXPECT_NE(fnv1a64(std::string_view("a\0b", 3)), fnv1a64("ab"));
}

TEST(Hash, StartValueSeedsAndContinues) {
  EXPECT_EQ(fnv1a64("bar", fnv1a64("foo")), fnv1a64("foobar"));
  EXPECT_NE(fnv1a64("step", kFnv1a64Offset ^ 1), fnv1a64("step", kFnv1a64Offset ^ 2));
  EXPECT_EQ(fnv1a64("", 42), 42u);
}

TEST(Hash, Hex16PadsToSixteenLowercaseDigits) {
  EXPECT_EQ(hex16(0), "0000000000000000");
  EXPECT_EQ(hex16(0xabcull), "0000000000000abc");
  EXPECT_EQ(hex16(~0ull), "ffffffffffffffff");
}

}  // namespace
}  // namespace qta
