// The byte protocol between the host runtime's RTL device (runtime/src/rtl_device.cpp) and the
// test bench serving it (verif/tb/runtime_server.cpp): the bench binary of a configuration,
// started with QTA_RUNTIME_SERVER=1, reads requests from file descriptor 3 and writes replies to
// file descriptor 4. The protocol is the accelerator's own interface: register reads and writes
// on its AXI4-Lite port (the runtime runs the driver's register programs, qta/hostif/driver.h),
// a wait for its interrupt, and the buffer backdoor (until the DMA moves tensors). Both ends are
// built from this header on the same machine, so the header goes over the pipe as it is in
// memory (native byte order, fixed-width members, static_asserted size).
//
//   request                              payload          reply
//   kWrite    {buffer, base, count}      count int32      kOk
//   kRead     {buffer, base, count}      -                kOk, count int32 words
//   kRegWrite {addr = offset, count = data}  -            kOk with count = BRESP
//   kRegRead  {addr = offset}            -                kOk with count = RDATA | RRESP << 32
//   kWaitIrq  {count = cycles}           -                kOk with count = cycles waited, or
//                                                         kError when irq_o stayed low
//   kQuit     {}                         -                kOk, then the bench exits 0
// Any reply may instead be kError with a WireHeader whose count is the length of a message.
#pragma once

#include <cstdint>

namespace qta::hostif::wire {

enum Op : uint32_t {
  kWrite = 1,
  kRead = 2,
  kRegWrite = 3,
  kRegRead = 4,
  kWaitIrq = 5,
  kQuit = 6,
  kOk = 100,
  kError = 101
};
enum BufferId : uint32_t { kInput = 0, kWeight = 1, kOutput = 2 };

struct WireHeader {
  uint32_t op = 0;
  uint32_t buffer = 0;
  uint32_t base = 0;  // buffer word address, or register byte offset
  uint32_t reserved = 0;
  uint64_t count = 0;
};
static_assert(sizeof(WireHeader) == 24);

}  // namespace qta::hostif::wire
