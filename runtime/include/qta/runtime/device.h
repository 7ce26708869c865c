// An accelerator as the host runtime sees it: three buffers (input = operand A, weight = operand
// B, output = int32 results and their requantized copy) and a descriptor queue
// (docs/rtl.md, "Descriptor"). Two implementations behind this one interface:
//   golden  the golden model executing descriptors (qta::golden GEMM and requantization), with
//           the performance model's cycle counts (qta::perf::rtl_total_cycles)
//   rtl     the Verilated RTL of any configuration, its AXI4-Lite port driven with the host
//           interface's register programs (qta/hostif/driver.h) over the wire protocol
//           (qta/hostif/wire.h) to the bench serving the model (verif/tb/runtime_server.cpp),
//           with the completions' own counters
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "qta/dataflow.h"
#include "qta/gen/config.h"
#include "qta/golden/matrix.h"
#include "qta/golden/requant.h"
#include "qta/hostif/driver.h"

namespace qta::runtime {

enum class BufferKind { Input = 0, Weight = 1, Output = 2 };
const char* buffer_kind_name(BufferKind b);

// The descriptor and the completion record are the host interface's own types, rendered from
// hostif/host_if.json (qta/hostif/host_if.h, docs/host_if.md); the helpers below interpret the
// fields that span or encode more than one value.
using DeviceDescriptor = hostif::Descriptor;
using DeviceCompletion = hostif::Completion;
using hostif::busy_pe_cycles;
using hostif::ran;
// The multiplier the requantization used (DYNAMIC: derived on chip; 0 when rejected).
inline golden::FixedPoint multiplier(const DeviceCompletion& c) { return {int32_t(c.m0), int(c.shift)}; }
inline Dataflow dataflow_of(const DeviceDescriptor& d) { return Dataflow(int(d.dataflow)); }
inline golden::Rounding rounding_of(const DeviceDescriptor& d) { return golden::Rounding(int(d.rounding)); }

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
