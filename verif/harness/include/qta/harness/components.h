// Reusable verification components (cocotb-bus style): Driver and Monitor bases, a valid/ready
// stream driver and monitor, and the sampling convention they share.
//
// Convention: the testbench writes right after a rising clock edge; the design's outputs have
// settled by that time step's ReadOnly phase. A handshake "valid && ready" seen in ReadOnly
// therefore completes at the next rising edge, which is where the driver and the monitor count it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "qta/harness/log.h"
#include "qta/harness/signal.h"
#include "qta/harness/sync.h"
#include "qta/harness/task.h"
#include "qta/harness/triggers.h"

namespace qta::harness {

// Drives transactions of type T in order. Subclasses implement drive(); start() launches the
// loop that takes items from the internal queue.
template <class T>
class Driver {
 public:
  explicit Driver(std::string name) : name_(std::move(name)), log_(logger("qta." + name_)) {}
  virtual ~Driver() { stop(); }
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  void start() {
    if (!task_.valid()) task_ = start_soon(run(), name_);
  }
  void stop() noexcept {
    try {
      if (task_.valid() && !task_.done() && Scheduler::current_or_null()) task_.cancel();
    } catch (...) {
    }
  }
  // Queues an item (cocotb-bus: Driver.append).
  void append(T item) {
    start();
    pending_.put_nowait(std::move(item));
    ++queued_;
  }
  // Queues an item and waits until it has been driven (cocotb-bus: await driver.send(item)).
  Task<> send(T item) {
    const std::size_t target = queued_ + 1;
    append(std::move(item));
    while (sent_ < target) co_await progress_.wait();
  }
  // Waits until every queued item has been driven.
  Task<> wait_idle() {
    while (sent_ < queued_) co_await progress_.wait();
  }
  std::size_t sent() const { return sent_; }
  const std::string& name() const { return name_; }

 protected:
  virtual Task<> drive(const T& item) = 0;
  virtual Task<> idle() { co_return; }  // called when the queue runs empty
  spdlog::logger& log() { return *log_; }

 private:
  Task<> run() {
    for (;;) {
      if (pending_.empty()) co_await idle();
      T item = co_await pending_.get();
      co_await drive(item);
      ++sent_;
      progress_.set();
      progress_.clear();
    }
  }
  std::string name_;
  std::shared_ptr<spdlog::logger> log_;
  Queue<T> pending_;
  Event progress_;
  std::size_t queued_ = 0, sent_ = 0;
  Task<> task_;
};

// Observes transactions of type T. Subclasses implement monitor() and call emit() per item;
// observers get callbacks, and every item also lands in received() (a Queue).
template <class T>
class Monitor {
 public:
  explicit Monitor(std::string name) : name_(std::move(name)), log_(logger("qta." + name_)) {}
  virtual ~Monitor() { stop(); }
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;

  void start() {
    if (!task_.valid()) task_ = start_soon(monitor(), name_);
  }
  void stop() noexcept {
    try {
      if (task_.valid() && !task_.done() && Scheduler::current_or_null()) task_.cancel();
    } catch (...) {
    }
  }
  void add_callback(std::function<void(const T&)> cb) { callbacks_.push_back(std::move(cb)); }
  Queue<T>& received() { return received_; }
  std::size_t count() const { return count_; }
  const std::string& name() const { return name_; }

 protected:
  virtual Task<> monitor() = 0;
  void emit(const T& item) {
    ++count_;
    for (auto& cb : callbacks_) cb(item);
    received_.put_nowait(item);
  }
  spdlog::logger& log() { return *log_; }

 private:
  std::string name_;
  std::shared_ptr<spdlog::logger> log_;
  std::vector<std::function<void(const T&)>> callbacks_;
  Queue<T> received_;
  std::size_t count_ = 0;
  Task<> task_;
};

// The signals of one valid/ready stream.
struct StreamBus {
  Signal clk, valid, ready, data;
};

// A stream word: uint64_t for data up to 64 bits, Words (32-bit words, least significant first)
// for any width.
using Words = std::vector<uint32_t>;

namespace detail {
inline void put_data(const Signal& s, uint64_t v) { s.set(v); }
inline void put_data(const Signal& s, const Words& v) { s.set_words(v); }
template <class T>
T get_data(const Signal& s) {
  if constexpr (std::is_same_v<T, Words>)
    return s.words();
  else
    return s.value();
}
}  // namespace detail

// Drives items onto a valid/ready stream as the source: raises valid with the data right after a
// rising edge, holds both until the edge where ready was high, then moves on (back-to-back when
// items are queued). `gap_cycles()` idle cycles with valid low go before each item when set.
template <class T>
class BasicStreamDriver : public Driver<T> {
 public:
  BasicStreamDriver(std::string name, StreamBus bus) : Driver<T>(std::move(name)), bus_(std::move(bus)) {}
  std::function<unsigned()> gap_cycles;  // optional: idle cycles before each item

 protected:
  Task<> drive(const T& item) override {
    if (gap_cycles) {
      for (unsigned gap = gap_cycles(); gap > 0; --gap) {
        bus_.valid.set(0);
        co_await RisingEdge(bus_.clk);
      }
    }
    bus_.valid.set(1);
    detail::put_data(bus_.data, item);
    for (;;) {
      co_await ReadOnly();
      const bool accepted = bus_.ready.value() != 0;
      co_await RisingEdge(bus_.clk);
      if (accepted) break;
    }
  }
  Task<> idle() override {
    bus_.valid.set(0);
    co_return;
  }

 private:
  StreamBus bus_;
};

// Monitors a valid/ready stream: emits `data` for every cycle with valid && ready.
template <class T>
class BasicStreamMonitor : public Monitor<T> {
 public:
  BasicStreamMonitor(std::string name, StreamBus bus) : Monitor<T>(std::move(name)), bus_(std::move(bus)) {}

 protected:
  Task<> monitor() override {
    for (;;) {
      co_await ReadOnly();
      const bool fire = bus_.valid.value() && bus_.ready.value();
      T data = detail::get_data<T>(bus_.data);
      co_await RisingEdge(bus_.clk);
      if (fire) this->emit(data);
    }
  }

 private:
  StreamBus bus_;
};

using StreamDriver = BasicStreamDriver<uint64_t>;     // data up to 64 bits
using StreamMonitor = BasicStreamMonitor<uint64_t>;
using WideStreamDriver = BasicStreamDriver<Words>;    // any data width
using WideStreamMonitor = BasicStreamMonitor<Words>;

// Drives `ready` of a sink: each cycle ready is high with probability `ready_percent`/100,
// drawn from `rng` (reproducible from the test seed).
Task<> drive_ready(Signal clk, Signal ready, unsigned ready_percent, std::function<uint64_t()> rng);

}  // namespace qta::harness
