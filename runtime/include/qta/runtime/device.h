// An accelerator as the host runtime sees it: three buffers (input = operand A, weight = operand
// B, output = int32 results and their requantized copy) and a descriptor queue
// (docs/rtl.md, "Descriptor"). Two implementations behind this one interface:
//   golden  the golden model executing descriptors (qta::golden GEMM and requantization), with
//           the performance model's cycle counts (qta::perf::rtl_total_cycles)
//   rtl     the Verilated RTL of any configuration, through the verification bench's driver
//           (verif/tb/runtime_server.cpp), with the completions' own counters
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "qta/dataflow.h"
#include "qta/gen/config.h"
#include "qta/golden/matrix.h"
#include "qta/golden/requant.h"

namespace qta::runtime {

enum class BufferKind { Input = 0, Weight = 1, Output = 2 };
const char* buffer_kind_name(BufferKind b);

// The descriptor fields of qta_top (docs/rtl.md). dynamic_scale: the hardware derives m0/shift
// from the amax of its own int32 results (m0/shift ignored); otherwise they are explicit.
struct DeviceDescriptor {
  uint32_t id = 0;
  int64_t m = 1, n = 1, k = 1;
  uint32_t a_base = 0, b_base = 0, c_base = 0, q_base = 0;
  uint32_t lda = 0, ldb = 0;
  bool a_trans = false, b_trans = false;
  // 0 WS, 1 OS, 2 AUTO, 3 WSC, 4 WSR (a 3-bit field): a device rejects a WSC or WSR descriptor
  // that does not fit its column or row groups, and codes 5..7, with error 7.
  Dataflow dataflow = Dataflow::AUTO;
  golden::Rounding rounding = golden::Rounding::RNE;
  bool dynamic_scale = false;
  uint32_t m0 = 0;
  int shift = 0;
  uint32_t sr_seed = 1;
};

struct DeviceCompletion {
  uint32_t id = 0;
  int error = 0;          // docs/rtl.md error codes; 0 = done
  bool os = false;        // the dataflow it ran: OS (WS, WSC and WSR: false)
  uint64_t cycles = 0, compute_cycles = 0, busy_pe_cycles = 0;
  int64_t amax = 0;
  golden::FixedPoint multiplier;  // the one the quantizer used
};

class Device {
 public:
  virtual ~Device() = default;
  virtual const gen::Config& config() const = 0;
  virtual std::string name() const = 0;     // "golden" or "rtl"
  // True if descriptors may ask for dynamic scales.
  virtual bool has_dynamic_scale() const = 0;
  // Words [base, base + x.size()) of a buffer, row-major; values as the buffer word holds them.
  virtual void write(BufferKind b, uint32_t base, const golden::MatI& x) = 0;
  virtual golden::MatI read(BufferKind b, uint32_t base, int64_t rows, int64_t cols) = 0;
  // Submits one descriptor and waits for its completion.
  virtual DeviceCompletion run(const DeviceDescriptor& d) = 0;
};

// The golden model as a device (no I/O; cycles from the performance model).
std::unique_ptr<Device> make_golden_device(const gen::Config& cfg);

struct RtlDeviceOptions {
  uint64_t seed = 1;       // +verilator+seed+ of the X-randomized reset (registers start random)
  std::string compiler;    // model compiler (qta verify --compiler); empty: the verify default
};
// The configuration's Verilated model with the test bench, built (or reused) through the
// verify flow (build/verify/<R>x<C>-<hash>, the same model qta verify runs), started as a
// server process. Throws std::runtime_error if the build or the server fails.
std::unique_ptr<Device> make_rtl_device(const gen::Config& cfg, const RtlDeviceOptions& o = {});

}  // namespace qta::runtime
