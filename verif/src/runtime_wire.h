// The byte protocol between the host runtime's RTL device (runtime/src/rtl_device.cpp) and the
// test bench serving it (verif/tb/runtime_server.cpp): the bench binary of a configuration,
// started with QTA_RUNTIME_SERVER=1, reads requests from file descriptor 3 and writes replies to
// file descriptor 4. Both ends are built from this header on the same machine, so the structs go
// over the pipe as they are in memory (native byte order, no padding surprises: fixed-width
// members, static_asserted sizes).
//
//   request                       payload after the header      reply
//   kWrite  {buffer, base, count}  count int32 words             kOk
//   kRead   {buffer, base, count}  -                             kOk, count int32 words
//   kRun    {}                     WireDescriptor                kOk, WireCompletion
//   kStatus {}                     -                             kOk, WireStatus
//   kQuit   {}                     -                             kOk, then the bench exits 0
// Any reply may instead be kError with a WireHeader whose count is the length of a message.
#pragma once

#include <cstdint>

namespace qta::verif::wire {

enum Op : uint32_t { kWrite = 1, kRead = 2, kRun = 3, kStatus = 4, kQuit = 5, kOk = 100, kError = 101 };
enum BufferId : uint32_t { kInput = 0, kWeight = 1, kOutput = 2 };

struct WireHeader {
  uint32_t op = 0;
  uint32_t buffer = 0;
  uint32_t base = 0;
  uint32_t reserved = 0;
  uint64_t count = 0;
};
static_assert(sizeof(WireHeader) == 24);

struct WireDescriptor {
  uint32_t m = 0, n = 0, k = 0;
  uint32_t a_base = 0, b_base = 0, c_base = 0, q_base = 0;
  uint32_t lda = 0, ldb = 0;
  uint32_t a_trans = 0, b_trans = 0;
  uint32_t dataflow = 2;      // qta::Dataflow encoding (2 AUTO)
  uint32_t rounding = 0;      // 0 RNE, 1 SR
  uint32_t dynamic_scale = 0; // 1: the hardware derives m0/shift from its own amax
  uint32_t m0 = 0;
  uint32_t shift = 0;
  uint32_t sr_seed = 1;
  uint32_t id = 0;
};
static_assert(sizeof(WireDescriptor) == 18 * 4);

struct WireCompletion {
  uint32_t id = 0;
  uint32_t error = 0;
  uint32_t os = 0;
  uint32_t cycles = 0;
  uint32_t compute_cycles = 0;
  uint32_t m0 = 0;             // the multiplier the quantizer used (dynamic: derived from amax)
  uint32_t shift = 0;
  uint32_t reserved = 0;
  uint64_t busy_pe_cycles = 0;
  int64_t amax = 0;
};
static_assert(sizeof(WireCompletion) == 48);

struct WireStatus {
  uint64_t cycles = 0, compute_cycles = 0, busy_pe_cycles = 0, gemm_count = 0, error_count = 0;
  uint64_t has_dynamic_scale = 0;  // the bench drives desc_scale_mode_i
};
static_assert(sizeof(WireStatus) == 48);

}  // namespace qta::verif::wire
