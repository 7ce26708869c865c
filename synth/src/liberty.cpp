#include "liberty.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "liberty_expr.h"
#include "qta/cli.h"
#include "qta/text_io.h"

namespace qta::synth {
namespace {

struct Token {
  enum Kind { Word, String, Punct, End } kind;
  std::string text;
  int line;
};

class Lexer {
 public:
  explicit Lexer(const std::string& s) : s_(s) {}

  Token next() {
    skip();
    if (pos_ >= s_.size()) return {Token::End, "", line_};
    char c = s_[pos_];
    if (c == '"') {
      size_t end = pos_ + 1;
      std::string out;
      while (end < s_.size() && s_[end] != '"') {
        if (s_[end] == '\\' && end + 1 < s_.size() && s_[end + 1] == '\n') {
          end += 2;
          ++line_;
          continue;
        }
        if (s_[end] == '\n') ++line_;
        out += s_[end++];
      }
      if (end >= s_.size()) throw std::runtime_error(where() + "unterminated string");
      pos_ = end + 1;
      return {Token::String, out, line_};
    }
    if (std::string("(){}:;,").find(c) != std::string::npos) {
      ++pos_;
      return {Token::Punct, std::string(1, c), line_};
    }
    size_t start = pos_;
    while (pos_ < s_.size() && !std::isspace(static_cast<unsigned char>(s_[pos_])) &&
           std::string("(){}:;,\"").find(s_[pos_]) == std::string::npos)
      ++pos_;
    return {Token::Word, s_.substr(start, pos_ - start), line_};
  }

  std::string where() const { return "line " + std::to_string(line_) + ": "; }

 private:
  const std::string& s_;
  size_t pos_ = 0;
  int line_ = 1;

  void skip() {
    for (;;) {
      while (pos_ < s_.size() && (std::isspace(static_cast<unsigned char>(s_[pos_])) ||
                                  s_[pos_] == '\\')) {
        if (s_[pos_] == '\n') ++line_;
        ++pos_;
      }
      if (s_.compare(pos_, 2, "/*") == 0) {
        size_t end = s_.find("*/", pos_ + 2);
        if (end == std::string::npos) throw std::runtime_error(where() + "unterminated comment");
        line_ += static_cast<int>(std::count(s_.begin() + pos_, s_.begin() + end, '\n'));
        pos_ = end + 2;
      } else if (s_.compare(pos_, 2, "//") == 0) {
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      } else {
        return;
      }
    }
  }
};

class Parser {
 public:
  explicit Parser(const std::string& text) : lex_(text) { advance(); }

  LibGroup parse_top() {
    LibGroup g = parse_statement_group();
    return g;
  }

 private:
  Lexer lex_;
  Token tok_{};

  void advance() { tok_ = lex_.next(); }
  [[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error("line " + std::to_string(tok_.line) + ": " + what + " (found '" +
                             tok_.text + "')");
  }
  void expect(const char* p) {
    if (tok_.kind != Token::Punct || tok_.text != p) fail(std::string("expected '") + p + "'");
    advance();
  }
  bool at(const char* p) const { return tok_.kind == Token::Punct && tok_.text == p; }

  std::vector<std::string> parse_args() {
    std::vector<std::string> args;
    expect("(");
    while (!at(")")) {
      if (tok_.kind == Token::End) fail("unexpected end of file in argument list");
      if (at(",")) {
        advance();
        continue;
      }
      std::string v = tok_.text;
      advance();
      // Values such as `1.8 V` are kept as separate words joined by a space.
      while (tok_.kind == Token::Word && !at(")") && !at(",")) {
        v += " " + tok_.text;
        advance();
      }
      args.push_back(v);
    }
    expect(")");
    return args;
  }

  // name ( args ) { ... }  -- the caller has read nothing yet.
  LibGroup parse_statement_group() {
    if (tok_.kind != Token::Word) fail("expected a group name");
    LibGroup g;
    g.name = tok_.text;
    advance();
    g.args = parse_args();
    expect("{");
    parse_body(g);
    expect("}");
    return g;
  }

  void parse_body(LibGroup& g) {
    while (!at("}")) {
      if (tok_.kind == Token::End) fail("unexpected end of file, missing '}'");
      if (tok_.kind != Token::Word) fail("expected an attribute or group name");
      std::string name = tok_.text;
      advance();
      if (at(":")) {
        advance();
        std::string value;
        while (!at(";") && !at("}") && tok_.kind != Token::End) {
          if (!value.empty()) value += " ";
          value += tok_.text;
          advance();
        }
        if (at(";")) advance();
        g.attrs[name] = value;
      } else if (at("(")) {
        std::vector<std::string> args = parse_args();
        if (at("{")) {
          advance();
          LibGroup sub;
          sub.name = name;
          sub.args = std::move(args);
          parse_body(sub);
          expect("}");
          g.groups.push_back(std::move(sub));
        } else {
          if (at(";")) advance();
          g.complex_attrs[name] = std::move(args);
        }
      } else {
        fail("expected ':' or '(' after '" + name + "'");
      }
    }
  }
};

std::vector<double> parse_numbers(const std::string& list) {
  std::vector<double> out;
  std::string cleaned = list;
  std::replace(cleaned.begin(), cleaned.end(), ',', ' ');
  std::istringstream in(cleaned);
  double v;
  while (in >> v) out.push_back(v);
  return out;
}

std::optional<LutTable> read_table(const LibGroup& g,
                                   const std::map<std::string, LibGroup>& templates) {
  LutTable t;
  auto tmpl = templates.find(g.args.empty() ? "" : g.args[0]);
  if (tmpl != templates.end()) {
    if (auto* v = tmpl->second.attr("variable_1")) t.var1 = *v;
    if (auto* v = tmpl->second.attr("variable_2")) t.var2 = *v;
  }
  if (auto it = g.complex_attrs.find("index_1"); it != g.complex_attrs.end())
    for (const auto& a : it->second)
      for (double v : parse_numbers(a)) t.axis1.push_back(v);
  if (auto it = g.complex_attrs.find("index_2"); it != g.complex_attrs.end())
    for (const auto& a : it->second)
      for (double v : parse_numbers(a)) t.axis2.push_back(v);
  if (auto it = g.complex_attrs.find("values"); it != g.complex_attrs.end())
    for (const auto& a : it->second)
      for (double v : parse_numbers(a)) t.values.push_back(v);
  if (t.values.empty()) return std::nullopt;
  size_t expected = std::max<size_t>(t.axis1.size(), 1) * std::max<size_t>(t.axis2.size(), 1);
  if (t.values.size() != expected) {
    if (t.values.size() == 1) {  // scalar table
      t.axis1.clear();
      t.axis2.clear();
    } else {
      throw std::runtime_error("table " + g.name + " has " + std::to_string(t.values.size()) +
                               " values, expected " + std::to_string(expected));
    }
  }
  return t;
}

double interp1(const std::vector<double>& axis, double x, size_t& i0, double& frac) {
  if (axis.size() < 2) {
    i0 = 0;
    frac = 0;
    return 0;
  }
  x = std::clamp(x, axis.front(), axis.back());
  size_t i = 0;
  while (i + 2 < axis.size() && x > axis[i + 1]) ++i;
  i0 = i;
  frac = (x - axis[i]) / (axis[i + 1] - axis[i]);
  return frac;
}

LibSequential read_sequential(const LibGroup& g) {
  LibSequential s;
  s.kind = g.name;
  if (g.args.size() > 0) s.iq = g.args[0];
  if (g.args.size() > 1) s.iqn = g.args[1];
  auto get = [&](const char* k) { return g.attr(k) ? *g.attr(k) : std::string(); };
  s.next_state = get("next_state");
  s.clocked_on = get("clocked_on");
  s.data_in = get("data_in");
  s.enable = get("enable");
  s.clear = get("clear");
  s.preset = get("preset");
  return s;
}

LibPin read_pin(const LibGroup& g, const std::string& name,
                const std::map<std::string, LibGroup>& templates) {
  LibPin p;
  p.name = name;
  if (auto* v = g.attr("direction")) p.direction = *v;
  p.capacitance = g.number("capacitance", 0.0);
  if (auto* v = g.attr("function")) p.function = *v;
  if (auto* v = g.attr("three_state")) p.three_state = *v;
  if (auto* v = g.attr("clock")) p.clock = *v == "true";
  for (const auto& sub : g.groups) {
    if (sub.name != "internal_power") continue;
    InternalPower ip;
    if (auto* v = sub.attr("related_pin")) ip.related_pin = *v;
    for (const auto& t : sub.groups) {
      if (t.name == "rise_power") ip.rise = read_table(t, templates);
      if (t.name == "fall_power") ip.fall = read_table(t, templates);
      if (t.name == "power") ip.rise = ip.fall = read_table(t, templates);
    }
    p.power.push_back(std::move(ip));
  }
  return p;
}

double power_unit_in_watts(const std::string& unit) {
  static const std::pair<const char*, double> units[] = {
      {"1pW", 1e-12}, {"10pW", 1e-11}, {"100pW", 1e-10}, {"1nW", 1e-9}, {"10nW", 1e-8},
      {"100nW", 1e-7}, {"1uW", 1e-6},  {"10uW", 1e-5},   {"100uW", 1e-4}, {"1mW", 1e-3}};
  for (const auto& [name, w] : units)
    if (unit == name) return w;
  return 1e-9;
}

}  // namespace

const std::string* LibGroup::attr(const std::string& key) const {
  auto it = attrs.find(key);
  return it == attrs.end() ? nullptr : &it->second;
}

double LibGroup::number(const std::string& key, double fallback) const {
  const std::string* v = attr(key);
  if (!v) return fallback;
  try {
    return std::stod(*v);
  } catch (const std::exception&) {
    return fallback;
  }
}

LibGroup parse_liberty_text(const std::string& text) { return Parser(text).parse_top(); }

double LutTable::lookup(double load_pf, double slew_ns) const {
  if (values.size() == 1) return values[0];
  auto value_for = [&](const std::string& var) {
    return var.find("capacitance") != std::string::npos ? load_pf : slew_ns;
  };
  size_t i = 0, j = 0;
  double fi = 0, fj = 0;
  interp1(axis1, value_for(var1), i, fi);
  if (axis2.empty()) {
    if (axis1.size() < 2) return values[0];
    return values[i] * (1 - fi) + values[i + 1] * fi;
  }
  interp1(axis2, value_for(var2), j, fj);
  size_t n2 = axis2.size();
  auto at = [&](size_t a, size_t b) { return values[a * n2 + b]; };
  size_t i1 = axis1.size() < 2 ? i : i + 1;
  size_t j1 = n2 < 2 ? j : j + 1;
  return at(i, j) * (1 - fi) * (1 - fj) + at(i1, j) * fi * (1 - fj) + at(i, j1) * (1 - fi) * fj +
         at(i1, j1) * fi * fj;
}

const LibPin* LibCell::pin(const std::string& n) const {
  for (const auto& p : pins)
    if (p.name == n) return &p;
  return nullptr;
}

const LibCell* Liberty::cell(const std::string& n) const {
  auto it = cells.find(n);
  return it == cells.end() ? nullptr : &it->second;
}

Liberty read_liberty(const std::string& path) {
  std::string text;
  try {
    text = read_text(path);
  } catch (const qta::FileError& e) {
    throw qta::UsageError("--liberty: " + std::string(e.what()) + " (expected a readable Liberty .lib file)");
  }
  LibGroup root;
  try {
    root = parse_liberty_text(text);
  } catch (const std::exception& e) {
    throw qta::UsageError("--liberty: '" + path + "' is not a valid Liberty file: " + e.what());
  }
  if (root.name != "library")
    throw qta::UsageError("--liberty: '" + path + "' does not start with a library() group");
  Liberty lib;
  lib.path = path;
  lib.name = root.args.empty() ? "" : root.args[0];
  lib.nom_voltage = root.number("nom_voltage", 0.0);
  if (auto* v = root.attr("time_unit")) lib.time_unit = *v;
  if (auto* v = root.attr("leakage_power_unit")) lib.leakage_power_unit = *v;
  lib.leakage_unit_w = power_unit_in_watts(lib.leakage_power_unit);
  std::map<std::string, LibGroup> templates;
  for (const auto& g : root.groups) {
    if ((g.name == "lu_table_template" || g.name == "power_lut_template") && !g.args.empty())
      templates[g.args[0]] = g;
    if (g.name == "operating_conditions" && lib.nom_voltage == 0)
      lib.nom_voltage = g.number("voltage", 0.0);
  }
  for (const auto& g : root.groups) {
    if (g.name != "cell" || g.args.empty()) continue;
    LibCell c;
    c.name = g.args[0];
    c.area = g.number("area", 0.0);
    c.leakage = g.number("cell_leakage_power", 0.0);
    for (const auto& sub : g.groups) {
      if (sub.name == "pin")
        for (const auto& pin_name : sub.args) c.pins.push_back(read_pin(sub, pin_name, templates));
      if (sub.name == "ff" || sub.name == "latch") c.seq = read_sequential(sub);
    }
    lib.cells[c.name] = std::move(c);
  }
  if (lib.cells.empty())
    throw qta::UsageError("--liberty: '" + path + "' defines no cells");
  return lib;
}

namespace {

std::vector<const LibPin*> pins_with_direction(const LibCell& c, const std::string& dir) {
  std::vector<const LibPin*> out;
  for (const auto& p : c.pins)
    if (p.direction == dir) out.push_back(&p);
  return out;
}

bool is_nand2(const LibCell& c) {
  auto ins = pins_with_direction(c, "input");
  auto outs = pins_with_direction(c, "output");
  if (c.seq || ins.size() != 2 || outs.size() != 1 || outs[0]->function.empty()) return false;
  try {
    auto f = parse_bool_expr(outs[0]->function);
    for (int v = 0; v < 4; ++v) {
      auto value = [&](const std::string& n) {
        return n == ins[0]->name ? (v & 1) != 0 : n == ins[1]->name ? (v & 2) != 0 : false;
      };
      if (f->eval(value) != (v != 3)) return false;
    }
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

bool is_plain_posedge_dff(const LibCell& c) {
  if (!c.seq || c.seq->kind != "ff" || !c.seq->clear.empty() || !c.seq->preset.empty())
    return false;
  const LibPin* clk = c.pin(c.seq->clocked_on);
  const LibPin* d = c.pin(c.seq->next_state);
  return clk && d && clk->direction == "input" && d->direction == "input";
}

bool is_buffer(const LibCell& c) {
  auto ins = pins_with_direction(c, "input");
  auto outs = pins_with_direction(c, "output");
  if (c.seq || ins.size() != 1 || outs.size() != 1 || outs[0]->function.empty() || !outs[0]->three_state.empty())
    return false;
  try {
    auto f = parse_bool_expr(outs[0]->function);
    for (int v = 0; v < 2; ++v)
      if (f->eval([&](const std::string& n) { return n == ins[0]->name && v == 1; }) != (v == 1)) return false;
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

template <typename Pred>
std::string smallest_cell(const Liberty& lib, Pred pred) {
  std::string best;
  double best_area = 0;
  for (const auto& [name, c] : lib.cells)
    if (pred(c) && (best.empty() || c.area < best_area)) {
      best = name;
      best_area = c.area;
    }
  return best;
}

}  // namespace

RequiredCells check_required_cells(const Liberty& lib) {
  RequiredCells r;
  r.nand2 = smallest_cell(lib, is_nand2);
  r.dff = smallest_cell(lib, is_plain_posedge_dff);
  r.buf = smallest_cell(lib, is_buffer);
  if (!r.buf.empty()) {
    const LibCell& b = *lib.cell(r.buf);
    r.buf_in = pins_with_direction(b, "input")[0]->name;
    r.buf_out = pins_with_direction(b, "output")[0]->name;
  }
  std::string missing;
  if (r.nand2.empty())
    missing += " a 2-input NAND (function \"!(A B)\", needed as the gate-equivalent unit);";
  if (r.dff.empty())
    missing += " a positive-edge D flip-flop without set/reset (an ff group with next_state "
               "and clocked_on on input pins, needed by dfflibmap);";
  if (!missing.empty())
    throw qta::UsageError("--liberty: '" + lib.path + "' lacks cells the flow needs:" + missing);
  return r;
}

}  // namespace qta::synth
