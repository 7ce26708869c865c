#include "qta/svg_plot.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "qta/strings.h"

namespace qta::svg {
namespace {

constexpr const char* kColors[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
                                   "#edc948", "#b07aa1", "#9c755f", "#ff9da7", "#bab0ac"};
constexpr size_t kNColors = sizeof(kColors) / sizeof(kColors[0]);
constexpr double kMargin = 14;         // canvas edge to anything
constexpr double kLegendGap = 28;      // plot area to legend
constexpr double kLegendRow = 20;      // legend entries, top to top
constexpr double kSwatch = 12;         // legend colour sample
constexpr double kTickGap = 9;         // plot area's lower edge to the top of a tick label (below
                                       // the lowest y tick's label, which reaches 7 px down)
constexpr double kMaxLabelWidth = 380;   // a category label longer than this is shortened
constexpr double kMaxLegendWidth = 300;  // so is a series name

const char* color(size_t i) { return kColors[i % kNColors]; }

// The text of a comment: "--" is not allowed inside one.
std::string comment_text(std::string s) {
  for (size_t p = s.find("--"); p != std::string::npos; p = s.find("--", p)) s.replace(p, 2, "- ");
  return s;
}

// Builds a document: texts with their boxes, shapes as given.
class Canvas {
 public:
  // anchor: "start", "middle" or "end"; y is the baseline.
  void text(double x, double y, const std::string& s, const char* anchor = "start", double size = kFontSize,
            const std::string& attrs = "", const std::string& tooltip = "") {
    const double w = text_width(s, size, attrs.find("font-weight=\"bold\"") != std::string::npos);
    const double left = std::string_view(anchor) == "middle" ? x - w / 2 : std::string_view(anchor) == "end" ? x - w : x;
    TextBox b{s, left, y - kAscent * size, w, (kAscent + kDescent) * size};
    if (!tooltip.empty()) body_ += fmt::format("<g><title>{}</title>", xml_text_escaped(tooltip));
    body_ += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\"{}{}{} data-box=\"{:.1f} {:.1f} {:.1f} {:.1f}\">{}</text>",
                         x, y, std::string_view(anchor) == "start" ? "" : fmt::format(" text-anchor=\"{}\"", anchor),
                         size == kFontSize ? "" : fmt::format(" font-size=\"{:g}\"", size), attrs, b.x, b.y, b.w, b.h,
                         xml_text_escaped(s));
    body_ += tooltip.empty() ? "\n" : "</g>\n";
    texts_.push_back(std::move(b));
  }
  void raw(const std::string& s) { body_ += s; }
  void data_area(double x, double y, double w, double h) {
    area_ = {"data area", x, y, w, h};
    body_ += fmt::format("<rect class=\"plot-area\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" "
                         "fill=\"none\" stroke=\"#888\" data-area=\"{:.1f} {:.1f} {:.1f} {:.1f}\"/>\n",
                         x, y, w, h, x, y, w, h);
  }
  Plot finish(double width, double height, const std::string& comment) {
    Plot p;
    p.width = std::ceil(width);
    p.height = std::ceil(height);
    p.svg = fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" "
                        "viewBox=\"0 0 {0:.0f} {1:.0f}\" font-family=\"{2}\" font-size=\"{3:g}\">\n",
                        p.width, p.height, kFontFamily, kFontSize);
    if (!comment.empty()) p.svg += "<!-- " + comment_text(comment) + " -->\n";
    p.svg += fmt::format("<rect width=\"{:.0f}\" height=\"{:.0f}\" fill=\"white\"/>\n", p.width, p.height);
    p.svg += body_ + "</svg>\n";
    p.texts = std::move(texts_);
    p.data_area = area_;
    return p;
  }

 private:
  std::string body_;
  std::vector<TextBox> texts_;
  TextBox area_;
};

// `s` cut (at a UTF-8 character boundary) and ended with "..." so that it is at most max_w wide.
std::string shortened(const std::string& s, double max_w, double size, bool bold = false) {
  if (text_width(s, size, bold) <= max_w) return s;
  std::string t = s;
  while (!t.empty() && text_width(t + "...", size, bold) > max_w) {
    t.pop_back();
    while (!t.empty() && (static_cast<unsigned char>(t.back()) & 0xC0) == 0x80) t.pop_back();
    if (!t.empty() && (static_cast<unsigned char>(t.back()) & 0x80)) t.pop_back();  // a lead byte alone
  }
  return t + "...";
}

// The title in lines no wider than max_w, broken at spaces (a word wider than a line is shortened).
std::vector<std::string> wrapped(const std::string& s, double max_w, double size, bool bold) {
  std::vector<std::string> lines;
  std::string line;
  size_t p = 0;
  while (p <= s.size()) {
    size_t q = s.find(' ', p);
    if (q == std::string::npos) q = s.size();
    const std::string word = s.substr(p, q - p);
    const std::string joined = line.empty() ? word : line + " " + word;
    if (!line.empty() && text_width(joined, size, bold) > max_w) {
      lines.push_back(line);
      line = word;
    } else {
      line = joined;
    }
    p = q + 1;
  }
  if (!line.empty() || lines.empty()) lines.push_back(line);
  for (auto& l : lines) l = shortened(l, max_w, size, bold);
  return lines;
}

// The title's lines on a canvas `width` wide: one line if it fits, or if widening the canvas to
// at most 640 px of title makes it fit; else wrapped.
std::vector<std::string> title_lines(const std::string& title, double width) {
  const double avail = std::min(kMaxWidth - 2 * kMargin,
                                std::max(width - 2 * kMargin, std::min(640.0, text_width(title, kTitleFontSize, true))));
  return wrapped(title, avail, kTitleFontSize, true);
}

double title_line_height() { return std::ceil((kAscent + kDescent) * kTitleFontSize + 4); }

// Draws the title lines from the top; returns the y below them.
double draw_title(Canvas& cv, const std::vector<std::string>& lines) {
  double y = kMargin;
  for (const auto& l : lines) {
    cv.text(kMargin, y + kAscent * kTitleFontSize, l, "start", kTitleFontSize, " font-weight=\"bold\"");
    y += title_line_height();
  }
  return y;
}

double max_width(const std::vector<std::string>& v, double size, bool bold = false) {
  double w = 0;
  for (const auto& s : v) w = std::max(w, text_width(s, size, bold));
  return w;
}

struct LegendEntry {
  std::string name;
  const char* color;
};

double legend_width(const std::vector<LegendEntry>& e) {
  if (e.empty()) return 0;
  double w = 0;
  for (const auto& x : e) w = std::max(w, text_width(shortened(x.name, kMaxLegendWidth, kFontSize), kFontSize));
  return kSwatch + 6 + w;
}
double legend_height(const std::vector<LegendEntry>& e) { return double(e.size()) * kLegendRow; }

// The legend as a column from (x, y): a swatch (square for bars, a line for lines) and the name.
void draw_legend(Canvas& cv, double x, double y, const std::vector<LegendEntry>& e, bool line) {
  for (size_t i = 0; i < e.size(); ++i) {
    const double top = y + kLegendRow * double(i);
    if (line)
      cv.raw(fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" "
                         "stroke-width=\"2.5\"/>\n",
                         x, top + kSwatch / 2 + 2, x + kSwatch, top + kSwatch / 2 + 2, e[i].color));
    else
      cv.raw(fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:g}\" height=\"{:g}\" fill=\"{}\"/>\n", x, top + 2,
                         kSwatch, kSwatch, e[i].color));
    const std::string name = shortened(e[i].name, kMaxLegendWidth, kFontSize);
    cv.text(x + kSwatch + 6, top + 2 + kSwatch / 2 + 0.35 * kFontSize, name, "start", kFontSize, "",
            name == e[i].name ? "" : e[i].name);
  }
}

// A value axis: where its ticks are and what they say.
struct Scale {
  bool log = false;
  double lo = 0, hi = 1;  // the axis' ends (log: their log10)
  std::vector<double> ticks;
  std::vector<std::string> labels;
  double at(double v, double a, double b) const {  // v mapped onto [a, b]
    const double t = log ? std::log10(v) : v;
    return a + (t - lo) / (hi - lo) * (b - a);
  }
};

Scale linear_scale(double lo, double hi, int max_ticks, bool integer) {
  Scale s;
  s.ticks = nice_ticks(lo, hi, std::max(1, max_ticks), integer);
  const double step = s.ticks.size() > 1 ? s.ticks[1] - s.ticks[0] : 1;
  for (double t : s.ticks) s.labels.push_back(tick_label(t, step));
  s.lo = s.ticks.front();
  s.hi = s.ticks.back();
  return s;
}

Scale log_scale(double lo, double hi) {
  Scale s;
  s.log = true;
  if (!(lo > 0)) lo = 1;
  if (!(hi > lo)) hi = lo * 10;
  s.lo = std::floor(std::log10(lo) + 1e-9);
  s.hi = std::ceil(std::log10(hi) - 1e-9);
  if (s.hi <= s.lo) s.hi = s.lo + 1;
  const bool few_decades = s.hi - s.lo <= 2;
  for (double e = s.lo; e <= s.hi + 1e-9; ++e)
    for (double m : few_decades ? std::vector<double>{1, 2, 5} : std::vector<double>{1}) {
      if (e == s.hi && m > 1) break;
      const double v = m * std::pow(10.0, e);
      s.ticks.push_back(v);
      s.labels.push_back(human_number(v));
    }
  return s;
}

// A scale whose tick labels, laid along `length` px, leave `gap` px between each other: fewer
// ticks until they do (labels along x are as wide as their text, along y one line high).
Scale fitting_scale(double lo, double hi, double length, bool along_x, bool integer) {
  for (int n = std::max(2, int(length / (along_x ? 70 : 34))); n >= 1; --n) {
    Scale s = linear_scale(lo, hi, n, integer);
    const double spacing = length / double(std::max<size_t>(1, s.ticks.size() - 1));
    const double need = along_x ? max_width(s.labels, kFontSize) + 16 : (kAscent + kDescent) * kFontSize + 10;
    if (spacing >= need || n == 1) return s;
  }
  return linear_scale(lo, hi, 1, integer);
}

std::string decode_entities(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const size_t semi = s.find(';', i);
    const std::string_view e = s.substr(i, semi == std::string_view::npos ? 1 : semi - i + 1);
    const char* r = e == "&lt;" ? "<" : e == "&gt;" ? ">" : e == "&amp;" ? "&" : e == "&quot;" ? "\"" : e == "&apos;" ? "'" : nullptr;
    if (r) {
      out += r;
      i = semi;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The value of attribute `name` in the start tag `tag` ("" if absent).
std::string attribute(std::string_view tag, std::string_view name) {
  const std::string key = " " + std::string(name) + "=\"";
  const size_t p = tag.find(key);
  if (p == std::string_view::npos) return "";
  const size_t q = tag.find('"', p + key.size());
  return std::string(tag.substr(p + key.size(), q - p - key.size()));
}

TextBox box_of(const std::string& text, const std::string& numbers) {
  TextBox b{text};
  if (std::sscanf(numbers.c_str(), "%lf %lf %lf %lf", &b.x, &b.y, &b.w, &b.h) != 4)
    throw std::runtime_error(fmt::format("not a box: \"{}\" (of \"{}\")", numbers, text));
  return b;
}

std::string box_text(const TextBox& b) {
  return fmt::format("\"{}\" [x {:.1f}..{:.1f}, y {:.1f}..{:.1f}]", b.text, b.x, b.x + b.w, b.y, b.y + b.h);
}

bool overlap(const TextBox& a, const TextBox& b) {
  constexpr double eps = 0.05;  // touching boxes do not overlap
  return a.x + eps < b.x + b.w && b.x + eps < a.x + a.w && a.y + eps < b.y + b.h && b.y + eps < a.y + a.h;
}

}  // namespace

double text_width(std::string_view text, double font_size, bool bold) {
  double em = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      if ((c & 0xC0) != 0x80) em += 1.02;  // one per character, not per byte
      continue;
    }
    if (std::string_view(" .,:;'|!ijlI()[]").find(char(c)) != std::string_view::npos)
      em += 0.42;
    else if (std::string_view("mwMW@%#+<=>~^").find(char(c)) != std::string_view::npos)
      em += 1.02;
    else if ((c >= 'A' && c <= 'Z') || c == '&')
      em += 0.82;
    else
      em += 0.66;
  }
  return em * font_size * (bold ? 1.1 : 1.0);
}

std::string human_number(double v, int digits) {
  if (!std::isfinite(v)) return v != v ? "nan" : v > 0 ? "inf" : "-inf";
  if (v == 0) return "0";
  const char* suffixes[] = {"", " k", " M", " G", " T", " P", " E"};
  const double a = std::fabs(v);
  int k = 0;
  double scaled = a;
  while (k < 6 && scaled >= 1000) {
    scaled /= 1000;
    ++k;
  }
  int decimals = std::max(0, digits - 1 - int(std::floor(std::log10(scaled))));
  decimals = std::min(decimals, 12);
  std::string s = fmt::format("{:.{}f}", scaled, decimals);
  if (k < 6 && std::stod(s) >= 1000) {  // 999.96 k rounds to 1000 k: 1 M
    scaled /= 1000;
    ++k;
    s = fmt::format("{:.{}f}", scaled, std::max(0, digits - 1));
  }
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return (v < 0 ? "-" : "") + s + suffixes[k];
}

std::vector<double> nice_ticks(double lo, double hi, int max_ticks, bool integer) {
  if (!std::isfinite(lo)) lo = 0;
  if (!std::isfinite(hi) || hi <= lo) hi = lo + (integer ? 1 : std::max(1.0, std::fabs(lo) * 0.1));
  max_ticks = std::max(1, max_ticks);
  const double raw = (hi - lo) / max_ticks;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10 * mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (integer && m == 2.5) continue;
    if (m * mag >= raw * (1 - 1e-9)) {
      step = m * mag;
      break;
    }
  }
  if (integer) step = std::max(1.0, std::round(step));
  const double first = std::floor(lo / step + 1e-9) * step, last = std::ceil(hi / step - 1e-9) * step;
  std::vector<double> t;
  for (int i = 0; first + step * i <= last + step * 1e-6; ++i) {
    double v = first + step * i;
    if (std::fabs(v) < step * 1e-9) v = 0;
    t.push_back(v);
  }
  if (t.size() < 2) t.push_back(t.back() + step);
  return t;
}

std::string tick_label(double v, double step) {
  if (v == 0) return "0";
  const char* suffixes[] = {"", " k", " M", " G", " T", " P", " E"};
  int k = 0;
  double scale = 1;
  while (k < 6 && std::fabs(v) / scale >= 1000 * (1 - 1e-12)) {
    scale *= 1000;
    ++k;
  }
  const double rel = std::fabs(step) / scale;
  int decimals = rel > 0 ? std::max(0, -int(std::floor(std::log10(rel) + 1e-9))) : 0;
  if (rel > 0 && std::fabs(rel / std::pow(10.0, -decimals) - std::round(rel / std::pow(10.0, -decimals))) > 1e-6)
    ++decimals;  // 0.25, 2.5
  decimals = std::min(decimals, 12);
  std::string s = fmt::format("{:.{}f}", v / scale, decimals);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s + suffixes[k];
}

Plot bar_chart(const BarChart& c) {
  const size_t n_cat = c.categories.size(), n_ser = c.series.size();
  std::vector<LegendEntry> legend;
  for (size_t s = 0; s < n_ser; ++s) legend.push_back({c.series[s].name, color(s)});
  std::vector<std::string> labels;
  for (const auto& cat : c.categories) labels.push_back(shortened(cat, kMaxLabelWidth, kFontSize));
  double vmax = 0;
  for (const auto& s : c.series)
    for (double v : s.values)
      if (std::isfinite(v)) vmax = std::max(vmax, v);
  if (!(vmax > 0)) vmax = 1;

  // Bands across: margin, category labels, plot, legend, margin.
  const double label_w = std::ceil(max_width(labels, kFontSize));
  const double legend_w = std::ceil(legend_width(legend));
  const double plot_x = kMargin + label_w + 10;
  double plot_w = 620;
  Scale sx = fitting_scale(0, vmax, plot_w, true, false);
  const double tick_overhang = text_width(sx.labels.back(), kFontSize) / 2;
  double width = plot_x + plot_w + (legend.empty() ? tick_overhang : kLegendGap + legend_w) + kMargin;
  width = std::max(width, plot_x + plot_w + tick_overhang + kMargin);
  if (width > kMaxWidth) {  // labels and legend are bounded: only the plot gives
    plot_w -= width - kMaxWidth;
    width = kMaxWidth;
    sx = fitting_scale(0, vmax, plot_w, true, false);
  }
  const auto title = title_lines(c.title, width);
  width = std::max(width, max_width(title, kTitleFontSize, true) + 2 * kMargin);

  // Bands down: title, (tick labels on top of a tall plot), plot, tick labels, value label.
  const double bar_h = n_ser <= 2 ? 16 : n_ser <= 4 ? 12 : 9;
  const double group_gap = 10;
  const double group_h = std::max(double(n_ser) * bar_h + group_gap, (kAscent + kDescent) * kFontSize + 6);
  double plot_h = std::max(group_h * double(std::max<size_t>(1, n_cat)), legend_height(legend));
  const bool top_ticks = plot_h > 480;
  const double tick_band = kTickGap + (kAscent + kDescent) * kFontSize + 4;

  Canvas cv;
  double y = draw_title(cv, title) + 8;
  if (top_ticks) y += tick_band;
  const double plot_y = y;
  const double group_top0 = plot_y + (plot_h - group_h * double(n_cat)) / 2;
  // Every other group on a light band, so a row reads across.
  for (size_t g = 1; g < n_cat; g += 2)
    cv.raw(fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"#f3f3f3\"/>\n", plot_x,
                       group_top0 + group_h * double(g), plot_w, group_h));
  for (size_t t = 0; t < sx.ticks.size(); ++t) {
    const double x = sx.at(sx.ticks[t], plot_x, plot_x + plot_w);
    cv.raw(fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#d0d0d0\"/>\n", x,
                       plot_y, plot_y + plot_h));
    cv.text(x, plot_y + plot_h + kTickGap + kAscent * kFontSize, sx.labels[t], "middle");
    if (top_ticks) cv.text(x, plot_y - 6 - kDescent * kFontSize, sx.labels[t], "middle");
  }
  for (size_t g = 0; g < n_cat; ++g) {
    const double gy = group_top0 + group_h * double(g);
    for (size_t s = 0; s < n_ser; ++s) {
      const double v = g < c.series[s].values.size() ? c.series[s].values[g] : 0;
      const double w = std::isfinite(v) && v > 0 ? sx.at(v, 0, plot_w) : 0;
      cv.raw(fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"><title>{} {}: "
                         "{:.6g}</title></rect>\n",
                         plot_x, gy + group_gap / 2 + bar_h * double(s), w, bar_h - 1, color(s),
                         xml_text_escaped(c.series[s].name), xml_text_escaped(c.categories[g]), v));
    }
    cv.text(plot_x - 8, gy + group_h / 2 + 0.35 * kFontSize, labels[g], "end", kFontSize, "",
            labels[g] == c.categories[g] ? "" : c.categories[g]);
  }
  cv.data_area(plot_x, plot_y, plot_w, plot_h);
  if (!legend.empty()) draw_legend(cv, plot_x + plot_w + kLegendGap, plot_y, legend, false);
  y = plot_y + plot_h + tick_band;
  cv.text(plot_x + plot_w / 2, y + 4 + kAscent * kFontSize, c.value_label, "middle");
  y += 4 + (kAscent + kDescent) * kFontSize;
  width = std::max(width, plot_x + plot_w / 2 + text_width(c.value_label, kFontSize) / 2 + kMargin);
  return cv.finish(width, y + kMargin, c.comment);
}

Plot line_chart(const LineChart& c) {
  std::vector<LegendEntry> legend;
  for (size_t s = 0; s < c.series.size(); ++s)
    if (!c.series[s].name.empty() || c.series.size() > 1) legend.push_back({c.series[s].name, color(s)});
  // The data's extent (log axes: positive values only).
  double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
  for (const auto& s : c.series)
    for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
      const double x = s.x[i], y = s.y[i];
      if (!std::isfinite(x) || !std::isfinite(y) || (c.x.log && x <= 0) || (c.y.log && y <= 0)) continue;
      xlo = std::min(xlo, x), xhi = std::max(xhi, x), ylo = std::min(ylo, y), yhi = std::max(yhi, y);
    }
  if (!(xlo <= xhi)) xlo = c.x.log ? 1 : 0, xhi = xlo + 1;
  if (!(ylo <= yhi)) ylo = c.y.log ? 1 : 0, yhi = ylo + 1;
  for (const auto& [v, l] : c.x.ticks)
    if (!c.x.log || v > 0) xlo = std::min(xlo, v), xhi = std::max(xhi, v);
  if (!c.x.log && xhi <= xlo) xlo -= 1, xhi += 1;  // one point (one step): in the middle
  if (c.x.from_zero) xlo = std::min(xlo, 0.0);
  if (c.y.from_zero) ylo = std::min(ylo, 0.0);

  const double plot_w = 560, plot_h = 320;
  const Scale sy = c.y.log ? log_scale(ylo, yhi) : fitting_scale(ylo, yhi, plot_h, false, c.y.integer);
  Scale sx = c.x.log ? log_scale(xlo, xhi) : fitting_scale(xlo, xhi, plot_w, true, c.x.integer);
  if (!c.x.ticks.empty()) {  // the caller's ticks, the axis just wide enough for them and the data
    sx.ticks.clear();
    sx.labels.clear();
    for (const auto& [v, l] : c.x.ticks) sx.ticks.push_back(v), sx.labels.push_back(l);
    if (c.x.log) {
      const double lo = std::log10(xlo), hi = std::log10(xhi), pad = std::max(0.08 * (hi - lo), 0.15);
      sx.lo = lo - pad;
      sx.hi = hi + pad;
    }
  }

  const double ylabel_w = std::ceil(max_width(sy.labels, kFontSize));
  const double plot_x = kMargin + std::max(ylabel_w + 8, text_width(sx.labels.empty() ? "" : sx.labels.front(), kFontSize) / 2);
  const double legend_w = std::ceil(legend_width(legend));
  double width = plot_x + plot_w + (legend.empty() ? 0 : kLegendGap + legend_w) + kMargin;
  double overhang = 0;
  for (size_t t = 0; t < sx.ticks.size(); ++t)
    overhang = std::max(overhang, sx.at(sx.ticks[t], 0, plot_w) + text_width(sx.labels[t], kFontSize) / 2 - plot_w);
  width = std::max(width, plot_x + plot_w + overhang + kMargin);
  width = std::max(width, kMargin + text_width(c.y.label, kFontSize) + kMargin);
  const auto title = title_lines(c.title, width);
  width = std::max(width, max_width(title, kTitleFontSize, true) + 2 * kMargin);

  Canvas cv;
  double y = draw_title(cv, title) + 6;
  // The y axis' label in its own band, above the axis, not rotated.
  cv.text(kMargin, y + kAscent * kFontSize, c.y.label);
  y += (kAscent + kDescent) * kFontSize + 10 + 0.5 * kFontSize;  // clear of the top tick's label
  const double plot_y = y;
  auto X = [&](double v) { return sx.at(v, plot_x, plot_x + plot_w); };
  auto Y = [&](double v) { return sy.at(v, plot_y + plot_h, plot_y); };
  for (size_t t = 0; t < sy.ticks.size(); ++t) {
    const double ty = Y(sy.ticks[t]);
    cv.raw(fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#d0d0d0\"/>\n", plot_x, ty,
                       plot_x + plot_w, ty));
    cv.text(plot_x - 6, ty + 0.35 * kFontSize, sy.labels[t], "end");
  }
  // x tick labels, leaving out any that would overlap the one before.
  double last_right = -INFINITY;
  for (size_t t = 0; t < sx.ticks.size(); ++t) {
    const double tx = X(sx.ticks[t]);
    if (tx < plot_x - 0.5 || tx > plot_x + plot_w + 0.5) continue;
    cv.raw(fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#d0d0d0\"/>\n", tx,
                       plot_y, plot_y + plot_h));
    const double w = text_width(sx.labels[t], kFontSize);
    if (tx - w / 2 < last_right + 8) continue;
    cv.text(tx, plot_y + plot_h + kTickGap + kAscent * kFontSize, sx.labels[t], "middle");
    last_right = tx + w / 2;
  }
  cv.data_area(plot_x, plot_y, plot_w, plot_h);
  for (size_t s = 0; s < c.series.size(); ++s) {
    const auto& ser = c.series[s];
    std::string points, dots;
    for (size_t i = 0; i < std::min(ser.x.size(), ser.y.size()); ++i) {
      const double x = ser.x[i], v = ser.y[i];
      if (!std::isfinite(x) || !std::isfinite(v) || (c.x.log && x <= 0) || (c.y.log && v <= 0)) continue;
      points += fmt::format("{:.1f},{:.1f} ", X(x), Y(v));
      if (c.markers)
        dots += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"><title>{}</title></circle>\n", X(x),
                            Y(v), color(s),
                            xml_text_escaped(i < ser.point_titles.size() ? ser.point_titles[i]
                                                                         : fmt::format("{:.6g}, {:.6g}", x, v)));
    }
    if (!points.empty())
      cv.raw(fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>\n", color(s), points));
    cv.raw(dots);
  }
  if (!legend.empty()) draw_legend(cv, plot_x + plot_w + kLegendGap, plot_y, legend, true);
  y = plot_y + std::max(plot_h, legend_height(legend)) + kTickGap + (kAscent + kDescent) * kFontSize + 6;
  cv.text(plot_x + plot_w / 2, y + kAscent * kFontSize, c.x.label, "middle");
  y += (kAscent + kDescent) * kFontSize;
  return cv.finish(width, y + kMargin, c.comment);
}

std::vector<std::string> layout_problems(const Plot& p) {
  std::vector<std::string> out;
  if (p.width > kMaxWidth) out.push_back(fmt::format("the canvas is {:.0f} px wide, more than {:.0f}", p.width, kMaxWidth));
  auto inside = [&](const TextBox& b) {
    return b.x >= -0.05 && b.y >= -0.05 && b.x + b.w <= p.width + 0.05 && b.y + b.h <= p.height + 0.05;
  };
  if (p.data_area.w > 0 && !inside(p.data_area)) out.push_back("the data area " + box_text(p.data_area) + " leaves the canvas");
  for (size_t i = 0; i < p.texts.size(); ++i) {
    const TextBox& a = p.texts[i];
    if (!inside(a))
      out.push_back(fmt::format("text {} leaves the canvas ({:.0f} x {:.0f})", box_text(a), p.width, p.height));
    if (p.data_area.w > 0 && overlap(a, p.data_area)) out.push_back("text " + box_text(a) + " is over the data area " + box_text(p.data_area));
    for (size_t j = i + 1; j < p.texts.size(); ++j)
      if (overlap(a, p.texts[j])) out.push_back("text " + box_text(a) + " overlaps text " + box_text(p.texts[j]));
  }
  return out;
}

Plot parse_plot(std::string_view svg) {
  Plot p;
  const size_t s = svg.find("<svg ");
  if (s == std::string_view::npos) throw std::runtime_error("no <svg> element");
  const std::string_view svg_tag = svg.substr(s, svg.find('>', s) - s);
  try {
    p.width = std::stod(attribute(svg_tag, "width"));
    p.height = std::stod(attribute(svg_tag, "height"));
  } catch (const std::exception&) {
    throw std::runtime_error("the <svg> element has no numeric width and height");
  }
  const size_t a = svg.find("data-area=\"");
  if (a != std::string_view::npos) p.data_area = box_of("data area", attribute(svg.substr(a - 1, 80), "data-area"));
  for (size_t t = svg.find("<text "); t != std::string_view::npos; t = svg.find("<text ", t + 1)) {
    const size_t close = svg.find('>', t), end = svg.find("</text>", t);
    if (close == std::string_view::npos || end == std::string_view::npos) throw std::runtime_error("an unclosed <text>");
    const std::string_view tag = svg.substr(t, close - t);
    const std::string box = attribute(tag, "data-box");
    const std::string text = decode_entities(svg.substr(close + 1, end - close - 1));
    if (box.empty()) throw std::runtime_error(fmt::format("the <text> \"{}\" has no data-box: not drawn by qta::svg", text));
    p.texts.push_back(box_of(text, box));
  }
  return p;
}

}  // namespace qta::svg
