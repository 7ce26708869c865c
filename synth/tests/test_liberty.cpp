// Tests of the Liberty reader and the boolean function parser on the OSU 0.18 um library and
// on tiny hand-written libraries.
#include <gtest/gtest.h>

#include "liberty.h"
#include "liberty_expr.h"
#include "qta/cli.h"
#include "synth_flow.h"
#include "test_util.h"

namespace qta::synth {
namespace {

TEST(Liberty, ReadsOsuAreasPinCapsAndFlipFlop) {
  Liberty lib = read_liberty(kDefaultLiberty);
  EXPECT_EQ(lib.name, "osu018_stdcells");
  EXPECT_DOUBLE_EQ(lib.nom_voltage, 1.8);
  ASSERT_NE(lib.cell("NAND2X1"), nullptr);
  EXPECT_DOUBLE_EQ(lib.cell("NAND2X1")->area, 24);
  EXPECT_DOUBLE_EQ(lib.cell("NAND2X1")->pin("A")->capacitance, 0.0125);
  const LibCell* dff = lib.cell("DFFPOSX1");
  ASSERT_NE(dff, nullptr);
  ASSERT_TRUE(dff->is_sequential());
  EXPECT_EQ(dff->seq->next_state, "D");
  EXPECT_EQ(dff->seq->clocked_on, "CLK");
  RequiredCells req = check_required_cells(lib);
  EXPECT_EQ(req.nand2, "NAND2X1");
  EXPECT_EQ(req.dff, "DFFPOSX1");
}

TEST(Liberty, InternalPowerTableInterpolates) {
  Liberty lib = read_liberty(kDefaultLiberty);
  const LibPin* q = lib.cell("DFFPOSX1")->pin("Q");
  ASSERT_FALSE(q->power.empty());
  const LutTable& t = *q->power[0].rise;
  // Grid point (load 0.005 pF, slew 0.06 ns) of the OSU table, and a point between grid points.
  EXPECT_NEAR(t.lookup(0.005, 0.06), 0.040752, 1e-9);
  double mid = t.lookup(0.00875, 0.06);
  EXPECT_GT(mid, 0.040752 * 0.99);
  EXPECT_LT(mid, 0.041217 * 1.01);
}

TEST(LibertyExpr, EvaluatesOsuFunctions) {
  auto aoi = parse_bool_expr("(!((A B)+C))");
  for (int v = 0; v < 8; ++v) {
    bool a = v & 1, b = v & 2, c = v & 4;
    auto val = [&](const std::string& n) { return n == "A" ? a : n == "B" ? b : c; };
    EXPECT_EQ(aoi->eval(val), !((a && b) || c)) << "A=" << a << " B=" << b << " C=" << c;
  }
  auto mux = parse_bool_expr("(!((S A) + (!S B)))");
  auto val = [](const std::string& n) { return n == "S"; };  // S=1, A=0, B=0
  EXPECT_TRUE(mux->eval(val));
  EXPECT_THROW(parse_bool_expr("(A B"), std::runtime_error);
}

TEST(LibertyBadInput, MissingFileIsUsageErrorNamingThePath) {
  try {
    read_liberty("/nonexistent/cells.lib");
    FAIL() << "no error for a missing liberty";
  } catch (const qta::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/cells.lib"), std::string::npos) << e.what();
  }
}

TEST(LibertyBadInput, LibraryWithoutFlipFlopIsUsageError) {
  auto dir = test::scratch_dir("liberty_no_ff");
  test::write_file(dir / "noff.lib", test::tiny_liberty(true, false));
  Liberty lib = read_liberty((dir / "noff.lib").string());
  try {
    check_required_cells(lib);
    FAIL() << "no error for a liberty without a flip-flop";
  } catch (const qta::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("flip-flop"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("NAND"), std::string::npos) << e.what();
  }
}

TEST(LibertyBadInput, LibraryWithoutNand2IsUsageError) {
  auto dir = test::scratch_dir("liberty_no_nand");
  test::write_file(dir / "nonand.lib", test::tiny_liberty(false, true));
  Liberty lib = read_liberty((dir / "nonand.lib").string());
  try {
    check_required_cells(lib);
    FAIL() << "no error for a liberty without a NAND2";
  } catch (const qta::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("NAND"), std::string::npos) << e.what();
  }
}

TEST(LibertyBadInput, SyntaxErrorNamesTheLine) {
  auto dir = test::scratch_dir("liberty_syntax");
  test::write_file(dir / "bad.lib", "library(x) {\n cell (A) {\n area : 1;\n");
  try {
    read_liberty((dir / "bad.lib").string());
    FAIL() << "no error for a truncated liberty";
  } catch (const qta::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("line"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace qta::synth
