// The one number parser (qta/number.h) and the bounded message text (qta/strings.h): base,
// emptiness, overflow reported as typed, finiteness, and short messages for huge values.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "qta/cli.h"
#include "qta/memory.h"
#include "qta/number.h"
#include "qta/strings.h"

namespace qta {
namespace {

// The UsageError message of f(), or "" if it did not throw.
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(Number, IntegersAreStrictDecimal) {
  EXPECT_EQ(parse_int("42", "--n", 0, 100), 42);
  EXPECT_EQ(parse_int("-7", "--n", -10, 10), -7);
  EXPECT_EQ(parse_int("0", "--n", 0, 10), 0);
  EXPECT_EQ(parse_int("-9223372036854775808", "--n", INT64_MIN, INT64_MAX), INT64_MIN);
  EXPECT_EQ(parse_int("9223372036854775807", "--n", INT64_MIN, INT64_MAX), INT64_MAX);
  struct Case {
    const char* text;
    const char* problem;
  };
  for (const Case& c : {Case{"", "= \"\" is empty"}, Case{"010", "= \"010\" has a leading zero (octal"},
                        Case{"0x10", "= \"0x10\" is not a decimal integer (hex"}, Case{"1e3", "= 1e3 is not an integer"},
                        Case{"1.5", "= 1.5 is not an integer"}, Case{"+5", "= \"+5\" is not an integer"},
                        Case{" 5", "= \" 5\" is not an integer"}, Case{"5 ", "= \"5 \" is not an integer"},
                        Case{"-", "= \"-\" is not an integer"}, Case{"five", "= \"five\" is not an integer"}}) {
    const std::string m = error_of([&] { parse_int(c.text, "--tokens", 1, 65536); });
    EXPECT_NE(m.find(std::string("--tokens ") + c.problem), std::string::npos) << c.text << ": " << m;
    EXPECT_NE(m.find("valid: 1..65536"), std::string::npos) << m;
  }
}

TEST(Number, OverflowIsReportedAsTyped) {
  // Not clamped: the message repeats what was typed.
  EXPECT_EQ(error_of([] { parse_int("18446744073709551616", "--rank", 1, 65536); }),
            "--rank = 18446744073709551616 is out of range; valid: 1..65536");
  EXPECT_EQ(error_of([] { parse_int("9223372036854775808", "--n", 0, INT64_MAX); }),
            "--n = 9223372036854775808 is out of range; valid: 0..9223372036854775807");
  const std::string digits(400, '9');
  const std::string m = error_of([&] { parse_int(digits, "--n", 0, 10); });
  EXPECT_NE(m.find("is out of range"), std::string::npos) << m;
  EXPECT_LT(m.size(), 200u) << "a 400-digit value is shown bounded";
  EXPECT_NE(m.find("(400 bytes)"), std::string::npos) << m;
}

TEST(Number, SeedsAreUnsigned64BitWithoutWrapAround) {
  EXPECT_EQ(parse_uint("18446744073709551615", "--seed"), UINT64_MAX);
  EXPECT_EQ(parse_uint("0", "--seed"), 0u);
  EXPECT_EQ(error_of([] { parse_uint("-1", "--seed"); }),
            "--seed = -1 is out of range; valid: 0..18446744073709551615");
  EXPECT_EQ(error_of([] { parse_uint("18446744073709551616", "--seed"); }),
            "--seed = 18446744073709551616 is out of range; valid: 0..18446744073709551615");
  EXPECT_EQ(error_of([] { parse_uint("99999999999999999999999", "--seed"); }),
            "--seed = 99999999999999999999999 is out of range; valid: 0..18446744073709551615");
  EXPECT_EQ(error_of([] { parse_uint("", "--seed"); }), "--seed = \"\" is empty; valid: 0..18446744073709551615");
}

TEST(Number, RealsAreDecimalAndFinite) {
  const RealRange any;
  EXPECT_EQ(parse_real("0.5", "--x", any), 0.5);
  EXPECT_EQ(parse_real(".5", "--x", any), 0.5);
  EXPECT_EQ(parse_real("5.", "--x", any), 5.0);
  EXPECT_EQ(parse_real("-2.5e-3", "--x", any), -2.5e-3);
  EXPECT_EQ(parse_real("1E3", "--x", any), 1000.0);
  EXPECT_EQ(parse_real("0", "--x", any), 0.0);
  EXPECT_EQ(parse_real("1e-400", "--x", any), 0.0) << "underflow: the rounded value, then the range check";
  struct Case {
    const char* text;
    const char* problem;
  };
  for (const Case& c : {Case{"", "\"\" is empty"}, Case{"nan", "\"nan\" is not a finite number"},
                        Case{"NaN", "\"NaN\" is not a finite number"}, Case{"inf", "\"inf\" is not a finite number"},
                        Case{"-Infinity", "\"-Infinity\" is not a finite number"},
                        Case{"0x1p3", "\"0x1p3\" is not a decimal number (hex"}, Case{"1e400", "1e400 is out of range"},
                        Case{"-1e400", "-1e400 is out of range"}, Case{"1e", "\"1e\" is not a decimal number"},
                        Case{"010", "\"010\" has a leading zero"}, Case{".", "\".\" is not a decimal number"},
                        Case{"1,5", "\"1,5\" is not a decimal number"}}) {
    const std::string m = error_of([&] { parse_real(c.text, "--alpha", any); });
    EXPECT_NE(m.find(std::string("--alpha = ") + c.problem), std::string::npos) << c.text << ": " << m;
  }
}

TEST(Number, RealRangesAndTheirDescription) {
  const RealRange alpha(1e-6, 1e6);
  EXPECT_EQ(error_of([&] { parse_real("1e300", "--alpha", alpha); }),
            "--alpha = 1e300 is out of range; valid: [1e-06, 1e+06]");
  EXPECT_EQ(parse_real("1e6", "--alpha", alpha), 1e6);
  const RealRange positive(0, std::numeric_limits<double>::max(), true);
  EXPECT_EQ(positive.describe(), "> 0, finite");
  EXPECT_NE(error_of([&] { parse_real("0", "--lr", positive); }), "");
  EXPECT_EQ(parse_real("1e300", "--lr", positive), 1e300);
  const RealRange unit(0, 1, false, true);
  EXPECT_EQ(unit.describe(), "[0, 1)");
  EXPECT_NE(error_of([&] { parse_real("1", "--momentum", unit); }), "");
  RealRange documented(0, 1e6);
  documented.doc = "0..1e6";
  EXPECT_EQ(error_of([&] { parse_real("-0.5", "--noise", documented); }), "--noise = -0.5 is out of range; valid: 0..1e6");
}

TEST(Strings, ShownIsBoundedAndEscaped) {
  EXPECT_EQ(shown("abc"), "abc");
  EXPECT_EQ(shown("a\nb\tc\x01"), "a\\nb\\tc\\x01");
  EXPECT_EQ(shown("g\xffname"), "g\\xffname");
  EXPECT_EQ(shown("gr\xc3\xbc\xc3\x9f"), "gr\xc3\xbc\xc3\x9f") << "valid UTF-8 stays";
  const std::string big(10'000'000, 'x');
  EXPECT_EQ(shown(big), std::string(80, 'x') + "... (10000000 bytes)");
  EXPECT_EQ(quoted_text(big), "\"" + std::string(80, 'x') + "...\" (10000000 bytes)");
  EXPECT_EQ(quoted_text("say \"hi\"\\"), "\"say \\\"hi\\\"\\\\\"");
}

TEST(Strings, Utf8ValidationAndEscaping) {
  EXPECT_FALSE(invalid_utf8_offset("plain ascii"));
  EXPECT_FALSE(invalid_utf8_offset("\xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_EQ(invalid_utf8_offset("ab\xff"), 2u);
  EXPECT_EQ(invalid_utf8_offset("\xc0\xaf"), 0u) << "overlong";
  EXPECT_EQ(invalid_utf8_offset("\xed\xa0\x80"), 0u) << "surrogate";
  EXPECT_EQ(invalid_utf8_offset("\xf4\x90\x80\x80"), 0u) << "above U+10FFFF";
  EXPECT_EQ(invalid_utf8_offset("x\xe2\x82"), 1u) << "truncated";
  EXPECT_EQ(utf8_escaped("/tmp/g\xffname"), "/tmp/g\\xffname");
  EXPECT_FALSE(invalid_utf8_offset(utf8_escaped("\xfe\xff\xc3")));
  EXPECT_EQ(bounded_message(std::string(5000, 'a'), 100).size(), 100u + std::string("... (4900 more bytes)").size());
}

TEST(Memory, HugeRequestsAreRefusedWithNeedAndAvailable) {
  EXPECT_EQ(human_bytes(512), "512 bytes");
  EXPECT_EQ(human_bytes(uint64_t{3} << 29), "1.5 GiB");
  EXPECT_EQ(human_bytes(uint64_t{704} << 30), "704 GiB");
  std::string source;
  EXPECT_GT(available_memory_bytes(&source), uint64_t{1} << 20);
  EXPECT_FALSE(source.empty());
  EXPECT_NO_THROW(require_memory(1024, "a small run", "less"));
  const std::string m = error_of([] { require_memory(uint64_t{1} << 62, "golden lora with tokens=65536", "a smaller shape"); });
  EXPECT_NE(m.find("golden lora with tokens=65536 would need about 4.0 EiB of memory, "), std::string::npos) << m;
  EXPECT_NE(m.find("available ("), std::string::npos) << m;
  EXPECT_NE(m.find("valid: a smaller shape"), std::string::npos) << m;
}

}  // namespace
}  // namespace qta
