// The accelerator test binary: every QTA_TEST of verif/tb on the generated qta_top, run by the
// harness's regression runner (cocotb's environment contract, results.xml, summary table).
// Built per configuration by `qta verify` (verif/README.md).
#include <cstdlib>
#include <fstream>

#include "Vqta_top.h"
#include "qta/harness/verilated_model.h"
#include "tb_coverage.h"

namespace qta::verif {
Coverage& run_coverage() {
  static Coverage cov;
  return cov;
}
}  // namespace qta::verif

int main(int argc, char** argv) {
  const int rc = qta::harness::run_tests<Vqta_top>(argc, argv, "qta_top");
  if (const char* path = std::getenv("QTA_COVERAGE_FILE")) {
    std::ofstream(path) << qta::verif::run_coverage().to_json().dump(2) << "\n";
  }
  return rc;
}
