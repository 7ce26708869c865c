// The accelerator test binary: every QTA_TEST of verif/tb on the generated qta_top, run by the
// harness's regression runner (cocotb's environment contract, results.xml, summary table).
// Built per configuration by `qta verify` (verif/README.md).
//
// Code coverage: when the model is verilated with --coverage and $QTA_CODE_COVERAGE_DIR is set,
// every test's context writes its counters to <dir>/test_<n>.dat at the end of the test;
// `qta verify --code-coverage` merges them with verilator_coverage.
#include <verilated.h>
#if VM_COVERAGE
#include <verilated_cov.h>
#endif

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "Vqta_top.h"
#include "qta/harness/verilated_model.h"
#include "accel.h"
#include "runtime_server.h"
#include "tb_coverage.h"

namespace qta::verif {
Coverage& run_coverage() {
  // The configuration's column and row groups decide whether the WSC and WSR bins exist.
  static Coverage cov = [] {
    const gen::Config cfg = load_accel_config();
    return Coverage(cfg->cols, cfg->col_groups, cfg->rows, cfg->row_groups);
  }();
  return cov;
}

namespace {
// Decorates the harness's model to write the context's code coverage when the test ends.
class CoverageWritingModel final : public harness::SimModel {
 public:
  explicit CoverageWritingModel(const harness::ModelOptions& o)
      : inner_(std::make_unique<harness::VerilatedModelOf<Vqta_top>>(o)) {}
  ~CoverageWritingModel() override { finish(); }
  void eval() override { inner_->eval(); }
  void set_time(uint64_t steps) override { inner_->set_time(steps); }
  void dump(uint64_t steps) override { inner_->dump(steps); }
  int precision_exponent() const override { return inner_->precision_exponent(); }
  std::string finish_reason() override { return inner_->finish_reason(); }
  void* top() override { return inner_->top(); }
  const std::type_info& top_type() const override { return inner_->top_type(); }
  VerilatedContext& context() override { return inner_->context(); }
  harness::Signal find_signal(const std::string& path) override { return inner_->find_signal(path); }
  void finish() override {
    if (finished_) return;
    finished_ = true;
    inner_->finish();
#if VM_COVERAGE
    if (const char* dir = std::getenv("QTA_CODE_COVERAGE_DIR")) {
      static std::atomic<int> counter{0};
      std::filesystem::create_directories(dir);
      const std::string path = std::string(dir) + "/test_" + std::to_string(counter++) + ".dat";
      inner_->context().coveragep()->write(path.c_str());
    }
#endif
  }

 private:
  std::unique_ptr<harness::VerilatedModelOf<Vqta_top>> inner_;
  bool finished_ = false;
};
}  // namespace
}  // namespace qta::verif

int main(int argc, char** argv) {
  const qta::harness::ModelFactory factory =
      [](const qta::harness::ModelOptions& o) -> std::unique_ptr<qta::harness::SimModel> {
    return std::make_unique<qta::verif::CoverageWritingModel>(o);
  };
  // The host runtime's accelerator (qta train --backend rtl): serve its requests, run no test.
  if (const char* serve = std::getenv("QTA_RUNTIME_SERVER"); serve && std::string(serve) == "1")
    return qta::verif::serve_runtime(factory, argc, argv);
  const int rc = qta::harness::run_regression(factory, "qta_top", argc, argv);
  if (const char* path = std::getenv("QTA_COVERAGE_FILE")) {
    std::ofstream(path) << qta::verif::run_coverage().to_json().dump(2) << "\n";
  }
  return rc;
}
