// The bench as the host runtime's accelerator (verif/tb/runtime_server.cpp).
#pragma once

#include "qta/harness/runner.h"

namespace qta::verif {
// Serves runtime requests on fds 3/4 until kQuit (protocol: hostif/include/qta/hostif/wire.h). Exit code 0
// after kQuit, 1 on any failure (message on stderr).
int serve_runtime(const harness::ModelFactory& factory, int argc, char** argv);
}  // namespace qta::verif
