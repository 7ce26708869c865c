// The host runtime (docs/runtime.md): runs the GEMM steps of a LoRA layer or an attention block
// (the golden model's step sequences, written once over qta::golden::GemmEngine) on a Device.
// It owns the buffers, turns each logical GEMM into descriptors, and keeps one per-tensor scale
// per logical tensor:
//   - a GEMM that fits the buffers (A, B, the int32 result and its requantized copy) and the
//     descriptor limits runs as ONE descriptor; with a device that has dynamic scales, the
//     hardware takes amax of its int32 results and requantizes itself (DYNAMIC);
//   - a GEMM that does not fit is split into tiles over M, N and K; every tile runs as an
//     EXPLICIT descriptor with m0 = 0 (its requantized copy is unused), its int32 partial result is
//     read back and summed exactly on the host, and the logical tensor is requantized once with
//     golden::requantize (amax of the whole tensor, LFSR in row-major order of the logical output).
// Without dynamic scales on the device (before the RTL has them), every GEMM takes the second
// path with one tile. The host never computes a GEMM in software.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "qta/golden/step.h"
#include "qta/perf/perf.h"
#include "qta/runtime/device.h"

namespace qta::runtime {

// How one logical GEMM is issued: tiles of mt x nt x kt (edges smaller).
struct GemmPlan {
  int64_t m = 0, n = 0, k = 0;
  int64_t mt = 0, nt = 0, kt = 0;
  int64_t tiles_m = 1, tiles_n = 1, tiles_k = 1;
  bool single = true;                 // one descriptor for the whole GEMM
  int64_t predicted_cycles = 0;       // sum over the descriptors of the performance model's total
  int64_t tiles() const { return tiles_m * tiles_n * tiles_k; }
};

// The plan for op(A) (M x K) times op(B) (K x N) on `cfg`: one descriptor if it fits, else the
// tiling with the fewest predicted cycles (perf::rtl_total_cycles per tile, AUTO among the
// configuration's dataflows). `dynamic`: whether a single descriptor would run in dynamic mode.
// Throws qta::UsageError naming the GEMM if it cannot be split (K beyond the accumulator bound:
// the exact logical sum would not fit acc_width bits).
// `dataflow`: the descriptors' dataflow (AUTO: the configuration's choice per descriptor).
GemmPlan plan_gemm(const std::string& name, int64_t m, int64_t n, int64_t k, const gen::Config& cfg, bool dynamic,
                   Dataflow dataflow = Dataflow::AUTO);

// Cycles the performance model predicts for one descriptor alone, run with `dataflow` (AUTO:
// the configuration's AUTO choice among WS, OS, WSC and WSR, perf::auto_dataflow on
// perf::array_of).
int64_t predicted_descriptor_cycles(const perf::Gemm& g, const gen::Config& cfg, bool dynamic,
                                    Dataflow dataflow = Dataflow::AUTO);

// What the device did for the GEMMs since the last reset_stats().
struct RunStats {
  int64_t gemms = 0, split_gemms = 0, descriptors = 0;
  uint64_t cycles = 0, compute_cycles = 0, busy_pe_cycles = 0;
  int64_t predicted_cycles = 0;       // the performance model's total for the same descriptors
  int64_t unsplit_cycles = 0;         // ... had every GEMM been one descriptor (unlimited buffers)
  uint64_t macs = 0;                  // useful multiply-accumulates (M*N*K of the logical GEMMs)
  uint64_t words_written = 0, words_read = 0;  // host <-> buffer traffic
  double utilization(const gen::Config& cfg) const;  // busy_pe_cycles / (R * C * cycles)
};

// Per-GEMM record (for reports and the JSON log).
struct GemmRecord {
  std::string name;
  int64_t m = 0, n = 0, k = 0;
  int64_t descriptors = 0;
  bool dynamic = false;
  uint64_t cycles = 0;
  int64_t predicted_cycles = 0;
  int64_t unsplit_cycles = 0;  // the performance model's total for one descriptor on unlimited buffers
};

class Runtime final : public golden::GemmEngine {
 public:
  // Checks that the quantization the step sequences use can run on the device's configuration
  // (q = data_width, acc_width, the rounding modes): qta::UsageError naming the mismatch otherwise.
  Runtime(Device& device, const golden::QuantConfig& quant);

  golden::GemmStep run(const std::string& name, const std::string& a_name, const golden::QTensor& a, golden::Op op_a,
                       const std::string& b_name, const golden::QTensor& b, golden::Op op_b,
                       const std::string& out_name, double extra, golden::Rounding rounding,
                       const golden::QuantConfig& cfg) override;

  Device& device() { return device_; }
  const RunStats& stats() const { return stats_; }
  const std::vector<GemmRecord>& records() const { return records_; }
  void reset_stats() {
    stats_ = {};
    records_.clear();
  }
  // Whether fitting GEMMs run in dynamic mode (the device has it).
  bool dynamic() const { return dynamic_; }
  // Every descriptor from now on asks for this dataflow (AUTO, the default: the hardware's
  // choice). qta::UsageError if the configuration lacks it.
  void set_dataflow(Dataflow d);

 private:
  golden::GemmStep run_single_dynamic(golden::GemmStep st, const GemmPlan& plan);
  golden::GemmStep run_tiled(golden::GemmStep st, const GemmPlan& plan);
  DeviceCompletion issue(const DeviceDescriptor& d, const std::string& what);
  Dataflow dataflow() const;

  Device& device_;
  const gen::Config& cfg_;
  bool dynamic_ = false;
  RunStats stats_;
  std::vector<GemmRecord> records_;
  std::map<std::tuple<int64_t, int64_t, int64_t>, GemmPlan> plans_;
  Dataflow forced_ = Dataflow::AUTO;
};

// Checks a quantization against a configuration (the Runtime constructor's check): q equal to
// data_width, acc_width equal, each rounding mode the steps use supported. qta::UsageError
// (exit 2) naming the field, both values and what is valid.
void check_compatible(const gen::Config& cfg, const golden::QuantConfig& quant, const std::string& config_name);
// A dataflow the configuration has (AUTO always): qta::UsageError (exit 2) naming it otherwise.
// WSC and WSR are refused too: WSC runs only GEMMs with N <= cols / col_groups, WSR only GEMMs
// with K <= rows / row_groups, so AUTO picks them per descriptor and no run forces them. A code
// that is no dataflow (above 4, the 3-bit field's 5..7) is refused as well.
void check_dataflow(const gen::Config& cfg, Dataflow d);

}  // namespace qta::runtime
