// Performance model: cycles of one GEMM on an R x C array (docs/interfaces.md section 4). The
// scheduler's AUTO mode in the RTL evaluates exactly these formulas.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "qta/dataflow.h"
#include "qta/gen/rtl_latency.h"

namespace qta::gen {
class Config;
}

namespace qta::perf {

using qta::Dataflow;  // WS, OS, WSC or WSR here; AUTO resolves to one of them (auto_dataflow)

struct Array {
  int64_t rows = 8;  // R
  int64_t cols = 8;  // C
  // The generated RTL overlaps WS tiles (docs/rtl.md, "Pipelined WS"). false: the wave-1 array
  // that ran them one after another, kept as the reference `qta perf` reports against.
  bool ws_pipelined = true;
  // The requantization pass runs in its own stage (qta_finish) beside the next descriptor's
  // compute. false: the wave-1 array, one descriptor after the other.
  bool two_stage = true;
  // Column groups of the WSC dataflow (configuration field col_groups; 1: the array has no WSC).
  int64_t col_groups = 1;
  // Row groups of the WSR dataflow (configuration field row_groups; 1: the array has no WSR).
  int64_t row_groups = 1;
  // Lanes of the requantization pass (configuration field requant_lanes; 0: cols).
  int64_t requant_lanes = 0;
  int64_t finish_lanes() const { return requant_lanes > 0 ? requant_lanes : cols; }
};
struct Gemm {
  int64_t m = 0, n = 0, k = 0;
};

int64_t ceil_div(int64_t a, int64_t b);
// WS, pipelined: LOAD R, then one tile every P = ws_period cycles, the last one's results
// R + C - 1 cycles after its last row: R + (tiles - 1) * P + M + R + C - 1 with
// tiles = ceil(K/R) * ceil(N/C). Wave-1 array (ws_pipelined false): tiles * (R + M + R + C - 1).
int64_t ws_cycles(const Gemm& g, const Array& a);
// P = max(M, R, 2): M activation rows per tile, R cycles to move the next tile's weights down
// the chain, and 2 so that a K tile's read of a partial sum follows the previous tile's write.
int64_t ws_period(const Gemm& g, const Array& a);
// OS: ceil(M/R) * ceil(N/C) tiles of K + R + C - 1 + R cycles.
int64_t os_cycles(const Gemm& g, const Array& a);
// WSC, WS on column groups (G = col_groups, Cg = C / G, Mg = ceil(M / G)): for N <= Cg, group g
// of Cg columns holds the same K x N weight tile as the others and streams rows g*Mg .. of op(A)
// from its own R input lanes; the tiles are the K tiles, one every P = max(Mg, R, 2) cycles, and
// the groups' results leave together Cg - 1 cycles after their last row reaches the bottom:
// R + (ceil(K/R) - 1) * P + Mg + R + Cg - 1.
bool wsc_fits(const Gemm& g, const Array& a);  // col_groups > 1 and N <= C / col_groups
int64_t wsc_cycles(const Gemm& g, const Array& a);  // throws std::invalid_argument if !wsc_fits
int64_t wsc_period(const Gemm& g, const Array& a);  // max(Mg, R, 2)
// WSR, WS on row groups (GR = row_groups, Rg = R / GR, Mg = ceil(M / GR)): for K <= Rg, group g
// of Rg rows holds the same K x N weight tile as the others (its rows K .. Rg - 1 zeros) and
// streams rows g*Mg .. of op(A) through input lanes g*Rg ..; partial sums restart at each group's
// top row and every group writes its results through C write lanes of its own. The tiles are the
// N tiles, one every P = max(Mg, R, 2) cycles, and the last group's results leave as WS's do:
// R + (ceil(N/C) - 1) * P + Mg + R + C - 1.
bool wsr_fits(const Gemm& g, const Array& a);  // row_groups > 1 and K <= R / row_groups
int64_t wsr_cycles(const Gemm& g, const Array& a);  // throws std::invalid_argument if !wsr_fits
int64_t wsr_period(const Gemm& g, const Array& a);  // max(Mg, R, 2), Mg = ceil(M / row_groups)
// The array cycles of g on dataflow d (WS, OS, WSC or WSR; AUTO throws std::invalid_argument).
int64_t compute_cycles(const Gemm& g, const Array& a, Dataflow d);
// AUTO (the RTL's qta_auto): the fewest cycles among WS, OS and, where wsc_fits / wsr_fits, WSC
// and WSR, of the dataflows the configuration has (WSC and WSR need WS); ties go to WS, then WSC,
// then WSR, then OS. On an array without column or row groups that has both: WS when
// ws_cycles <= os_cycles.
Dataflow auto_dataflow(const Gemm& g, const Array& a, bool has_ws = true, bool has_os = true);
int64_t auto_cycles(const Gemm& g, const Array& a);
// The fewest cycles any dataflow or partition of this array can take for g with the buffers'
// ports as generated: every MAC on a PE (M*N*K / (R*C)), every element of op(A) through the
// input buffer's G*R read lanes (M*K / (G*R), G = col_groups: WSC gives every column group its
// own R lanes), of op(B) through the weight buffer's C lanes (K*N / C), every result through the
// output buffer's GR*C write lanes (M*N / (GR*C), GR = row_groups: WSR gives every row group its
// own C lanes). A thin GEMM is bound by its large operand or its result, not by the PEs
// (fractional, like the ideal). `lanes` multiplies every port's lanes (lanes * G*R of op(A),
// lanes * C of op(B), lanes * GR*C of results): 1 is the generated RTL; 2 and 4 are the least
// an array with that much wider buffer ports could take, whatever its dataflow or partitioning
// (qta perf's port_bound_x2 / _x4 rows: how wide the ports must be for a target).
double port_bound_cycles(const Gemm& g, const Array& a, int64_t lanes = 1);
// The array of a configuration: rows, cols, col_groups, row_groups, requant_lanes (the generated
// RTL: pipelined, two stages).
Array array_of(const gen::Config& c);
// Useful MACs / (R * C * cycles).
double utilization(const Gemm& g, const Array& a, int64_t cycles);

// How a descriptor's requantization multiplier is chosen (docs/rtl.md, descriptor `scale_mode`):
// EXPLICIT takes m0 / shift from the descriptor; DYNAMIC derives them on chip from the amax of
// the GEMM's own results (the training case), which costs kScaleCycles more.
enum class ScaleMode { Explicit = 0, Dynamic = 1 };
const char* scale_mode_name(ScaleMode s);  // "explicit", "dynamic"

// Cycles of the on-chip multiplier derivation (qta_amax's result to qta_recip's m0 / shift:
// normalize, 32 restoring-division steps, round), between the last compute cycle and the
// requantization pass of a DYNAMIC descriptor. The RTL's cycle counters are checked against it.
// Defined beside the configuration (qta/gen/rtl_latency.h), whose templates render it.
inline constexpr int64_t kScaleCycles = gen::kScaleCycles;

// Cycles the generated RTL spends on a descriptor from CHECK to DONE (docs/rtl.md): the array
// cycles above plus the requantization pass ceil(M*N/L) (L = finish_lanes()), 5 cycles of
// control and, for DYNAMIC, kScaleCycles.
int64_t rtl_total_cycles(const Gemm& g, const Array& a, Dataflow d, ScaleMode s = ScaleMode::Dynamic);

// Descriptors back to back (the queue never runs empty): the scheduler computes descriptor
// i+1 while qta_finish derives descriptor i's multiplier and requantizes it (docs/rtl.md, "Two
// stages"; docs/interfaces.md section 4, "Queued descriptors"). `waits` marks a descriptor whose
// int32 results overlap the words of the one before it (its results or their requantized copy):
// the scheduler holds it before CLEAR until qta_finish has finished the previous one.
struct QueuedGemm {
  Gemm gemm;
  Dataflow dataflow = Dataflow::WS;
  ScaleMode scale = ScaleMode::Dynamic;
  bool waits = false;
};
struct QueueTiming {
  std::vector<int64_t> cycles;  // per descriptor: CHECK to DONE (done_cycles_o)
  std::vector<int64_t> added;   // per descriptor: how much later its DONE is than the previous
                                // one's (the first: its cycles); they add up to total
  int64_t total = 0;            // first CHECK to last DONE (the busy-cycle counter's increase)
};
QueueTiming queue_timing(const std::vector<QueuedGemm>& queue, const Array& a);

// Where the cycles of one descriptor go (docs/interfaces.md section 4, "Loss breakdown"), for
// the dataflow it runs. The parts add up to rtl_total_cycles exactly:
//   ideal            M*N*K / (R*C), every PE busy every cycle (fractional)
//   underfill        stream cycles (WS: M per tile, OS: K per tile, WSC: Mg per K tile, WSR: Mg
//                    per N tile) minus ideal: PEs idle because an edge tile or a thin dimension
//                    does not fill R rows or C columns
//   skew             R + C - 1 per tile (OS, wave-1 WS), once per GEMM (pipelined WS, WSR; WSC:
//                    R + Cg - 1 once): filling and draining the diagonal wavefront
//   load_shift       OS: R per tile, the accumulator shift-out; pipelined WS: R for the first
//                    weight load plus (tiles - 1) * (P - M), the periods the weight load makes
//                    longer than M; WSC and WSR: the same with their Mg, P and tiles (the K
//                    tiles, the N tiles); wave-1 WS: R per tile
//   requant_control  ceil(M*N/L) requantization pass (L = finish_lanes()) plus 5 cycles of
//                    control, plus kScaleCycles (deriving the dynamic multiplier) for DYNAMIC
struct Breakdown {
  double ideal = 0, underfill = 0;
  int64_t skew = 0, load_shift = 0, requant_control = 0;
  int64_t total() const { return int64_t(ideal + underfill + 0.5) + skew + load_shift + requant_control; }
};
Breakdown breakdown(const Gemm& g, const Array& a, Dataflow d, ScaleMode s = ScaleMode::Dynamic);

// A scheduling policy of today's hardware: fixed WS, fixed OS, or AUTO's per-GEMM choice
// among the dataflows. `supported` says whether a configuration with these dataflows can run it.
// Wave1WsOnly / Wave1AutoWsOs: the same on the wave-1 array (WS tile by tile, no longer
// generated), the reference the pipelined array's gain is measured against.
// Auto: the generated RTL's AUTO, over WS, OS, WSC (on an array with col_groups > 1) and WSR
// (row_groups > 1); AutoWsOsWsc: the same array without row groups (the RTL before WSR), so the
// gain of row groups shows on its own; AutoWsOs: the choice between WS and OS only (the array
// before column groups).
enum class Policy { WsOnly, OsOnly, AutoWsOs, AutoWsOsWsc, Auto, Wave1WsOnly, Wave1AutoWsOs };
// "ws_only", "os_only", "auto_ws_os", "auto_ws_os_wsc", "auto_ws_os_wsc_wsr", "wave1_ws_only",
// "wave1_auto_ws_os"
const char* policy_name(Policy p);
bool policy_supported(Policy p, bool has_ws, bool has_os);
// The dataflow the policy runs g with (Auto, AutoWsOsWsc, AutoWsOs: auto_dataflow on
// policy_array, or the only one configured).
Dataflow policy_dataflow(Policy p, const Gemm& g, const Array& a, bool has_ws, bool has_os);
// The array a policy runs on: a itself (Auto), a without row groups (AutoWsOsWsc), a without
// column and row groups (WsOnly, OsOnly, AutoWsOs), or the wave-1 array for the Wave1 policies
// (no column or row groups, WS tile by tile, one stage, C requantization lanes).
Array policy_array(Policy p, const Array& a);

// One GEMM step of a LoRA layer (docs/interfaces.md section 3).
struct Step {
  std::string name;
  Gemm gemm;
};
// The eight GEMM steps for X: tokens x d_in, W: d_in x d_out, rank r.
std::vector<Step> lora_steps(int64_t tokens, int64_t d_in, int64_t d_out, int64_t rank);

// The Stable Diffusion v1.5 layer shapes are the golden model's table:
// qta::golden::sd15_cross_attention_workloads() (golden/include/qta/golden/workloads.h).

}  // namespace qta::perf
