// The run's functional coverage, shared by every test of the binary; main() writes it to
// $QTA_COVERAGE_FILE (JSON) at the end.
#pragma once

#include "coverage.h"

namespace qta::verif {
Coverage& run_coverage();
}
