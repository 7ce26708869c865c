// qta::render_mustache: a malformed template is bad input naming the template and the line and
// column of the error (issue 28; kainjow reports a character offset).
#include <gtest/gtest.h>

#include <string>

#include "qta/cli.h"
#include "qta/mustache.h"

namespace qta {
namespace {

std::string error_of(const std::string& text) {
  try {
    render_mustache(text, kainjow::mustache::data(), "/t/x.v.mustache");
  } catch (const UsageError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Mustache, AnUnclosedSectionNamesTheTemplateAndTheLineOfItsOpening) {
  const std::string e = error_of("module x;\n  // ok\n  {{#lanes}}\n  wire a;\nendmodule\n");
  EXPECT_EQ(e.rfind("template '/t/x.v.mustache' line 3, column 3: Unclosed section \"lanes\"; valid: ", 0), 0u) << e;
}

TEST(Mustache, AnUnclosedTagNamesItsLineAndColumn) {
  const std::string e = error_of("a\nb\ncc {{name\n");
  EXPECT_EQ(e.rfind("template '/t/x.v.mustache' line 3, column 4: Unclosed tag; valid: ", 0), 0u) << e;
}

TEST(Mustache, AnUnopenedSectionOnTheFirstLine) {
  const std::string e = error_of("{{/x}}");
  EXPECT_EQ(e.rfind("template '/t/x.v.mustache' line 1, column 1: Unopened section \"x\"; valid: ", 0), 0u) << e;
}

TEST(Mustache, AValidTemplateRenders) {
  kainjow::mustache::data d;
  d.set("n", "<8>");
  EXPECT_EQ(render_mustache("w{{n}}\n", d, "t"), "w<8>\n");  // no HTML escaping
}

}  // namespace
}  // namespace qta
