// The SVG plot helper (qta/svg_plot.h): numbers as people read them, nice ticks, the text-width
// bound against the declared font's real advances, and layouts without overlapping text.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "qta/svg_plot.h"

namespace qta::svg {
namespace {

TEST(SvgPlotNumbers, HumanReadableWithSiSuffixes) {
  EXPECT_EQ(human_number(0), "0");
  EXPECT_EQ(human_number(0.25), "0.25");
  EXPECT_EQ(human_number(950), "950");
  EXPECT_EQ(human_number(5.93e6, 2), "5.9 M");
  EXPECT_EQ(human_number(5.93e6), "5.93 M");
  EXPECT_EQ(human_number(120000), "120 k");
  EXPECT_EQ(human_number(1.5e9), "1.5 G");
  EXPECT_EQ(human_number(2e12), "2 T");
  EXPECT_EQ(human_number(999999), "1 M");  // not "1000 k"
  EXPECT_EQ(human_number(999.9), "1 k");
  EXPECT_EQ(human_number(-4500), "-4.5 k");
  EXPECT_EQ(human_number(0.001234), "0.00123");
}

TEST(SvgPlotNumbers, TickLabelsAsExactAsTheStep) {
  EXPECT_EQ(tick_label(1.25e6, 250e3), "1.25 M");
  EXPECT_EQ(tick_label(1.5e6, 250e3), "1.5 M");
  EXPECT_EQ(tick_label(750e3, 250e3), "750 k");
  EXPECT_EQ(tick_label(7.5e6, 2.5e6), "7.5 M");
  EXPECT_EQ(tick_label(0.5, 0.25), "0.5");
  EXPECT_EQ(tick_label(0.75, 0.25), "0.75");
  EXPECT_EQ(tick_label(0, 0.25), "0");
  EXPECT_EQ(tick_label(12, 2), "12");
  EXPECT_EQ(tick_label(0.002, 0.001), "0.002");
}

TEST(SvgPlotNumbers, NiceTicksCoverTheRangeOnRoundSteps) {
  const auto t = nice_ticks(0, 5.93e6, 6);
  ASSERT_GE(t.size(), 2u);
  EXPECT_EQ(t.front(), 0);
  EXPECT_GE(t.back(), 5.93e6);
  EXPECT_LE(t.size(), 8u);
  const double step = t[1] - t[0];
  EXPECT_EQ(step, 1e6) << "5.93 M in at most 6 steps: 1 M";
  for (size_t i = 1; i < t.size(); ++i) EXPECT_NEAR(t[i] - t[i - 1], step, step * 1e-9);
  const auto u = nice_ticks(0, 0.87, 5);
  EXPECT_NEAR(u[1] - u[0], 0.2, 1e-12);
  EXPECT_NEAR(u.back(), 1.0, 1e-12);
  const auto steps = nice_ticks(1, 4, 6, true);  // whole steps only
  EXPECT_EQ(steps, (std::vector<double>{1, 2, 3, 4}));
  EXPECT_EQ(nice_ticks(3, 3, 5, true), (std::vector<double>{3, 4}));
}

// DejaVu Sans' advance widths (em) of the printable ASCII characters 32..126, from the hmtx
// table of /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf (fonts-dejavu-core 2.37).
constexpr double kDejaVuSansAdvance[95] = {
    0.318, 0.401, 0.460, 0.838, 0.636, 0.950, 0.780, 0.275, 0.390, 0.390, 0.500, 0.838, 0.318, 0.361, 0.318, 0.337,
    0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.337, 0.337, 0.838, 0.838, 0.838, 0.531,
    1.000, 0.684, 0.686, 0.698, 0.770, 0.632, 0.575, 0.775, 0.752, 0.295, 0.295, 0.656, 0.557, 0.863, 0.748, 0.787,
    0.603, 0.787, 0.695, 0.635, 0.611, 0.732, 0.684, 0.989, 0.685, 0.611, 0.685, 0.390, 0.337, 0.390, 0.838, 0.500,
    0.500, 0.613, 0.635, 0.550, 0.635, 0.615, 0.352, 0.635, 0.634, 0.278, 0.278, 0.579, 0.278, 0.974, 0.634, 0.612,
    0.635, 0.635, 0.411, 0.521, 0.392, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525, 0.636, 0.337, 0.636, 0.838};

// The same of DejaVuSans-Bold.ttf (the titles).
constexpr double kDejaVuSansBoldAdvance[95] = {
    0.348, 0.456, 0.521, 0.838, 0.696, 1.002, 0.872, 0.306, 0.457, 0.457, 0.523, 0.838, 0.380, 0.415, 0.380, 0.365,
    0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.400, 0.400, 0.838, 0.838, 0.838, 0.580,
    1.000, 0.774, 0.762, 0.734, 0.830, 0.683, 0.683, 0.821, 0.837, 0.372, 0.372, 0.775, 0.637, 0.995, 0.837, 0.850,
    0.733, 0.850, 0.770, 0.720, 0.682, 0.812, 0.774, 1.103, 0.771, 0.724, 0.725, 0.457, 0.365, 0.457, 0.838, 0.500,
    0.500, 0.675, 0.716, 0.593, 0.716, 0.678, 0.435, 0.716, 0.712, 0.343, 0.343, 0.665, 0.343, 1.042, 0.712, 0.687,
    0.716, 0.716, 0.493, 0.595, 0.478, 0.712, 0.652, 0.924, 0.645, 0.652, 0.582, 0.712, 0.365, 0.712, 0.838};

TEST(SvgPlotText, WidthEstimateIsAnUpperBoundOfTheDeclaredFont) {
  EXPECT_NE(std::string(kFontFamily).find("DejaVu Sans"), std::string::npos);
  for (int c = 32; c < 127; ++c) {
    const std::string s(1, char(c));
    EXPECT_GE(text_width(s, 1.0), kDejaVuSansAdvance[c - 32]) << "'" << s << "'";
    EXPECT_GE(text_width(s, 1.0, true), kDejaVuSansBoldAdvance[c - 32]) << "'" << s << "' bold";
  }
  EXPECT_NEAR(text_width("0123456789", 10), 66, 1e-9);
  EXPECT_NEAR(text_width("\u00b2", 10), 10.2, 1e-9) << "one non-ASCII character, not two bytes";
}

// A chart with many long categories and many series stays within kMaxWidth, unrotated, with
// no text over another or over the data.
TEST(SvgPlotLayout, ManyLongCategoriesStayReadable) {
  BarChart c;
  c.title = "a title long enough to need more than one line on a canvas of this width, with words and more words "
            "and still more words than one line holds";
  c.value_label = "RTL cycles";
  for (int i = 0; i < 40; ++i)
    c.categories.push_back("down_blocks." + std::to_string(i) + ".attentions.0.transformer_blocks.0.attn2.to_out.0");
  for (int s = 0; s < 9; ++s) {
    BarSeries ser{"policy_with_a_rather_long_name_" + std::to_string(s), {}};
    for (int i = 0; i < 40; ++i) ser.values.push_back(1e6 * (1 + i % 7) * (s + 1));
    c.series.push_back(ser);
  }
  const Plot p = bar_chart(c);
  EXPECT_LE(p.width, kMaxWidth);
  EXPECT_EQ(p.svg.find("rotate("), std::string::npos);
  const auto problems = layout_problems(p);
  EXPECT_TRUE(problems.empty()) << problems.front();
  EXPECT_NE(p.svg.find("..."), std::string::npos) << "long labels shortened";
}

TEST(SvgPlotLayout, RecordedBoxesRoundTripThroughTheFile) {
  LineChart c;
  c.title = "loss & <friends>";
  c.x.label = "step";
  c.x.integer = true;
  c.y.label = "loss";
  c.y.from_zero = true;
  c.series = {{"", {1, 2, 3}, {0.5, 0.25, 0.125}, {}}};
  const Plot p = line_chart(c);
  const Plot q = parse_plot(p.svg);
  EXPECT_EQ(q.width, p.width);
  EXPECT_EQ(q.height, p.height);
  ASSERT_EQ(q.texts.size(), p.texts.size());
  for (size_t i = 0; i < p.texts.size(); ++i) {
    EXPECT_EQ(q.texts[i].text, p.texts[i].text);
    EXPECT_NEAR(q.texts[i].x, p.texts[i].x, 0.06);
    EXPECT_NEAR(q.texts[i].w, p.texts[i].w, 0.06);
  }
  EXPECT_NEAR(q.data_area.w, p.data_area.w, 0.06);
  EXPECT_TRUE(layout_problems(q).empty()) << layout_problems(q).front();
}

TEST(SvgPlotLayout, OverlapsAndTextsOutsideAreReported) {
  Plot p;
  p.width = 100;
  p.height = 50;
  p.texts = {{"left", 10, 10, 30, 14}, {"right", 30, 15, 30, 14}, {"far", 90, 30, 20, 14}};
  const auto problems = layout_problems(p);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("\"left\""), std::string::npos) << problems[0];
  EXPECT_NE(problems[0].find("overlaps text \"right\""), std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find("\"far\""), std::string::npos) << problems[1];
  EXPECT_NE(problems[1].find("leaves the canvas"), std::string::npos) << problems[1];
}

}  // namespace
}  // namespace qta::svg
