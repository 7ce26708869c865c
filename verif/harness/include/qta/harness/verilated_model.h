// Adapts a Verilator-generated model class (e.g. Vcounter) to the harness, and QTA_TEST_MAIN.
// Include this only in the test executable's source that defines main(): it needs verilated.h.
#pragma once

#include <verilated.h>
#include <verilated_syms.h>
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
  Signal find_signal(const std::string& path) override {
    const VerilatedScopeNameMap* scopes = ctx_->scopeNameMap();
    std::string top_scope;  // "TOP.<toplevel module>"
    if (scopes)
      for (const auto& [name, scope] : *scopes) {
        const std::string n(name);
        if (n.rfind("TOP.", 0) == 0 && n != "TOP.TOP" && n.find('.', 4) == std::string::npos) {
          top_scope = n;
          break;
        }
      }
    const auto dot = path.rfind('.');
    const std::string var = dot == std::string::npos ? path : path.substr(dot + 1);
    const std::string scope_name =
        top_scope + (dot == std::string::npos ? std::string() : "." + path.substr(0, dot));
    const VerilatedScope* scope = nullptr;
    if (scopes && !top_scope.empty()) {
      auto it = scopes->find(scope_name.c_str());
      if (it != scopes->end()) scope = it->second;
    }
    VerilatedVar* v = scope ? scope->varFind(var.c_str()) : nullptr;
    if (!v)
      throw std::invalid_argument("signal '" + path + "' not found in " +
                                  (top_scope.empty() ? std::string("the model") : top_scope) +
                                  ": verilate with --public-flat-rw (qta_harness_verilate ... PUBLIC) "
                                  "or mark it /*verilator public*/");
    if (v->udims() > 0 || v->dims() - v->udims() > 1)
      throw std::invalid_argument("signal '" + path + "' is an array: only scalars and vectors are handles");
    const int width = v->dims() == 0 ? 1 : std::abs(v->packed().left() - v->packed().right()) + 1;
    Signal::Storage st;
    switch (v->vltype()) {
      case VLVT_UINT8: st = Signal::Storage::u8; break;
      case VLVT_UINT16: st = Signal::Storage::u16; break;
      case VLVT_UINT32: st = Signal::Storage::u32; break;
      case VLVT_UINT64: st = Signal::Storage::u64; break;
      case VLVT_WDATA: st = Signal::Storage::wide; break;
      default: throw std::invalid_argument("signal '" + path + "' is not an integral variable");
    }
    return Signal::from_storage(v->datap(), st, width, path);
  }

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
