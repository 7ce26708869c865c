#include "qta/perf/perf.h"

#include <algorithm>
#include <stdexcept>

#include "qta/gen/config.h"

namespace qta::perf {


int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

namespace {
// The pipelined WS walk that WS, WSC and WSR share (docs/interfaces.md section 4): LOAD R, then
// `tiles` tiles one every P = max(rows, R, 2) cycles, each streaming `rows` activation rows, and
// the last tile's results R + cols - 1 cycles after its last row (cols: the columns a result row
// is de-skewed over). Only what a dataflow walks differs:
//   WS   every K x N tile, M rows, C columns
//   WSC  the K tiles, Mg = ceil(M / col_groups) rows, C / col_groups columns
//   WSR  the N tiles, Mg = ceil(M / row_groups) rows, C columns
// The RTL twin of walk_cycles (and walk_period) is one function, qta_auto's walk_cycles
// (templates/qta_auto.v.mustache), called once for each of the three.
struct WsWalk {
  int64_t tiles, rows, cols;
};
WsWalk ws_walk(const Gemm& g, const Array& a) {
  return {ceil_div(g.k, a.rows) * ceil_div(g.n, a.cols), g.m, a.cols};
}
WsWalk wsc_walk(const Gemm& g, const Array& a) {
  return {ceil_div(g.k, a.rows), ceil_div(g.m, a.col_groups), a.cols / a.col_groups};
}
WsWalk wsr_walk(const Gemm& g, const Array& a) {
  return {ceil_div(g.n, a.cols), ceil_div(g.m, a.row_groups), a.cols};
}
int64_t walk_period(const WsWalk& w, const Array& a) { return std::max({w.rows, a.rows, int64_t{2}}); }
int64_t walk_cycles(const WsWalk& w, const Array& a) {
  return a.rows + (w.tiles - 1) * walk_period(w, a) + w.rows + a.rows + w.cols - 1;
}
}  // namespace

int64_t ws_period(const Gemm& g, const Array& a) { return walk_period(ws_walk(g, a), a); }

int64_t ws_cycles(const Gemm& g, const Array& a) {
  const WsWalk w = ws_walk(g, a);
  if (!a.ws_pipelined) return w.tiles * (a.rows + g.m + a.rows + a.cols - 1);
  return walk_cycles(w, a);
}

int64_t os_cycles(const Gemm& g, const Array& a) {
  const int64_t tiles = ceil_div(g.m, a.rows) * ceil_div(g.n, a.cols);
  return tiles * (g.k + a.rows + a.cols - 1 + a.rows);
}

bool wsc_fits(const Gemm& g, const Array& a) {
  return a.col_groups > 1 && a.ws_pipelined && g.n <= a.cols / a.col_groups;
}

int64_t wsc_period(const Gemm& g, const Array& a) { return walk_period(wsc_walk(g, a), a); }

int64_t wsc_cycles(const Gemm& g, const Array& a) {
  if (!wsc_fits(g, a)) throw std::invalid_argument("wsc_cycles: N > cols / col_groups, or no column groups");
  return walk_cycles(wsc_walk(g, a), a);
}

bool wsr_fits(const Gemm& g, const Array& a) {
  return a.row_groups > 1 && a.ws_pipelined && g.k <= a.rows / a.row_groups;
}

int64_t wsr_period(const Gemm& g, const Array& a) { return walk_period(wsr_walk(g, a), a); }

int64_t wsr_cycles(const Gemm& g, const Array& a) {
  if (!wsr_fits(g, a)) throw std::invalid_argument("wsr_cycles: K > rows / row_groups, or no row groups");
  return walk_cycles(wsr_walk(g, a), a);
}

int64_t compute_cycles(const Gemm& g, const Array& a, Dataflow d) {
  switch (d) {
    case Dataflow::WS: return ws_cycles(g, a);
    case Dataflow::OS: return os_cycles(g, a);
    case Dataflow::WSC: return wsc_cycles(g, a);
    case Dataflow::WSR: return wsr_cycles(g, a);
    case Dataflow::AUTO: break;
  }
  throw std::invalid_argument("compute_cycles: AUTO is not a dataflow the array runs; resolve it first");
}

Dataflow auto_dataflow(const Gemm& g, const Array& a, bool has_ws, bool has_os) {
  if (!has_ws && !has_os) throw std::invalid_argument("auto_dataflow: an array with neither WS nor OS");
  // Candidates in the order ties are broken: WS, WSC, WSR, OS.
  Dataflow best = Dataflow::AUTO;
  int64_t best_cycles = 0;
  auto consider = [&](Dataflow d) {
    const int64_t c = compute_cycles(g, a, d);
    if (best == Dataflow::AUTO || c < best_cycles) best = d, best_cycles = c;
  };
  if (has_ws) consider(Dataflow::WS);
  if (has_ws && wsc_fits(g, a)) consider(Dataflow::WSC);
  if (has_ws && wsr_fits(g, a)) consider(Dataflow::WSR);
  if (has_os) consider(Dataflow::OS);
  return best;
}

int64_t auto_cycles(const Gemm& g, const Array& a) { return compute_cycles(g, a, auto_dataflow(g, a)); }

Array array_of(const gen::Config& c) {
  Array a;
  a.rows = c->rows;
  a.cols = c->cols;
  a.col_groups = c->col_groups;
  a.row_groups = c->row_groups;
  a.requant_lanes = c->requant_lanes;
  return a;
}

double port_bound_cycles(const Gemm& g, const Array& a, int64_t lanes) {
  if (lanes < 1) throw std::invalid_argument("port_bound_cycles: lanes must be 1 or more");
  const double m = double(g.m), n = double(g.n), k = double(g.k), r = double(a.rows), c = double(a.cols);
  const double l = double(lanes), groups = double(std::max<int64_t>(1, a.col_groups)),
               row_groups = double(std::max<int64_t>(1, a.row_groups));
  // The input buffer has col_groups * R read lanes (one set of R per column group of WSC), the
  // output buffer row_groups * C write lanes (one set of C per row group of WSR).
  return std::max({m * n * k / (r * c), m * k / (l * groups * r), k * n / (l * c), m * n / (l * row_groups * c)});
}

double utilization(const Gemm& g, const Array& a, int64_t cycles) {
  if (cycles <= 0) return 0.0;
  return static_cast<double>(g.m) * g.n * g.k / (static_cast<double>(a.rows) * a.cols * cycles);
}

const char* scale_mode_name(ScaleMode s) { return s == ScaleMode::Dynamic ? "dynamic" : "explicit"; }

namespace {
// The requantization pass, control, and the dynamic multiplier's derivation.
int64_t requant_control_cycles(const Gemm& g, const Array& a, ScaleMode s) {
  return ceil_div(g.m * g.n, a.finish_lanes()) + 5 + (s == ScaleMode::Dynamic ? kScaleCycles : 0);
}
}  // namespace

int64_t rtl_total_cycles(const Gemm& g, const Array& a, Dataflow d, ScaleMode s) {
  return compute_cycles(g, a, d) + requant_control_cycles(g, a, s);
}

QueueTiming queue_timing(const std::vector<QueuedGemm>& queue, const Array& a) {
  // Cycle numbers as in docs/rtl.md, "Two stages": the scheduler accepts a descriptor in IDLE
  // (cycle s) and checks it at s + 1; CLEAR follows at once, or, for a descriptor that waits,
  // the cycle after qta_finish is idle again; compute; FLUSH hands over in the first cycle in
  // which qta_finish is idle; qta_finish runs SCALE (DYNAMIC), QUANT, QDRAIN and DONE, and the
  // scheduler accepts the next descriptor the cycle after the hand-over.
  QueueTiming t;
  int64_t accept = 0, fin_idle = 0, first_check = -1, last_done = 0;
  for (const QueuedGemm& q : queue) {
    const Gemm& g = q.gemm;
    const int64_t compute = compute_cycles(g, a, q.dataflow);
    const int64_t check = accept + 1;
    const int64_t clear = (q.waits ? std::max(check, fin_idle) : check) + 1;
    // The wave-1 array: the next descriptor's CHECK follows the previous one's DONE.
    const int64_t handover = a.two_stage ? std::max(clear + compute + 1, fin_idle) : clear + compute + 1;
    const int64_t done = handover + (q.scale == ScaleMode::Dynamic ? kScaleCycles : 0) + ceil_div(g.m * g.n, a.finish_lanes()) + 2;
    t.cycles.push_back(done - check + 1);
    t.added.push_back(first_check < 0 ? done - check + 1 : done - last_done);
    if (first_check < 0) first_check = check;
    last_done = done;
    fin_idle = done + 1;
    accept = a.two_stage ? handover + 1 : done + 1;  // wave-1: DONE, then IDLE accepts
  }
  t.total = queue.empty() ? 0 : last_done - first_check + 1;
  return t;
}

Breakdown breakdown(const Gemm& g, const Array& a, Dataflow d, ScaleMode s) {
  Breakdown b;
  b.ideal = double(g.m) * double(g.n) * double(g.k) / (double(a.rows) * double(a.cols));
  b.requant_control = requant_control_cycles(g, a, s);
  if (d == Dataflow::AUTO)
    throw std::invalid_argument("breakdown: AUTO is not a dataflow the array runs; resolve it first");
  if (d == Dataflow::WSC && !wsc_fits(g, a))
    throw std::invalid_argument("breakdown: WSC needs col_groups > 1 and N <= cols / col_groups");
  if (d == Dataflow::WSR && !wsr_fits(g, a))
    throw std::invalid_argument("breakdown: WSR needs row_groups > 1 and K <= rows / row_groups");
  if (d == Dataflow::WSC || d == Dataflow::WSR || (d == Dataflow::WS && a.ws_pipelined)) {
    const WsWalk w = d == Dataflow::WSC ? wsc_walk(g, a) : d == Dataflow::WSR ? wsr_walk(g, a) : ws_walk(g, a);
    b.underfill = double(w.tiles * w.rows) - b.ideal;
    b.skew = a.rows + w.cols - 1;                                          // once per GEMM
    b.load_shift = a.rows + (w.tiles - 1) * (walk_period(w, a) - w.rows);  // first load, then stalls
    return b;
  }
  // OS and the wave-1 WS: every tile fills and drains the skew and loads or shifts R rows.
  const bool ws = d == Dataflow::WS;
  const int64_t tiles = ws ? ceil_div(g.k, a.rows) * ceil_div(g.n, a.cols) : ceil_div(g.m, a.rows) * ceil_div(g.n, a.cols);
  b.underfill = double(tiles * (ws ? g.m : g.k)) - b.ideal;
  b.skew = tiles * (a.rows + a.cols - 1);
  b.load_shift = tiles * a.rows;
  return b;
}

const char* policy_name(Policy p) {
  switch (p) {
    case Policy::WsOnly: return "ws_only";
    case Policy::OsOnly: return "os_only";
    case Policy::AutoWsOs: return "auto_ws_os";
    case Policy::AutoWsOsWsc: return "auto_ws_os_wsc";
    case Policy::Auto: return "auto_ws_os_wsc_wsr";
    case Policy::Wave1WsOnly: return "wave1_ws_only";
    case Policy::Wave1AutoWsOs: return "wave1_auto_ws_os";
  }
  return "?";
}

bool policy_supported(Policy p, bool has_ws, bool has_os) {
  switch (p) {
    case Policy::WsOnly: case Policy::Wave1WsOnly: return has_ws;
    case Policy::OsOnly: return has_os;
    case Policy::AutoWsOs: case Policy::AutoWsOsWsc: case Policy::Auto: case Policy::Wave1AutoWsOs:
      return has_ws || has_os;
  }
  return false;
}

Dataflow policy_dataflow(Policy p, const Gemm& g, const Array& a, bool has_ws, bool has_os) {
  if (!policy_supported(p, has_ws, has_os))
    throw std::invalid_argument(std::string("policy ") + policy_name(p) + " needs a dataflow this configuration lacks");
  if (p == Policy::WsOnly || p == Policy::Wave1WsOnly) return Dataflow::WS;
  if (p == Policy::OsOnly) return Dataflow::OS;
  return auto_dataflow(g, policy_array(p, a), has_ws, has_os);
}

Array policy_array(Policy p, const Array& a) {
  Array r = a;
  if (p != Policy::Auto) r.row_groups = 1;  // AutoWsOsWsc: the RTL before row groups
  if (p != Policy::Auto && p != Policy::AutoWsOsWsc) r.col_groups = 1;
  if (p == Policy::Wave1WsOnly || p == Policy::Wave1AutoWsOs) {
    r.ws_pipelined = r.two_stage = false;
    r.requant_lanes = 0;  // the wave-1 array requantized C elements per cycle
  }
  return r;
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
