// The bench as the host runtime's accelerator (qta train --backend rtl): with QTA_RUNTIME_SERVER=1
// the bench binary runs no test; it starts qta_top with the Accel driver (clock, reset, the
// AXI4-Lite master and protocol checker, no completion monitor: the host takes completions
// itself) and serves the requests of runtime/src/rtl_device.cpp on file descriptors 3 (requests)
// and 4 (replies), protocol in hostif/include/qta/hostif/wire.h: buffer writes and reads through
// the DPI-C backdoor (zero simulation time), register reads and writes on the AXI4-Lite port and
// waits for the interrupt on the simulated clock. The host runs the driver's register programs
// (qta/hostif/driver.h), so the descriptor and completion fields never pass through here.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "accel.h"
#include "runtime_server.h"
#include "qta/hostif/wire.h"

namespace qta::verif {
namespace {

namespace wire = qta::hostif::wire;

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

Task<> serve(harness::Dut& dut) {
  Accel acc(dut);
  co_await acc.start(/*monitor=*/false);
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
    } else if (h.op == wire::kRegWrite) {
      const uint32_t resp = co_await acc.write_reg(h.base, uint32_t(h.count));
      reply(wire::kOk, resp);
    } else if (h.op == wire::kRegRead) {
      const auto [data, resp] = co_await acc.read_reg_resp(h.base);
      reply(wire::kOk, uint64_t(data) | uint64_t(resp) << 32);
    } else if (h.op == wire::kWaitIrq) {
      uint64_t waited = 0;
      while (!acc.irq().value() && waited < h.count) {
        co_await harness::RisingEdge(acc.clk());
        ++waited;
      }
      if (!acc.irq().value()) {
        reply_error("no interrupt within " + std::to_string(h.count) + " cycles (busy_o = " +
                    std::to_string(int(acc.busy())) + ")");
        continue;
      }
      reply(wire::kOk, waited);
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
