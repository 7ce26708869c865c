// The host's side of qta_top's register interface, as register programs: what to write to submit
// a descriptor, what to read to take a completion. Field-agnostic: every field and offset comes
// from the generated qta/hostif/host_if.h (hostif/host_if.json). The bench's driver
// (verif/tb/accel.cpp, over its AXI4-Lite bus-functional master) and the runtime's RTL device
// (runtime/src/rtl_device.cpp, over the wire protocol) both run these programs, so they submit
// and complete descriptors the same way.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "qta/dataflow.h"
#include "qta/hostif/host_if.h"

namespace qta::hostif {

struct RegWrite {
  uint32_t offset = 0;
  uint32_t data = 0;
};

// Submission: the DESC_* words that differ from what the registers hold (they keep their values
// after DOORBELL; after reset they hold the description's reset values), then DOORBELL.
class Submitter {
 public:
  // The writes that submit d; afterwards the registers hold d.
  std::vector<RegWrite> program(const Descriptor& d) {
    const auto w = d.pack();
    std::vector<RegWrite> out;
    for (int i = 0; i < Descriptor::kWords; ++i)
      if (w[size_t(i)] != held_[size_t(i)] || !known_) out.push_back({Descriptor::kOffsets[size_t(i)], w[size_t(i)]});
    out.push_back({reg::DOORBELL, 1});
    held_ = w;
    known_ = true;
    return out;
  }
  // After a reset of the device: the registers hold their reset values.
  void reset() {
    held_ = Descriptor{}.pack();
    known_ = true;
  }
  // Nothing is assumed of the registers: the next program writes every word.
  void forget() { known_ = false; }

 private:
  std::array<uint32_t, Descriptor::kWords> held_ = Descriptor{}.pack();
  bool known_ = false;
};

// Completion: read STATUS; while STATUS.cpl_valid, read the CPL_* words (kOffsets), unpack them,
// write CPL_POP. The interrupt: INTR_ENABLE = kIrqAll, and INTR_STATE written with kIrqAll to
// clear it before the FIFO is drained.
inline constexpr uint32_t kIrqAll = (1u << INTR_STATE_DONE.lsb) | (1u << INTR_STATE_ERROR.lsb);
inline bool cpl_valid(uint32_t status) { return STATUS_CPL_VALID.get(status) != 0; }

// Values of a completion that span or interpret its fields.
inline uint64_t busy_pe_cycles(const Completion& c) {
  return uint64_t(c.busy_pe_cycles_hi) << 32 | c.busy_pe_cycles_lo;
}
inline Dataflow ran(const Completion& c) { return Dataflow(int(c.ran)); }

}  // namespace qta::hostif
