// Adapts a Verilator-generated model class (e.g. Vcounter) to the harness, and QTA_TEST_MAIN.
// Include this only in the test executable's source that defines main(): it needs verilated.h.
#pragma once

#include <verilated.h>
#if VM_TRACE_FST
#include <verilated_fst_c.h>
#endif

#include <memory>
#include <stdexcept>
#include <string>

#include "qta/harness/dut.h"
#include "qta/harness/runner.h"

namespace qta::harness {

template <class M>
class VerilatedModelOf final : public SimModel {
 public:
  explicit VerilatedModelOf(const ModelOptions& o) : ctx_(std::make_unique<VerilatedContext>()) {
    ctx_->commandArgs(o.argc, o.argv);
    ctx_->fatalOnError(false);  // $stop / failed assertions fail the test instead of aborting
    if (!ctx_->commandArgsPlusMatch("verilator+seed+")[0]) ctx_->randSeed(static_cast<int>(o.seed));
#if VM_TRACE_FST
    if (!o.waves_path.empty()) ctx_->traceEverOn(true);
#endif
    model_ = std::make_unique<M>(ctx_.get(), "TOP");
    if (!o.waves_path.empty()) {
#if VM_TRACE_FST
      trace_ = std::make_unique<VerilatedFstC>();
      model_->trace(trace_.get(), 99);
      trace_->open(o.waves_path.c_str());
#else
      throw std::invalid_argument(
          "WAVES=1, but this model was verilated without --trace-fst (TRACE_FST in CMake)");
#endif
    }
  }
  ~VerilatedModelOf() override { finish(); }

  void eval() override { model_->eval(); }
  void set_time(uint64_t steps) override { ctx_->time(steps); }
  void dump(uint64_t steps) override {
#if VM_TRACE_FST
    if (trace_) trace_->dump(steps);
#else
    (void)steps;
#endif
  }
  int precision_exponent() const override { return ctx_->timeprecision(); }
  std::string finish_reason() override {
    if (ctx_->gotError()) return "$stop, $error or a failed assertion";
    if (ctx_->gotFinish()) return "$finish";
    return {};
  }
  void* top() override { return model_.get(); }
  const std::type_info& top_type() const override { return typeid(M); }
  VerilatedContext& context() override { return *ctx_; }
  void finish() override {
    if (finished_) return;
    finished_ = true;
    model_->final();
#if VM_TRACE_FST
    if (trace_) trace_->close();
#endif
  }

 private:
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<M> model_;
#if VM_TRACE_FST
  std::unique_ptr<VerilatedFstC> trace_;
#endif
  bool finished_ = false;
};

template <class M>
int run_tests(int argc, char** argv, const std::string& toplevel) {
  return run_regression(
      [](const ModelOptions& o) -> std::unique_ptr<SimModel> {
        return std::make_unique<VerilatedModelOf<M>>(o);
      },
      toplevel, argc, argv);
}

}  // namespace qta::harness

// Defines main() running every QTA_TEST of the executable on model class `Model`.
#define QTA_TEST_MAIN(Model) \
  int main(int argc, char** argv) { return ::qta::harness::run_tests<Model>(argc, argv, #Model); }
