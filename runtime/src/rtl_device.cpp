// The Verilated RTL of a configuration as a device: the verification bench of that
// configuration (built through the verify flow, the same model `qta verify` runs) started as a
// server (QTA_RUNTIME_SERVER=1, verif/tb/runtime_server.cpp), requests on its fd 3, replies on
// its fd 4 (qta/hostif/wire.h). Descriptors go to the accelerator's AXI4-Lite port as the host
// interface's register programs (qta/hostif/driver.h): DESC_* words and DOORBELL, the interrupt,
// the CPL_* words and CPL_POP; checked against the VERSION register at start. Its log goes to <work>/runtime/server-<pid>-<hex>.log,
// removed after a clean exit.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "qta/atomic_dir.h"
#include "qta/runtime/device.h"
#include "qta/runtime/runtime.h"
#include "qta/text_io.h"
#include "qta/hostif/driver.h"
#include "qta/hostif/wire.h"
#include "verify_flow.h"

extern char** environ;

namespace qta::runtime {
namespace {

namespace fs = std::filesystem;
using golden::MatI;
namespace wire = qta::hostif::wire;
namespace reg = qta::hostif::reg;

class RtlDevice final : public Device {
 public:
  RtlDevice(const gen::Config& cfg, const RtlDeviceOptions& o) : cfg_(cfg) {
    verif::VerifyOptions vo;
    vo.config = cfg;
    vo.compiler = o.compiler;
    const verif::BenchModel bench = verif::prepare_bench(vo);
    if (bench.rebuilt)
      spdlog::info("rtl device: model built in {:.0f} s wall, {:.0f} CPU-s, peak {:.0f} MB ({})", bench.build_wall_s,
                   bench.build_cpu_s, bench.build_peak_rss_kb / 1024.0, bench.exe.string());
    else
      spdlog::info("rtl device: model up to date ({})", bench.exe.string());
    fs::create_directories(bench.work / "runtime");
    log_ = bench.work / "runtime" / fmt::format("server-{}.log", unique_suffix());
    start(bench, o.seed);
    // The model answers with the description this runtime was compiled from, or nothing works.
    const uint32_t id = reg_read(reg::ID), version = reg_read(reg::VERSION);
    if (id != 0x51544131u || hostif::VERSION_HASH.get(version) != hostif::kHash ||
        hostif::VERSION_INTERFACE.get(version) != hostif::kVersion)
      server_failed(fmt::format("the model's host interface (ID 0x{:08X}, version {}, hash 0x{:04X}) is not the one "
                                "this runtime was built from (version {}, hash 0x{:04X}): rebuild qta",
                                id, hostif::VERSION_INTERFACE.get(version), hostif::VERSION_HASH.get(version),
                                hostif::kVersion, hostif::kHash));
    reg_write(reg::INTR_ENABLE, hostif::kIrqAll);
    submitter_.reset();
  }

  ~RtlDevice() override {
    if (pid_ <= 0) return;
    bool clean = false;
    try {
      wire::WireHeader h;
      h.op = wire::kQuit;
      send(&h, sizeof h);
      expect_ok();
      clean = true;
    } catch (const std::exception& e) {
      spdlog::warn("rtl device: stopping the server: {}", e.what());
    }
    ::close(req_);
    ::close(rep_);
    int st = 0;
    ::waitpid(pid_, &st, 0);
    if (clean && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
      std::error_code ec;
      fs::remove(log_, ec);
    } else {
      spdlog::warn("rtl device: the server exited abnormally; its log: {}", log_.string());
    }
  }

  const gen::Config& config() const override { return cfg_; }
  std::string name() const override { return "rtl"; }
  bool has_dynamic_scale() const override { return true; }

  void write(BufferKind b, uint32_t base, const MatI& x) override {
    wire::WireHeader h;
    h.op = wire::kWrite;
    h.buffer = uint32_t(b);
    h.base = base;
    h.count = uint64_t(x.size());
    send(&h, sizeof h);
    send(x.data.data(), x.data.size() * sizeof(int32_t));
    expect_ok();
  }

  MatI read(BufferKind b, uint32_t base, int64_t rows, int64_t cols) override {
    wire::WireHeader h;
    h.op = wire::kRead;
    h.buffer = uint32_t(b);
    h.base = base;
    h.count = uint64_t(rows * cols);
    send(&h, sizeof h);
    expect_ok();
    MatI x(rows, cols);
    receive(x.data.data(), x.data.size() * sizeof(int32_t));
    return x;
  }

  DeviceCompletion run(const DeviceDescriptor& d) override {
    for (const hostif::RegWrite& w : submitter_.program(d)) reg_write(w.offset, w.data);
    // Completion: the interrupt, then (INTR_STATE cleared first) the head of the completion FIFO.
    wire::WireHeader h;
    h.op = wire::kWaitIrq;
    h.count = uint64_t(budget(d));
    send(&h, sizeof h);
    expect_ok();
    reg_write(reg::INTR_STATE, hostif::kIrqAll);
    if (!hostif::cpl_valid(reg_read(reg::STATUS)))
      server_failed("the interrupt rose with an empty completion FIFO");
    std::array<uint32_t, DeviceCompletion::kWords> w{};
    for (int i = 0; i < DeviceCompletion::kWords; ++i) w[size_t(i)] = reg_read(DeviceCompletion::kOffsets[size_t(i)]);
    reg_write(reg::CPL_POP, 1);
    const DeviceCompletion c = DeviceCompletion::unpack(w);
    if (c.id != d.id) server_failed(fmt::format("completion of descriptor {} while {} was running", c.id, d.id));
    return c;
  }

 private:
  void start(const verif::BenchModel& bench, uint64_t seed) {
    ::signal(SIGPIPE, SIG_IGN);  // a dead server is an error reply, not a signal
    int req[2], rep[2];
    if (::pipe2(req, O_CLOEXEC) != 0 || ::pipe2(rep, O_CLOEXEC) != 0)
      throw std::runtime_error(std::string("rtl device: pipe: ") + std::strerror(errno));
    // Above the descriptors dup2 targets, so that no source equals its target.
    const int child_req = ::fcntl(req[0], F_DUPFD_CLOEXEC, 10), child_rep = ::fcntl(rep[1], F_DUPFD_CLOEXEC, 10);
    ::close(req[0]);
    ::close(rep[1]);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, child_req, 3);
    posix_spawn_file_actions_adddup2(&fa, child_rep, 4);
    posix_spawn_file_actions_addopen(&fa, 1, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    std::vector<std::string> env_text;
    for (char** e = environ; *e; ++e) {
      const std::string kv = *e;
      if (kv.rfind("QTA_GEN_DIR=", 0) == 0 || kv.rfind("QTA_RUNTIME_SERVER=", 0) == 0 || kv.rfind("COCOTB_", 0) == 0)
        continue;
      env_text.push_back(kv);
    }
    env_text.push_back("QTA_GEN_DIR=" + bench.gen_dir.string());
    env_text.push_back("QTA_RUNTIME_SERVER=1");
    env_text.push_back("COCOTB_LOG_LEVEL=WARNING");
    // Registers start from random values (X-randomized reset), seeded from the run seed.
    std::vector<std::string> argv_text = {bench.exe.string(), "+verilator+rand+reset+2",
                                          fmt::format("+verilator+seed+{}", seed % 0x7ffffffeu + 1)};
    std::vector<char*> argv, envp;
    for (auto& s : argv_text) argv.push_back(s.data());
    argv.push_back(nullptr);
    for (auto& s : env_text) envp.push_back(s.data());
    envp.push_back(nullptr);
    const int rc = posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    ::close(child_req);
    ::close(child_rep);
    if (rc != 0) {
      ::close(req[1]);
      ::close(rep[0]);
      pid_ = 0;
      throw std::runtime_error(fmt::format("rtl device: cannot start {}: {}", argv_text[0], std::strerror(rc)));
    }
    req_ = req[1];
    rep_ = rep[0];
    spdlog::debug("rtl device: server pid {} ({}), log {}", pid_, argv_text[0], log_.string());
  }

  [[noreturn]] void server_failed(const std::string& what) {
    throw std::runtime_error(fmt::format("rtl device: {}; last lines of the server's log {}:\n{}", what, log_.string(),
                                         tail_lines(log_, 20, "  ")));
  }

  void send(const void* p, size_t n) {
    const char* b = static_cast<const char*>(p);
    while (n > 0) {
      const ssize_t put = ::write(req_, b, n);
      if (put < 0) {
        if (errno == EINTR) continue;
        server_failed(std::string("the server does not take requests (") + std::strerror(errno) + ")");
      }
      b += put;
      n -= size_t(put);
    }
  }

  void receive(void* p, size_t n) {
    char* b = static_cast<char*>(p);
    while (n > 0) {
      const ssize_t got = ::read(rep_, b, n);
      if (got == 0) server_failed("the server exited");
      if (got < 0) {
        if (errno == EINTR) continue;
        server_failed(std::string("reading its reply: ") + std::strerror(errno));
      }
      b += got;
      n -= size_t(got);
    }
  }

  // The reply's count (a register value, a response code), or the server's error as an exception.
  uint64_t expect_ok() {
    wire::WireHeader h;
    receive(&h, sizeof h);
    if (h.op == wire::kOk) return h.count;
    if (h.op == wire::kError) {
      std::string msg(size_t(h.count), '\0');
      receive(msg.data(), msg.size());
      throw std::runtime_error("rtl device: the server refused a request: " + msg);
    }
    server_failed(fmt::format("unexpected reply {}", h.op));
  }

  // One register access on the AXI4-Lite port; anything but OKAY is a runtime bug.
  void reg_write(uint32_t offset, uint32_t data) {
    wire::WireHeader h;
    h.op = wire::kRegWrite;
    h.base = offset;
    h.count = data;
    send(&h, sizeof h);
    const uint64_t resp = expect_ok();
    if (resp != 0) server_failed(fmt::format("the write of 0x{:08X} to register 0x{:03X} answered {}", data, offset, resp));
  }
  uint32_t reg_read(uint32_t offset) {
    wire::WireHeader h;
    h.op = wire::kRegRead;
    h.base = offset;
    send(&h, sizeof h);
    const uint64_t v = expect_ok();
    if ((v >> 32) != 0) server_failed(fmt::format("the read of register 0x{:03X} answered {}", offset, v >> 32));
    return uint32_t(v);
  }
  // Cycles a descriptor may take (generous: a hang is reported, never waited for).
  int64_t budget(const DeviceDescriptor& d) const {
    const perf::Gemm g{std::max<int64_t>(d.m, 1), std::max<int64_t>(d.n, 1), std::max<int64_t>(d.k, 1)};
    return 4 * predicted_descriptor_cycles(g, cfg_, d.dynamic_scale != 0, Dataflow::OS) + 2 * g.m * g.n + 10000;
  }

  gen::Config cfg_;
  fs::path log_;
  pid_t pid_ = 0;
  int req_ = -1, rep_ = -1;
  hostif::Submitter submitter_;
};

}  // namespace

std::unique_ptr<Device> make_rtl_device(const gen::Config& cfg, const RtlDeviceOptions& o) {
  return std::make_unique<RtlDevice>(cfg, o);
}

}  // namespace qta::runtime
