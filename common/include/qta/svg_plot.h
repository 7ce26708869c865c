// One SVG plot helper for every command that draws (qta perf --plots, qta train --plot, qta synth
// --sweep): grouped horizontal bar charts and line charts (linear or log axes), laid out so that
// a plot reads at a glance.
//
// Layout rules (common/README.md, "Plots"):
// - bands: the title on top (wrapped if long); a line chart's y-axis label in a band of its own
//   above the plot area; the plot area; tick labels and the x (value) axis' label below it; the
//   legend in its own column right of the plot area. Only data is drawn in the plot area, and no
//   text is rotated.
// - numbers as people read them: 5.9 M, 120 k, 1.5 G, 0.25; ticks on 1, 2, 2.5 or 5 times a
//   power of ten (log axes: powers of ten, with 2 and 5 between when there are few decades).
// - bars are horizontal with the categories down the left, so any number of them stays
//   readable; no canvas is wider than kMaxWidth (long labels are shortened with "...", the full
//   text in a tooltip).
// - every text's box is estimated with text_width() (an upper bound for the declared font) and
//   recorded, in Plot::texts and in the SVG itself (attribute data-box="x y w h" of each
//   <text>), so a test can check that no two texts overlap and all lie inside the canvas.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qta::svg {

// The font every plot declares: DejaVu Sans (Debian's default sans, fonts-dejavu-core), then any
// sans. text_width() bounds its advances.
inline constexpr const char* kFontFamily = "DejaVu Sans, sans-serif";
inline constexpr double kFontSize = 12;       // ticks, labels, legend
inline constexpr double kTitleFontSize = 15;  // the title
inline constexpr double kMaxWidth = 1400;     // no canvas is wider

// Width in px of `text` at `font_size`, never less than DejaVu Sans draws it (its advances,
// checked by common/tests/test_svg_plot.cpp): 0.42 em for the space and . , : ; ' | ! i j l I
// ( ) [ ] (at most 0.401 em in DejaVu), 1.02 em for m w M W @ % # + < = > ~ ^ and every
// non-ASCII character (DejaVu's widest ASCII glyph, @, is 1.0 em), 0.82 em for the other
// capitals and & (at most 0.787), 0.66 em for everything else (digits are 0.636 em). Bold (the
// titles): 1.1 times that (DejaVu Sans Bold's digits are 0.696 em, its W 1.103 em).
double text_width(std::string_view text, double font_size, bool bold = false);
// The vertical extent of a line of text around its baseline: DejaVu Sans' ascent and descent.
inline constexpr double kAscent = 0.93, kDescent = 0.24;  // em

// Numbers as tick and legend labels read: "0", "0.25", "950", "120 k", "5.9 M", "1.5 G", "2 T";
// up to `digits` significant digits, trailing zeros dropped. Negative values with a '-'.
std::string human_number(double v, int digits = 3);
// Ticks covering [lo, hi], the first at or below lo and the last at or above hi, at most about
// max_ticks + 1 of them, on a step of 1, 2, 2.5 or 5 times a power of ten (`integer`: a whole
// step, never 2.5 or below 1). hi <= lo gives ticks around lo.
std::vector<double> nice_ticks(double lo, double hi, int max_ticks, bool integer = false);
// A tick label: human_number with as many digits as the step needs, so that 0.25 and 0.5 and
// 1.5 M and 2 M are all exact and alike.
std::string tick_label(double v, double step);

// A text as the helper drew it: its box (top-left corner, width, height) in canvas px.
struct TextBox {
  std::string text;
  double x = 0, y = 0, w = 0, h = 0;
};

// A finished plot: the SVG document, its size, the area the data is drawn in and every text's box.
struct Plot {
  std::string svg;
  double width = 0, height = 0;
  TextBox data_area;  // text "data area"
  std::vector<TextBox> texts;
};

// One series of a bar chart: a value per category.
struct BarSeries {
  std::string name;
  std::vector<double> values;
};

// Horizontal grouped bars: a group per category (label on the left, top to bottom in the
// given order), a bar per series in each group, the value axis from 0 along the bottom.
struct BarChart {
  std::string title;
  std::string value_label;  // e.g. "RTL cycles"
  std::vector<std::string> categories;
  std::vector<BarSeries> series;
  std::string comment;  // written into the SVG as <!-- comment -->, e.g. what generated it
};
Plot bar_chart(const BarChart& c);

struct Axis {
  std::string label;
  bool log = false;        // log10 scale (values <= 0 are not drawn)
  bool from_zero = false;  // linear: the axis starts at 0
  bool integer = false;    // linear: ticks on whole numbers only (steps, counts)
  // Ticks at these values with these labels instead of the automatic ones (labels that would
  // overlap an earlier one are left out).
  std::vector<std::pair<double, std::string>> ticks;
};

struct LineSeries {
  std::string name;  // in the legend; a chart with one unnamed series has no legend
  std::vector<double> x, y;
  std::vector<std::string> point_titles;  // tooltip per point (optional)
};

struct LineChart {
  std::string title;
  Axis x, y;
  std::vector<LineSeries> series;
  bool markers = true;  // a dot on each point
  std::string comment;
};
Plot line_chart(const LineChart& c);

// What makes a plot hard to read, one line each: two texts that overlap (both named, with their
// boxes), a text over the data area, a text or the data area outside the canvas, a canvas wider
// than kMaxWidth. Empty: none.
std::vector<std::string> layout_problems(const Plot& p);

// The plot as written in an SVG file made by this helper: size from the <svg> element, the data
// area from the data-area attribute of its plot-area <rect>, texts from the data-box attributes
// of its <text> elements (entities such as &amp; decoded). Throws std::runtime_error if the
// document is not one of ours.
Plot parse_plot(std::string_view svg);

}  // namespace qta::svg
