// Dut: what a test receives (cocotb: the `dut` argument). Owns nothing itself: the runner creates
// a fresh Verilator context and model for every test and hands them over through this object.
#pragma once

#include <spdlog/spdlog.h>

#include <cstdint>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <typeinfo>

#include "qta/harness/scheduler.h"
#include "qta/harness/signal.h"

class VerilatedContext;

namespace qta::harness {

// A Verilator model behind the scheduler's Model interface (see verilated_model.h).
class SimModel : public Model {
 public:
  virtual void* top() = 0;
  virtual const std::type_info& top_type() const = 0;
  virtual VerilatedContext& context() = 0;
  virtual void finish() = 0;  // model->final(), close the trace
  // A signal by hierarchical name below the toplevel ("count_q", "u_sub.state_q"); needs a model
  // verilated with --public-flat-rw (or the signal marked /*verilator public*/).
  virtual Signal find_signal(const std::string& path) = 0;
};

class Dut {
 public:
  Dut(SimModel& model, std::string test_name, std::string toplevel, uint32_t seed,
      std::shared_ptr<spdlog::logger> log)
      : model_(model),
        test_name_(std::move(test_name)),
        toplevel_(std::move(toplevel)),
        seed_(seed),
        rng_(seed),
        log_(std::move(log)) {}

  // The Verilator model, e.g. dut.top<Vcounter>(). Throws std::logic_error on the wrong type.
  template <class M>
  M& top() {
    if (model_.top_type() != typeid(M))
      throw std::logic_error(std::string("dut.top<") + typeid(M).name() +
                             ">(): the model of this run is " + model_.top_type().name());
    return *static_cast<M*>(model_.top());
  }
  // A signal handle on one model member: dut.signal(top.count_o, "count_o", 4).
  template <class S>
  Signal signal(S& storage, std::string name, int width) {
    return Signal(storage, std::move(name), width);
  }

  // A signal by name, cocotb's dut.count_q / dut.u_sub.state_q (see SimModel::find_signal).
  Signal operator[](const std::string& path) { return model_.find_signal(path); }

  const std::string& test_name() const { return test_name_; }
  const std::string& toplevel() const { return toplevel_; }
  // This test's seed (derived from the run seed and the test name); also Verilator's randSeed.
  uint32_t seed() const { return seed_; }
  std::mt19937_64& rng() { return rng_; }
  spdlog::logger& log() { return *log_; }
  VerilatedContext& context() { return model_.context(); }
  double now_ns() const { return Scheduler::current().now_ns(); }

 private:
  SimModel& model_;
  std::string test_name_;
  std::string toplevel_;
  uint32_t seed_;
  std::mt19937_64 rng_;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace qta::harness
