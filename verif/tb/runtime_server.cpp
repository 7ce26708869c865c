// The bench as the host runtime's accelerator (qta train --backend rtl): with QTA_RUNTIME_SERVER=1
// the bench binary runs no test; it starts qta_top with the Accel driver (clock, reset,
// completion monitor) and serves the requests of runtime/src/rtl_device.cpp on file descriptors
// 3 (requests) and 4 (replies), protocol in verif/src/runtime_wire.h: buffer writes and reads
// through the DPI-C backdoor (zero simulation time), descriptors submitted and completed on the
// simulated clock. Simulation time only advances inside kRun, so the cycles a completion reports
// are the hardware's own.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "accel.h"
#include "runtime_server.h"
#include "runtime_wire.h"

namespace qta::verif {
namespace {

using harness::Task;
constexpr int kRequestFd = 3, kReplyFd = 4;

void read_exact(void* p, size_t n) {
  auto* b = static_cast<char*>(p);
  while (n > 0) {
    const ssize_t got = ::read(kRequestFd, b, n);
    if (got == 0) throw std::runtime_error("runtime server: the host closed the request pipe");
    if (got < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("runtime server: read: ") + std::strerror(errno));
    }
    b += got;
    n -= size_t(got);
  }
}

void write_exact(const void* p, size_t n) {
  const auto* b = static_cast<const char*>(p);
  while (n > 0) {
    const ssize_t put = ::write(kReplyFd, b, n);
    if (put < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("runtime server: write: ") + std::strerror(errno));
    }
    b += put;
    n -= size_t(put);
  }
}

void reply(wire::Op op, uint64_t count = 0) {
  wire::WireHeader h;
  h.op = op;
  h.count = count;
  write_exact(&h, sizeof h);
}

void reply_error(const std::string& message) {
  reply(wire::kError, message.size());
  write_exact(message.data(), message.size());
}

Buffer buffer_of(uint32_t id) {
  switch (id) {
    case wire::kInput: return Buffer::Input;
    case wire::kWeight: return Buffer::Weight;
    case wire::kOutput: return Buffer::Output;
  }
  throw std::runtime_error("runtime server: unknown buffer id " + std::to_string(id));
}

// The driver's descriptor has the scale mode once the RTL has dynamic scales (issue 13);
// until then a dynamic request is refused, so the host falls back to explicit descriptors.
template <class D>
constexpr bool has_dynamic_scale_field = requires(D d) { d.dynamic_scale; };

template <class D>
bool set_scale_mode(D& d, bool dynamic) {
  if constexpr (has_dynamic_scale_field<D>) {
    d.dynamic_scale = dynamic;
    return true;
  } else {
    return !dynamic;
  }
}

template <class C>
void copy_multiplier(const C& c, wire::WireCompletion& w) {
  if constexpr (requires(C x) { x.m0; x.shift; }) {
    w.m0 = uint32_t(c.m0);
    w.shift = uint32_t(c.shift);
  }
}

Task<> serve(harness::Dut& dut) {
  Accel acc(dut);
  co_await acc.start();
  for (;;) {
    wire::WireHeader h;
    read_exact(&h, sizeof h);
    if (h.op == wire::kQuit) {
      reply(wire::kOk);
      co_return;
    }
    if (h.op == wire::kWrite) {
      golden::MatI words(1, int64_t(h.count));
      read_exact(words.data.data(), words.data.size() * sizeof(int32_t));
      const Buffer b = buffer_of(h.buffer);
      if (int64_t(h.base) + int64_t(h.count) > acc.buffer_depth(b)) {
        reply_error("write beyond the " + std::string(buffer_name(b)) + " buffer");
        continue;
      }
      co_await acc.write_buffer(b, h.base, words);
      reply(wire::kOk);
    } else if (h.op == wire::kRead) {
      const Buffer b = buffer_of(h.buffer);
      if (int64_t(h.base) + int64_t(h.count) > acc.buffer_depth(b)) {
        reply_error("read beyond the " + std::string(buffer_name(b)) + " buffer");
        continue;
      }
      const golden::MatI words = co_await acc.read_buffer(b, h.base, 1, int64_t(h.count));
      reply(wire::kOk, h.count);
      write_exact(words.data.data(), words.data.size() * sizeof(int32_t));
    } else if (h.op == wire::kRun) {
      wire::WireDescriptor w;
      read_exact(&w, sizeof w);
      Descriptor d;
      d.id = uint8_t(w.id);
      d.m = w.m;
      d.n = w.n;
      d.k = w.k;
      d.a_base = w.a_base;
      d.b_base = w.b_base;
      d.c_base = w.c_base;
      d.q_base = w.q_base;
      d.lda = w.lda;
      d.ldb = w.ldb;
      d.a_trans = w.a_trans != 0;
      d.b_trans = w.b_trans != 0;
      d.dataflow = int(w.dataflow);
      d.rounding = w.rounding ? golden::Rounding::SR : golden::Rounding::RNE;
      d.m0 = w.m0;
      d.shift = int(w.shift);
      d.sr_seed = w.sr_seed;
      if (!set_scale_mode(d, w.dynamic_scale != 0)) {
        reply_error("this RTL has no dynamic scale mode (desc_scale_mode_i)");
        continue;
      }
      co_await acc.submit(d);
      const Completion c = co_await acc.wait_done(acc.cycle_budget(d.m, d.n, d.k) + 1000);
      wire::WireCompletion r;
      r.id = c.id;
      r.error = uint32_t(c.error);
      r.os = c.os;
      r.cycles = c.cycles;
      r.compute_cycles = c.compute_cycles;
      r.busy_pe_cycles = c.busy_pe_cycles;
      r.amax = c.amax;
      copy_multiplier(c, r);
      reply(wire::kOk);
      write_exact(&r, sizeof r);
    } else if (h.op == wire::kStatus) {
      wire::WireStatus s;
      s.cycles = acc.status("cycles");
      s.compute_cycles = acc.status("compute");
      s.busy_pe_cycles = acc.status("busy_pe");
      s.gemm_count = acc.status("gemm_count");
      s.error_count = acc.status("error_count");
      s.has_dynamic_scale = has_dynamic_scale_field<Descriptor>;
      reply(wire::kOk);
      write_exact(&s, sizeof s);
    } else {
      reply_error("unknown request " + std::to_string(h.op));
    }
  }
}

}  // namespace

int serve_runtime(const harness::ModelFactory& factory, int argc, char** argv) {
  try {
    harness::init_logging();
    harness::ModelOptions mo;
    mo.seed = 1;
    mo.argc = argc;
    mo.argv = argv;
    std::unique_ptr<harness::SimModel> model = factory(mo);
    harness::Scheduler sched(*model);
    harness::Dut dut(*model, "runtime_server", "qta_top", mo.seed, harness::logger("qta.runtime_server"));
    Task<> task = serve(dut);
    task.base().name = "runtime_server";
    const std::exception_ptr error = sched.run(task.base(), 0);
    model->finish();
    if (error) std::rethrow_exception(error);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "runtime server: %s\n", e.what());
    return 1;
  }
}

}  // namespace qta::verif
