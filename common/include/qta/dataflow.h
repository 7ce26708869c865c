// The dataflow of one GEMM, as a descriptor encodes it (docs/interfaces.md section 2): the one
// Dataflow enum of the tree, shared by the golden cases, the performance model, the test bench
// and the generator (the RTL's 2-bit descriptor field uses the same numbers). WSC is WS on
// column groups (docs/interfaces.md section 4): a thin-N GEMM (N <= cols / col_groups) runs
// col_groups chunks of its M rows side by side, each group of cols / col_groups columns holding
// the same weights.
#pragma once

#include <string_view>

namespace qta {

enum class Dataflow : int { WS = 0, OS = 1, AUTO = 2, WSC = 3, WSR = 4 };

constexpr const char* to_string(Dataflow d) {
  switch (d) {
    case Dataflow::WS: return "WS";
    case Dataflow::OS: return "OS";
    case Dataflow::AUTO: return "AUTO";
    case Dataflow::WSC: return "WSC";
    case Dataflow::WSR: return "WSR";
  }
  return "?";
}

}  // namespace qta
