// The dataflow of one GEMM, as a descriptor encodes it (docs/interfaces.md section 2): the one
// Dataflow enum of the tree, shared by the golden cases, the performance model, the test bench
// and the generator (the RTL's 2-bit descriptor field uses the same numbers).
#pragma once

#include <string_view>

namespace qta {

enum class Dataflow : int { WS = 0, OS = 1, AUTO = 2 };

constexpr const char* to_string(Dataflow d) {
  switch (d) {
    case Dataflow::WS: return "WS";
    case Dataflow::OS: return "OS";
    case Dataflow::AUTO: return "AUTO";
  }
  return "?";
}

}  // namespace qta
