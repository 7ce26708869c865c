#include "qta/perf/perf.h"

#include <stdexcept>

namespace qta::perf {


int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

int64_t ws_cycles(const Gemm& g, const Array& a) {
  const int64_t tiles = ceil_div(g.k, a.rows) * ceil_div(g.n, a.cols);
  return tiles * (a.rows + g.m + a.rows + a.cols - 1);
}

int64_t os_cycles(const Gemm& g, const Array& a) {
  const int64_t tiles = ceil_div(g.m, a.rows) * ceil_div(g.n, a.cols);
  return tiles * (g.k + a.rows + a.cols - 1 + a.rows);
}

Dataflow auto_dataflow(const Gemm& g, const Array& a) {
  return ws_cycles(g, a) <= os_cycles(g, a) ? Dataflow::WS : Dataflow::OS;
}

int64_t auto_cycles(const Gemm& g, const Array& a) {
  return auto_dataflow(g, a) == Dataflow::WS ? ws_cycles(g, a) : os_cycles(g, a);
}

double utilization(const Gemm& g, const Array& a, int64_t cycles) {
  if (cycles <= 0) return 0.0;
  return static_cast<double>(g.m) * g.n * g.k / (static_cast<double>(a.rows) * a.cols * cycles);
}

const char* scale_mode_name(ScaleMode s) { return s == ScaleMode::Dynamic ? "dynamic" : "explicit"; }

namespace {
// The requantization pass, control, and the dynamic multiplier's derivation.
int64_t requant_control_cycles(const Gemm& g, const Array& a, ScaleMode s) {
  return ceil_div(g.m * g.n, a.cols) + 5 + (s == ScaleMode::Dynamic ? kScaleCycles : 0);
}
}  // namespace

int64_t rtl_total_cycles(const Gemm& g, const Array& a, Dataflow d, ScaleMode s) {
  const int64_t compute = d == Dataflow::WS ? ws_cycles(g, a) : os_cycles(g, a);
  return compute + requant_control_cycles(g, a, s);
}

Breakdown breakdown(const Gemm& g, const Array& a, Dataflow d, ScaleMode s) {
  Breakdown b;
  const bool ws = d == Dataflow::WS;
  const int64_t tiles = ws ? ceil_div(g.k, a.rows) * ceil_div(g.n, a.cols) : ceil_div(g.m, a.rows) * ceil_div(g.n, a.cols);
  const int64_t stream = tiles * (ws ? g.m : g.k);
  b.ideal = double(g.m) * double(g.n) * double(g.k) / (double(a.rows) * double(a.cols));
  b.underfill = double(stream) - b.ideal;
  b.skew = tiles * (a.rows + a.cols - 1);
  b.load_shift = tiles * a.rows;
  b.requant_control = requant_control_cycles(g, a, s);
  return b;
}

const char* policy_name(Policy p) {
  switch (p) {
    case Policy::WsOnly: return "ws_only";
    case Policy::OsOnly: return "os_only";
    case Policy::AutoWsOs: return "auto_ws_os";
  }
  return "?";
}

bool policy_supported(Policy p, bool has_ws, bool has_os) {
  switch (p) {
    case Policy::WsOnly: return has_ws;
    case Policy::OsOnly: return has_os;
    case Policy::AutoWsOs: return has_ws || has_os;
  }
  return false;
}

Dataflow policy_dataflow(Policy p, const Gemm& g, const Array& a, bool has_ws, bool has_os) {
  if (!policy_supported(p, has_ws, has_os))
    throw std::invalid_argument(std::string("policy ") + policy_name(p) + " needs a dataflow this configuration lacks");
  if (p == Policy::WsOnly) return Dataflow::WS;
  if (p == Policy::OsOnly) return Dataflow::OS;
  if (!has_os) return Dataflow::WS;
  if (!has_ws) return Dataflow::OS;
  return auto_dataflow(g, a);
}

std::vector<Step> lora_steps(int64_t tokens, int64_t d_in, int64_t d_out, int64_t r) {
  const int64_t n = tokens;
  return {
      {"fwd_xw", {n, d_out, d_in}},    {"fwd_xa", {n, r, d_in}},    {"fwd_hbt", {n, d_out, r}},
      {"bwd_dyb", {n, r, d_out}},      {"bwd_dywt", {n, d_in, d_out}}, {"bwd_gat", {n, d_in, r}},
      {"bwd_xtg", {d_in, r, n}},       {"bwd_dytht", {d_out, r, n}},
  };
}

}  // namespace qta::perf
