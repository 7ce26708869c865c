#include "yosys_flow.h"

#include <kainjow/mustache.hpp>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "area.h"
#include "flow_util.h"
#include "qta/cli.h"

namespace qta::synth {
namespace fs = std::filesystem;
using kainjow::mustache::data;

std::string base_module_name(const std::string& n) {
  std::string s = n;
  if (!s.empty() && s[0] == '\\') s = s.substr(1);
  if (s.rfind("$paramod", 0) == 0) {
    auto first = s.find('\\');
    if (first == std::string::npos) return s;
    auto second = s.find('\\', first + 1);
    return s.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
  }
  return s;
}

std::map<std::string, double> parse_stat_areas(const std::string& text) {
  std::map<std::string, double> out;
  static const std::regex module_area(R"(Chip area for module '(.*)': ([0-9.eE+-]+))");
  static const std::regex top_area(R"(Chip area for top module '(.*)': ([0-9.eE+-]+))");
  std::istringstream in(text);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, top_area)) {
      out[""] = std::stod(m[2]);
    } else if (std::regex_search(line, m, module_area)) {
      std::string name = m[1];
      if (!name.empty() && name[0] == '\\') name = name.substr(1);
      out[name] = std::stod(m[2]);
    }
  }
  return out;
}

namespace {

std::string strip_backslash(std::string s) {
  if (!s.empty() && s[0] == '\\') s = s.substr(1);
  return s;
}

// Yosys 0.23 prints the design hierarchy ("  qta_pe   4") into `stat -json` output when the
// design has a top module; those lines are not JSON and are dropped here.
nlohmann::json parse_stat_json(const std::string& text) {
  std::istringstream in(text);
  std::string line, kept;
  while (std::getline(in, line)) {
    auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || std::string("\"{}[]").find(line[first]) != std::string::npos)
      kept += line + "\n";
  }
  return nlohmann::json::parse(kept);
}

int parse_check_problems(const std::string& text) {
  static const std::regex found(R"(Found and reported (\d+) problems)");
  std::smatch m;
  return std::regex_search(text, m, found) ? std::stoi(m[1]) : 0;
}

}  // namespace

YosysResult run_yosys(const std::vector<fs::path>& files, const std::string& top,
                      const YosysOptions& opt, const fs::path& work_dir, const std::string& tag) {
  YosysResult r;
  r.top = top;
  fs::create_directories(work_dir);
  r.script = work_dir / (tag + ".ys");
  r.log = work_dir / (tag + ".yosys.log");
  r.stat_txt = work_dir / (tag + ".stat.txt");
  r.netlist_v = work_dir / (tag + ".netlist.v");
  r.netlist_json = work_dir / (tag + ".netlist.json");
  fs::path stat_json = work_dir / (tag + ".stat.json");
  fs::path rtl_stat_json = work_dir / (tag + ".rtl_stat.json");
  fs::path check_txt = work_dir / (tag + ".check.txt");

  const fs::path scripts = scripts_dir();
  data file_list{data::type::list};
  for (const auto& f : files) {
    data item;
    item.set("path", f.string());
    file_list.push_back(item);
  }

  // 1. Elaborate only: modules and their RTL memory bits.
  data elab;
  elab.set("top", top);
  elab.set("files", file_list);
  elab.set("rtl_stat_json", rtl_stat_json.string());
  fs::path elab_script = work_dir / (tag + ".elab.ys");
  write_text(elab_script, render_template(scripts / "elab.ys.mustache", elab));
  ToolRun elab_run = run_tool_checked({"yosys", "-q", "-l", (work_dir / (tag + ".elab.log")).string(),
                                       elab_script.string()},
                                      work_dir, work_dir / (tag + ".elab.stdout"));
  std::map<std::string, long> rtl_bits;  // module -> memory bits
  auto rtl_stat = parse_stat_json(read_text(rtl_stat_json));
  for (auto& [name, m] : rtl_stat.at("modules").items())
    rtl_bits[strip_backslash(name)] = m.value("num_memory_bits", 0L);

  // 2. Buffers too deep for flip-flops become SRAM macros.
  std::map<std::string, bool> macro_base;
  const std::string top_base = base_module_name(top);
  for (const auto& [name, bits] : rtl_bits) {
    std::string base = base_module_name(name);
    if (block_kind(base, top_base) != "buffer") continue;
    bool macro = opt.buffers == BufferImpl::Sram ||
                 (opt.buffers == BufferImpl::Auto && bits > opt.flop_limit_bits);
    macro_base[base] = macro_base[base] || macro;
  }
  data blackboxes{data::type::list};
  for (const auto& [base, macro] : macro_base) {
    if (!macro) continue;
    std::string names;  // exact Yosys names of every variant (globs do not cross the '\\')
    for (const auto& [name, bits] : rtl_bits)
      if (base_module_name(name) == base) {
        names += (names.empty() ? "" : " ") + name;
        r.macros[name] = bits;
      }
    data item;
    item.set("base", base);
    item.set("patterns", names);
    blackboxes.push_back(item);
  }

  std::string pe_modules;
  for (const auto& [name, bits] : rtl_bits)
    if (base_module_name(name) == "qta_pe") pe_modules += (pe_modules.empty() ? "" : " ") + name;

  data ctx;
  ctx.set("top", top);
  ctx.set("liberty", opt.liberty);
  ctx.set("files", file_list);
  ctx.set("blackboxes", blackboxes);
  if (!pe_modules.empty() && opt.abc_fast) ctx.set("full_abc_modules", pe_modules);
  else ctx.set("full_abc_modules", false);
  ctx.set("abc_fast", opt.abc_fast && base_module_name(top) != "qta_pe");
  if (opt.abc_delay_ps) ctx.set("abc_delay_ps", std::to_string(static_cast<long>(*opt.abc_delay_ps)));
  else ctx.set("abc_delay_ps", false);
  if (!opt.abc_constr.empty() && opt.abc_delay_ps) {
    ctx.set("abc_constr", opt.abc_constr);
    if (opt.abc_fast && base_module_name(top) != "qta_pe") {
      // Yosys' fast script with constraints (strash; dretime; map; buffer; upsize; dnsize)
      // with a `cleanup` before `buffer`, which otherwise aborts on a dangling node.
      fs::path script = work_dir / (tag + ".abc_fast.script");
      std::string d = std::to_string(static_cast<long>(*opt.abc_delay_ps));
      write_text(script, "strash; dretime; map -D " + d + "; cleanup; buffer; upsize -D " + d + "; dnsize -D " + d +
                             "; stime -p\n");
      ctx.set("abc_fast_script", script.string());
    } else {
      ctx.set("abc_fast_script", false);
    }
  } else {
    ctx.set("abc_constr", false);
    ctx.set("abc_fast_script", false);
  }
  if (!opt.buf_cell.empty()) {
    data buf;
    buf.set("cell", opt.buf_cell);
    buf.set("in", opt.buf_in);
    buf.set("out", opt.buf_out);
    ctx.set("insbuf", buf);
  } else {
    ctx.set("insbuf", false);
  }
  ctx.set("check_txt", check_txt.string());
  ctx.set("stat_txt", r.stat_txt.string());
  ctx.set("stat_json", stat_json.string());
  ctx.set("netlist_v", r.netlist_v.string());
  ctx.set("netlist_json", r.netlist_json.string());
  write_text(r.script, render_template(scripts / "synth.ys.mustache", ctx));

  ToolRun run = run_tool_checked({"yosys", "-q", "-l", r.log.string(), r.script.string()}, work_dir,
                                 work_dir / (tag + ".yosys.stdout"));
  r.seconds = run.seconds + elab_run.seconds;

  auto stat = parse_stat_json(read_text(stat_json));
  auto areas = parse_stat_areas(read_text(r.stat_txt));
  for (auto& [name, m] : stat.at("modules").items()) {
    ModuleStat s;
    s.name = strip_backslash(name);
    s.base = base_module_name(s.name);
    for (auto& [type, count] : m.at("num_cells_by_type").items())
      s.cells[strip_backslash(type)] = count.get<long>();
    if (auto it = areas.find(s.name); it != areas.end()) s.area_um2 = it->second;
    r.modules[s.name] = std::move(s);
  }
  if (auto it = areas.find(""); it != areas.end()) r.top_area_um2 = it->second;
  else if (auto it2 = areas.find(top); it2 != areas.end()) r.top_area_um2 = it2->second;
  for (auto& [name, m] : r.modules)
    if (auto it = rtl_bits.find(name); it != rtl_bits.end()) m.memory_bits = it->second;
  r.check_problems = parse_check_problems(read_text(check_txt));
  return r;
}

}  // namespace qta::synth
