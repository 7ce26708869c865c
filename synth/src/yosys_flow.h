// Running Yosys 0.23 on a generated design (synth/scripts/synth.ys.mustache) and reading back
// what `stat -liberty` reported, per module.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace qta::synth {

struct ModuleStat {
  std::string name;  // Yosys module name, e.g. "qta_pe" or "$paramod$<hash>\qta_array"
  std::string base;  // the RTL module it came from, e.g. "qta_array"
  std::map<std::string, long> cells;  // cell type (liberty cell or submodule) -> count
  double area_um2 = 0;                // own cells only: "Chip area for module" of `stat`
  long memory_bits = 0;               // RTL memories before synthesis (0 if none inferred)
};

struct YosysResult {
  std::string top;
  std::map<std::string, ModuleStat> modules;
  // Buffers kept as SRAM macros (black boxes): module name -> storage bits in the RTL.
  std::map<std::string, long> macros;
  double top_area_um2 = 0;  // "Chip area for top module" (whole hierarchy) of `stat -top`
  int check_problems = 0;   // problems reported by Yosys `check`
  std::filesystem::path script, log, stat_txt, netlist_v, netlist_json;
  double seconds = 0;
};

// How buffers (modules whose name says buffer/fifo/mem) are implemented.
enum class BufferImpl {
  Auto,   // flip-flops up to flop_limit_bits of RTL memory per module, SRAM macro above
  Flops,  // always synthesized as flip-flops (slow for deep buffers)
  Sram,   // always SRAM macros (black boxes, area from the SRAM model)
};

struct YosysOptions {
  std::string liberty;
  std::optional<double> abc_delay_ps;  // `abc -D`: delay target; none = area-oriented mapping
  // `abc -constr FILE` (needs abc_delay_ps): driving cell and load, enables ABC's buffering
  // and gate sizing. Empty: none.
  std::string abc_constr;
  BufferImpl buffers = BufferImpl::Auto;
  long flop_limit_bits = 16384;
  // `abc -fast` for every module but qta_pe (which always gets the full script).
  bool abc_fast = true;
  // Buffer cell for `insbuf` (RequiredCells::buf); empty: no buffers inserted.
  std::string buf_cell, buf_in, buf_out;
};

// Synthesizes `top` from `files` in `work_dir` (file names prefixed with `tag`). Throws
// qta::CheckFailed when Yosys fails, with the tail of its log.
YosysResult run_yosys(const std::vector<std::filesystem::path>& files, const std::string& top,
                      const YosysOptions& opt, const std::filesystem::path& work_dir,
                      const std::string& tag);

// "$paramod$<hash>\qta_array" and "$paramod\qta_array\Rows=..." -> "qta_array"; "\x" -> "x".
std::string base_module_name(const std::string& yosys_name);

// Parses the text of `stat -liberty`: module name -> "Chip area for module" and, under key
// "" , the "Chip area for top module" figure.
std::map<std::string, double> parse_stat_areas(const std::string& stat_text);

}  // namespace qta::synth
