// Performance model: cycles of one GEMM on an R x C array (docs/interfaces.md section 4). The
// scheduler's AUTO mode in the RTL evaluates exactly these formulas.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "qta/dataflow.h"

namespace qta::perf {

using qta::Dataflow;  // WS or OS here; AUTO resolves to one of them (auto_dataflow)

struct Array {
  int64_t rows = 8;  // R
  int64_t cols = 8;  // C
};
struct Gemm {
  int64_t m = 0, n = 0, k = 0;
};

int64_t ceil_div(int64_t a, int64_t b);
// WS: ceil(K/R) * ceil(N/C) tiles of R + M + R + C - 1 cycles.
int64_t ws_cycles(const Gemm& g, const Array& a);
// OS: ceil(M/R) * ceil(N/C) tiles of K + R + C - 1 + R cycles.
int64_t os_cycles(const Gemm& g, const Array& a);
// AUTO: WS when ws_cycles <= os_cycles.
Dataflow auto_dataflow(const Gemm& g, const Array& a);
int64_t auto_cycles(const Gemm& g, const Array& a);
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
inline constexpr int64_t kScaleCycles = 34;

// Cycles the generated RTL spends on a descriptor from CHECK to DONE (docs/rtl.md): the array
// cycles above plus the requantization pass ceil(M*N/C), 5 cycles of control and, for DYNAMIC,
// kScaleCycles.
int64_t rtl_total_cycles(const Gemm& g, const Array& a, Dataflow d, ScaleMode s = ScaleMode::Dynamic);

// Where the cycles of one descriptor go (docs/interfaces.md section 4, "Loss breakdown"), for
// the dataflow it runs. The parts add up to rtl_total_cycles exactly:
//   ideal            M*N*K / (R*C), every PE busy every cycle (fractional)
//   underfill        stream cycles (WS: M per tile, OS: K per tile) minus ideal: PEs idle
//                    because an edge tile or a thin dimension does not fill R rows or C columns
//   skew             R + C - 1 per tile: filling and draining the diagonal wavefront
//   load_shift       R per tile: the WS weight load, or the OS accumulator shift-out
//   requant_control  ceil(M*N/C) requantization pass plus 5 cycles of control, plus kScaleCycles
//                    (deriving the dynamic multiplier) for DYNAMIC
struct Breakdown {
  double ideal = 0, underfill = 0;
  int64_t skew = 0, load_shift = 0, requant_control = 0;
  int64_t total() const { return int64_t(ideal + underfill + 0.5) + skew + load_shift + requant_control; }
};
Breakdown breakdown(const Gemm& g, const Array& a, Dataflow d, ScaleMode s = ScaleMode::Dynamic);

// A scheduling policy of today's hardware: fixed WS, fixed OS, or AUTO's per-GEMM choice
// between them. `supported` says whether a configuration with these dataflows can run it.
enum class Policy { WsOnly, OsOnly, AutoWsOs };
const char* policy_name(Policy p);  // "ws_only", "os_only", "auto_ws_os"
bool policy_supported(Policy p, bool has_ws, bool has_os);
// The dataflow the policy runs g with (AutoWsOs: auto_dataflow, or the only one configured).
Dataflow policy_dataflow(Policy p, const Gemm& g, const Array& a, bool has_ws, bool has_os);

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
