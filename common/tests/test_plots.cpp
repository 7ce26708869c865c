// Every kind of plot the commands draw, as they draw it, is readable: `qta perf --plots` run
// for real (cheap), `qta train --plot`'s loss curve and `qta synth --sweep`'s area plot from
// their plotting functions with realistic data. For each SVG: no two texts overlap, no text is
// over the data or outside the canvas (from the boxes qta::svg records in the file), and
// rsvg-convert renders it to a PNG of the declared size.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qta/process.h"
#include "qta/runtime/train.h"
#include "qta/svg_plot.h"
#include "qta/text_io.h"
#include "qta/version.h"
#include "synth_flow.h"
#include "test_util.h"

namespace qta {
namespace {

namespace fs = std::filesystem;

// Width and height from a PNG's IHDR chunk; {0, 0} if `file` is not a PNG.
std::pair<uint32_t, uint32_t> png_size(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  unsigned char h[24] = {};
  in.read(reinterpret_cast<char*>(h), sizeof h);
  const unsigned char magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (!in || std::equal(magic, magic + 8, h) == false || std::string(reinterpret_cast<char*>(h + 12), 4) != "IHDR")
    return {0, 0};
  auto be32 = [&](int o) { return uint32_t(h[o]) << 24 | uint32_t(h[o + 1]) << 16 | uint32_t(h[o + 2]) << 8 | h[o + 3]; };
  return {be32(16), be32(20)};
}

// The checks of one plot file; `reproduce` says how to make it again.
void expect_readable(const fs::path& svg_file, const std::string& reproduce) {
  SCOPED_TRACE(fmt::format("plot {}\n  reproduce: {}\n  look at it: rsvg-convert -o /tmp/plot.png {}",
                           svg_file.string(), reproduce, svg_file.string()));
  svg::Plot p;
  try {
    p = svg::parse_plot(read_text(svg_file));
  } catch (const std::exception& e) {
    FAIL() << svg_file.string() << ": not a plot drawn by qta::svg: " << e.what();
  }
  EXPECT_FALSE(p.texts.empty());
  EXPECT_GT(p.data_area.w, 0) << "no data area recorded";
  for (const auto& problem : svg::layout_problems(p)) ADD_FAILURE() << svg_file.filename().string() << ": " << problem;

  const auto rsvg = find_program("rsvg-convert");
  ASSERT_TRUE(rsvg) << "rsvg-convert not found on PATH: install librsvg2-bin (scripts/bootstrap.sh does)";
  fs::path png = svg_file;
  png.replace_extension(".png");
  fs::path log = svg_file;
  log.replace_extension(".rsvg.log");
  const std::vector<std::string> argv = {rsvg->string(), "-o", png.string(), svg_file.string()};
  ProcessOptions opt;
  opt.log = log;
  const ProcessResult r = run_process(argv, opt);
  ASSERT_TRUE(r.ok()) << command_line(argv) << " exited " << r.exit_code << ":\n" << tail_lines(log, 10, "  ");
  const auto [w, h] = png_size(png);
  EXPECT_EQ(w, uint32_t(p.width)) << png.string() << ": PNG width against the SVG's declared width";
  EXPECT_EQ(h, uint32_t(p.height)) << png.string() << ": PNG height against the SVG's declared height";
}

std::string this_test() {
  const auto* t = ::testing::UnitTest::GetInstance()->current_test_info();
  return fmt::format("{}/common/tests/qta_plot_tests --gtest_filter={}.{}", kBinaryDir, t->test_suite_name(), t->name());
}

// qta perf --plots for the paper's 64x64 array (7 policies, 16 layers) and a small array with
// column and row groups.
TEST(CommandPlots, PerfPlotsAreReadable) {
  const fs::path dir = test::scratch_dir("plots_perf");
  const std::string qta = fmt::format("{}/qta", kBinaryDir);
  for (const std::vector<std::string>& flags :
       {std::vector<std::string>{"--config", "paper_64x64"},
        std::vector<std::string>{"--rows", "16", "--cols", "8", "--col-groups", "2", "--row-groups", "4"}}) {
    const fs::path out = dir / (flags[0] == "--config" ? flags[1] : "16x8_groups");
    std::vector<std::string> argv = {qta, "perf"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.insert(argv.end(), {"--rank", "4", "--plots", out.string()});
    ProcessOptions opt;
    opt.log = dir / "perf.log";
    const ProcessResult r = run_process(argv, opt);
    ASSERT_TRUE(r.ok()) << command_line(argv) << " exited " << r.exit_code << ":\n" << tail_lines(dir / "perf.log", 20, "  ");
    for (const char* f : {"cycles_per_step.svg", "utilization_per_layer.svg"}) expect_readable(out / f, command_line(argv));
  }
}

// Losses as qta train prints them: a fast drop and a long flat tail near the noise floor.
std::vector<double> realistic_losses(int steps) {
  std::vector<double> loss;
  for (int i = 0; i < steps; ++i) loss.push_back(0.0021 + 0.4837 * std::exp(-0.35 * i) + 1e-4 * std::sin(3.0 * i));
  return loss;
}

TEST(CommandPlots, TrainLossPlotsAreReadable) {
  const fs::path dir = test::scratch_dir("plots_train");
  for (int steps : {1, 4, 20, 500}) {
    const std::string title = fmt::format("qta train: lora on the rtl backend, 64x64, seed {}", steps);
    const fs::path f = dir / fmt::format("loss_{}_steps.svg", steps);
    write_text(f, runtime::loss_plot_svg(title, realistic_losses(steps)));
    expect_readable(f, this_test() + fmt::format(" (runtime::loss_plot_svg, {} steps)", steps));
  }
}

// A sweep's rows as run_sweep writes them (areas of the OSU 0.18 um runs, in um^2).
nlohmann::json sweep_rows(const std::vector<std::pair<int, int>>& sizes) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& [r, c] : sizes) {
    const double pes = double(r) * c;
    rows.push_back({{"size", fmt::format("{}x{}", r, c)},
                    {"rows", r},
                    {"cols", c},
                    {"pes", r * c},
                    {"array_um2", 31500.0 * pes},
                    {"top_with_sram_estimate_um2", 31500.0 * pes + 2.1e6 + 9000.0 * (r + c) * 64}});
  }
  return rows;
}

TEST(CommandPlots, SynthAreaPlotsAreReadable) {
  const fs::path dir = test::scratch_dir("plots_synth");
  const std::vector<std::vector<std::pair<int, int>>> sweeps = {
      {{4, 4}, {8, 8}, {16, 16}},                              // the README's sweep
      {{2, 2}, {4, 4}, {4, 8}, {8, 8}, {16, 16}, {8, 32}, {32, 32}, {64, 64}, {128, 128}},  // close and equal PE counts
      {{8, 8}}};                                               // one size
  for (size_t i = 0; i < sweeps.size(); ++i) {
    const fs::path f = dir / fmt::format("area_scaling_{}.svg", i);
    write_text(f, synth::area_scaling_svg(sweep_rows(sweeps[i])));
    expect_readable(f, this_test() + fmt::format(" (synth::area_scaling_svg, sweep {})", i));
  }
}

}  // namespace
}  // namespace qta
