// Tests of `qta synth` on the hand-made fixture (synth/tests/fixtures/gen_tiny): the reports
// exist, the PE area is Yosys' own `stat` figure, the area arithmetic adds up, timing has the
// path groups; bad input gives qta::UsageError naming the value and leaves nothing behind.
#include <gtest/gtest.h>

#include <regex>

#include "flow_util.h"
#include "liberty.h"
#include "qta/cli.h"
#include "synth_flow.h"
#include "test_util.h"

namespace qta::synth {
namespace {
namespace fs = std::filesystem;

double stat_area(const std::string& stat_text, const std::string& pattern) {
  std::smatch m;
  std::regex re(pattern + R"(: ([0-9.]+))");
  if (!std::regex_search(stat_text, m, re)) return -1;
  return std::stod(m[1]);
}

class FixtureFlow : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    out_ = test::scratch_dir("fixture_flow") / "out";
    SynthOptions opt;
    opt.rtl_dir = test::fixture_dir();
    opt.out = out_;
    opt.energy_cycles = 1000;
    opt.command = "test_synth_flow";
    summary_ = run_synth(opt);
  }
  static fs::path out_;
  static nlohmann::json summary_;
};
fs::path FixtureFlow::out_;
nlohmann::json FixtureFlow::summary_;

TEST_F(FixtureFlow, WritesReportsAndNoTemporaryDirectory) {
  for (const char* f : {"area.rpt", "timing.rpt", "summary.json"})
    EXPECT_TRUE(fs::exists(out_ / f)) << f << " missing in " << out_;
  for (const auto& e : fs::directory_iterator(out_.parent_path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
  auto on_disk = nlohmann::json::parse(read_text(out_ / "summary.json"));
  EXPECT_EQ(on_disk["pe"]["area_um2"], summary_["pe"]["area_um2"]);
}

TEST_F(FixtureFlow, PeAreaIsYosysStatOfThePeAlone) {
  std::string stat = read_text(out_ / "work/pe.stat.txt");
  double yosys = stat_area(stat, R"(Chip area for module '\\qta_pe')");
  ASSERT_GT(yosys, 0) << "no 'Chip area' line in " << out_ / "work/pe.stat.txt";
  EXPECT_DOUBLE_EQ(summary_["pe"]["area_um2"].get<double>(), yosys);
  // The same figure recomputed from the cell counts and the liberty's cell areas.
  Liberty lib = read_liberty(kDefaultLiberty);
  double sum = 0;
  for (auto& [cell, n] : summary_["pe"]["cells_by_type"].items()) sum += lib.cell(cell)->area * n.get<double>();
  EXPECT_DOUBLE_EQ(sum, yosys);
  EXPECT_DOUBLE_EQ(summary_["pe"]["nand2_eq"].get<double>(), yosys / 24.0);
  // The fixture PE has 8 + 8 + 32 = 48 state bits.
  EXPECT_EQ(summary_["pe"]["flip_flops"].get<int>(), 48);
}

TEST_F(FixtureFlow, TopAreaAddsUpOverBlocksAndBuffersGetSramEstimate) {
  const auto& a = summary_["area"];
  std::string stat = read_text(out_ / "work/top.stat.txt");
  EXPECT_DOUBLE_EQ(a["top_area_um2"].get<double>(), stat_area(stat, R"(Chip area for top module '\\qta_top')"));
  double pe = -1, array = -1, buffer = -1;
  for (const auto& b : a["blocks"]) {
    if (b["block"] == "pe") {
      pe = b["total"]["area_um2"];
      EXPECT_EQ(b["instances"], 4) << "2 x 2 fixture array";
    }
    if (b["block"] == "array") array = b["total"]["area_um2"];
    if (b["block"] == "buffer") {
      buffer = b["total"]["area_um2"];
      EXPECT_EQ(b["storage_bits"], 8 * 16) << "fixture buffer is 8 x 16 bits";
    }
  }
  ASSERT_GT(pe, 0);
  EXPECT_DOUBLE_EQ(array, 4 * pe);
  EXPECT_DOUBLE_EQ(a["top_area_um2"].get<double>(), array + buffer);
  EXPECT_DOUBLE_EQ(a["buffers_as_sram_estimate_um2"].get<double>(), 128 * 5.0 / 0.5);
  EXPECT_DOUBLE_EQ(a["top_with_sram_estimate_um2"].get<double>(), array + 128 * 10.0);
}

TEST_F(FixtureFlow, EnergyPerMacFromEveryNetOfTheGateLevelRun) {
  ASSERT_TRUE(fs::exists(out_ / "energy.rpt"));
  const auto& e = summary_["energy"];
  ASSERT_TRUE(e.contains("runs")) << e.dump();
  const auto& ws = e["runs"][0];
  const auto& os = e["runs"][1];
  EXPECT_EQ(ws["mode"], "ws");
  EXPECT_EQ(ws["macs"], 1000) << "WS: one MAC per cycle";
  EXPECT_EQ(os["macs"], 1000 / 20 * 16) << "OS: 16 compute + 4 read-out cycles per tile";
  for (const auto& r : {ws, os}) {
    EXPECT_EQ(r["nets_not_traced"], 0) << "every net of the netlist must be found in the VCD";
    EXPECT_GT(r["nets_with_activity"].get<long>(), r["nets"].get<long>() / 2);
    EXPECT_GT(r["switching_pj"].get<double>(), 0);
    EXPECT_GT(r["internal_pj"].get<double>(), 0);
  }
  // The clock net alone: 2 transitions per cycle of 48 flip-flop clock pins.
  Liberty lib = read_liberty(kDefaultLiberty);
  double clk_cap = 48 * lib.cell("DFFPOSX1")->pin("CLK")->capacitance;
  double v2 = lib.nom_voltage * lib.nom_voltage;
  EXPECT_GT(ws["clock_pj"].get<double>(), 1000 * clk_cap * v2);
  EXPECT_DOUBLE_EQ(e["pj_per_mac_ws"].get<double>(), ws["total_pj"].get<double>() / 1000);
}

TEST_F(FixtureFlow, TimingHasPathGroupsAndCriticalPath) {
  const auto& t = summary_["timing"];
  ASSERT_TRUE(t["path_groups"]["reg2reg"].is_object());
  ASSERT_TRUE(t["path_groups"]["in2reg"].is_object());
  ASSERT_TRUE(t["path_groups"]["reg2out"].is_object());
  double worst = 0;
  for (auto& [g, v] : t["path_groups"].items())
    if (v.is_object()) worst = std::max(worst, v["min_period_ns"].get<double>());
  EXPECT_DOUBLE_EQ(t["min_period_ns"].get<double>(), worst);
  EXPECT_NEAR(t["achievable_clock_mhz"].get<double>(), 1000.0 / worst, 1e-9);
  EXPECT_FALSE(t["critical_path"]["startpoint"].get<std::string>().empty());
  // An INT8 MAC with a 32-bit adder in 0.18 um: a few ns, far from 0 and from 10 ns.
  EXPECT_GT(worst, 1.0);
  EXPECT_LT(worst, 10.0);
  std::string rpt = read_text(out_ / "timing.rpt");
  EXPECT_NE(rpt.find("reg2reg"), std::string::npos);
  EXPECT_NE(rpt.find("achievable clock"), std::string::npos);
}

// --- bad input -------------------------------------------------------------------------

template <typename F>
std::string usage_error_of(F f) {
  try {
    f();
  } catch (const qta::UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(SynthBadInput, NeverGeneratedDirectory) {
  auto dir = test::scratch_dir("never_generated");
  fs::create_directories(dir / "empty");
  SynthOptions opt;
  opt.rtl_dir = dir / "empty";
  opt.out = dir / "out";
  std::string msg = usage_error_of([&] { run_synth(opt); });
  EXPECT_NE(msg.find("manifest.json"), std::string::npos) << "message: " << msg;
  EXPECT_NE(msg.find((dir / "empty").string()), std::string::npos) << "message: " << msg;
  EXPECT_FALSE(fs::exists(opt.out));
  opt.rtl_dir = dir / "does_not_exist";
  msg = usage_error_of([&] { run_synth(opt); });
  EXPECT_NE(msg.find("does_not_exist"), std::string::npos) << "message: " << msg;
}

TEST(SynthBadInput, ManifestListingMissingFile) {
  auto dir = test::scratch_dir("missing_rtl_file");
  fs::copy(test::fixture_dir(), dir / "gen", fs::copy_options::recursive);
  fs::remove(dir / "gen/rtl/qta_array.v");
  SynthOptions opt;
  opt.rtl_dir = dir / "gen";
  opt.out = dir / "out";
  std::string msg = usage_error_of([&] { run_synth(opt); });
  EXPECT_NE(msg.find("qta_array.v"), std::string::npos) << "message: " << msg;
  EXPECT_FALSE(fs::exists(opt.out));
}

TEST(SynthBadInput, MissingLiberty) {
  auto dir = test::scratch_dir("missing_liberty");
  SynthOptions opt;
  opt.rtl_dir = test::fixture_dir();
  opt.out = dir / "out";
  opt.liberty = (dir / "nope.lib").string();
  std::string msg = usage_error_of([&] { run_synth(opt); });
  EXPECT_NE(msg.find("nope.lib"), std::string::npos) << "message: " << msg;
  EXPECT_FALSE(fs::exists(opt.out));
}

TEST(SynthBadInput, LibertyWithoutNeededCells) {
  auto dir = test::scratch_dir("liberty_without_cells");
  test::write_file(dir / "noff.lib", test::tiny_liberty(true, false));
  SynthOptions opt;
  opt.rtl_dir = test::fixture_dir();
  opt.out = dir / "out";
  opt.liberty = (dir / "noff.lib").string();
  std::string msg = usage_error_of([&] { run_synth(opt); });
  EXPECT_NE(msg.find("flip-flop"), std::string::npos) << "message: " << msg;
  EXPECT_NE(msg.find("noff.lib"), std::string::npos) << "message: " << msg;
  EXPECT_FALSE(fs::exists(opt.out));
}

TEST(SynthBadInput, OutThatIsNotAPreviousSynthOutputIsKept) {
  auto dir = test::scratch_dir("foreign_out");
  test::write_file(dir / "notes.txt", "keep");
  SynthOptions opt;
  opt.rtl_dir = test::fixture_dir();
  opt.out = dir;
  std::string msg = usage_error_of([&] { run_synth(opt); });
  EXPECT_NE(msg.find("summary.json"), std::string::npos) << "message: " << msg;
  EXPECT_NE(usage_error_of([&] { run_sweep({{2, 2}}, opt, [](int, int, const fs::path&, const std::string&) {}); }).find("sweep.json"), std::string::npos);
  EXPECT_EQ(read_text(dir / "notes.txt"), "keep");
  for (const auto& e : fs::directory_iterator(dir.parent_path()))
    EXPECT_EQ(e.path().filename().string().find("foreign_out."), std::string::npos) << "left behind: " << e.path();
}

TEST(SynthBadInput, BadPeriodAndSramModel) {
  SynthOptions opt;
  opt.rtl_dir = test::fixture_dir();
  opt.out = test::scratch_dir("bad_period") / "out";
  opt.period_ns = -1;
  EXPECT_NE(usage_error_of([&] { validate_inputs(opt); }).find("-1"), std::string::npos);
  opt.period_ns = 10;
  opt.sram.array_efficiency = 1.5;
  EXPECT_NE(usage_error_of([&] { validate_inputs(opt); }).find("1.5"), std::string::npos);
}

TEST(SweepSpec, ParsesSizes) {
  auto s = parse_sweep("4x4,8x8, 16X16,2x8");
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0], std::make_pair(4, 4));
  EXPECT_EQ(s[2], std::make_pair(16, 16));
  EXPECT_EQ(s[3], std::make_pair(2, 8));
}

TEST(SweepSpec, TypoIsUsageErrorNamingTheItem) {
  for (std::string bad : {"4x4,8y8", "4x4,,8x8", "8x", "x8", "0x4", "4x4;8x8", "", "512x512"}) {
    std::string msg = usage_error_of([&] { parse_sweep(bad); });
    EXPECT_FALSE(msg.empty()) << "no UsageError for --sweep '" << bad << "'";
    EXPECT_NE(msg.find("ROWSxCOLS"), std::string::npos) << "message for '" << bad << "': " << msg;
  }
  EXPECT_NE(usage_error_of([] { parse_sweep("4x4,8y8"); }).find("'8y8'"), std::string::npos);
}


// The sweep machinery on the fixture: each "size" is a copy of the 2x2 fixture, so the test
// checks the table, JSON, SVG and staging, not the scaling itself (that is the nightly run).
void copy_fixture(int, int, const fs::path& dir, const std::string&) {
  fs::copy(test::fixture_dir(), dir, fs::copy_options::recursive);
}
void write_nothing(int, int, const fs::path& dir, const std::string&) { fs::create_directories(dir); }

TEST(Sweep, WritesTableJsonAndSvgPerSize) {
  fs::path out = test::scratch_dir("sweep") / "out";
  SynthOptions opt;
  opt.out = out;
  opt.command = "test_sweep";
  nlohmann::json j = run_sweep({{2, 2}, {4, 8}}, opt, &copy_fixture);
  ASSERT_EQ(j["sizes"].size(), 2u);
  EXPECT_EQ(j["sizes"][0]["size"], "2x2");
  EXPECT_EQ(j["sizes"][1]["pes"], 32);
  auto on_disk = nlohmann::json::parse(read_text(out / "sweep.json"));
  EXPECT_EQ(on_disk, j);
  for (const char* size : {"2x2", "4x8"}) {
    EXPECT_TRUE(fs::exists(out / size / "summary.json")) << size;
    EXPECT_FALSE(fs::exists(out / (std::string(size) + ".gen"))) << "generated copy not removed";
  }
  // Same design twice: same areas; each figure is the one of that size's summary.json.
  EXPECT_DOUBLE_EQ(j["sizes"][0]["top_area_um2"].get<double>(), j["sizes"][1]["top_area_um2"].get<double>());
  auto sum = nlohmann::json::parse(read_text(out / "2x2" / "summary.json"));
  double array = -1;
  for (const auto& b : sum["area"]["blocks"])
    if (b["block"] == "array") array = b["total"]["area_um2"].get<double>();
  EXPECT_GT(array, 0);
  EXPECT_DOUBLE_EQ(j["sizes"][0]["array_um2"].get<double>(), array);
  EXPECT_DOUBLE_EQ(j["sizes"][0]["pe_um2"].get<double>(), sum["pe"]["area_um2"].get<double>());
  EXPECT_LT(j["sizes"][0]["array_um2"].get<double>(), j["sizes"][0]["top_area_um2"].get<double>());
  EXPECT_DOUBLE_EQ(j["sizes"][0]["achievable_clock_mhz"].get<double>(), sum["timing"]["achievable_clock_mhz"].get<double>());
  std::string rpt = read_text(out / "sweep.rpt");
  EXPECT_NE(rpt.find("\n2x2 "), std::string::npos) << rpt;
  EXPECT_NE(rpt.find("\n4x8 "), std::string::npos) << rpt;
  std::string svg = read_text(out / "area_scaling.svg");
  EXPECT_EQ(svg.rfind("<svg ", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  // Well-formed XML: no "--" inside a comment (an SVG viewer rejects the whole file).
  for (size_t c = svg.find("<!--"); c != std::string::npos; c = svg.find("<!--", c + 4)) {
    size_t end = svg.find("-->", c + 4);
    ASSERT_NE(end, std::string::npos);
    EXPECT_EQ(svg.substr(c + 4, end - c - 4).find("--"), std::string::npos) << svg.substr(c, end - c + 3);
  }
  size_t polylines = 0;
  for (size_t p = svg.find("<polyline"); p != std::string::npos; p = svg.find("<polyline", p + 1)) ++polylines;
  EXPECT_EQ(polylines, 2u);
  EXPECT_NE(svg.find("<title>4x8:"), std::string::npos);
  EXPECT_FALSE(fs::exists(out / "2x2" / "energy.rpt")) << "the sweep skips the energy run";
}

TEST(Sweep, ASizeThatIsNotAGeneratedDirectoryLeavesNothing) {
  fs::path base = test::scratch_dir("sweep_bad");
  SynthOptions opt;
  opt.out = base / "out";
  std::string msg = usage_error_of([&] { run_sweep({{2, 2}}, opt, &write_nothing); });
  EXPECT_NE(msg.find("manifest.json"), std::string::npos) << msg;
  for (const auto& e : fs::directory_iterator(base)) ADD_FAILURE() << "left behind: " << e.path();
}


// Buffers kept as SRAM macros (black boxes): counted per instance, their bits in the SRAM
// estimate, and the estimate added to the logic (an 8x8 run once reported 0 instances).
TEST(AreaSummary, SramMacroBuffersAreCountedPerInstance) {
  auto dir = test::scratch_dir("area_macro");
  test::write_file(dir / "t.lib", test::tiny_liberty(true, true));
  Liberty lib = read_liberty((dir / "t.lib").string());
  RequiredCells req = check_required_cells(lib);
  YosysResult y;
  y.top = "top";
  y.modules["top"] = ModuleStat{"top", "top", {{"INVX1", 3}, {"$paramod$abc\\qta_buffer", 2}, {"sub", 1}}, 48.0, 0};
  y.modules["sub"] = ModuleStat{"sub", "sub", {{"NAND2X1", 1}, {"$paramod$def\\qta_buffer", 1}}, 24.0, 0};
  y.macros["$paramod$abc\\qta_buffer"] = 1000;
  y.macros["$paramod$def\\qta_buffer"] = 500;
  SramModel sram;  // 5 um^2 / 0.5 = 10 um^2 per bit
  AreaSummary a = summarize_area(y, lib, req, sram);
  EXPECT_DOUBLE_EQ(a.top_um2, 3 * 16 + 24);
  EXPECT_EQ(a.buffer_macro_bits, 2 * 1000 + 500);
  EXPECT_EQ(a.buffer_bits, 2500);
  EXPECT_DOUBLE_EQ(a.buffers_sram_um2, 2500 * 10.0);
  EXPECT_DOUBLE_EQ(a.top_with_sram_um2, 72 + 25000);
  for (const auto& b : a.blocks) {
    if (b.module == "$paramod$abc\\qta_buffer") {
      EXPECT_EQ(b.instances, 2);
    }
  }
}

}  // namespace
}  // namespace qta::synth
