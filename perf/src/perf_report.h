// `qta perf`'s whole-step report: RTL totals of every scheduling policy over one LoRA training
// step of all SD v1.5 cross-attention projections, the ideal, utilization and where the cycles
// go (docs/interfaces.md section 4, "Loss breakdown"), with SVG plots.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

#include "qta/gen/config.h"

namespace qta::perf {

// Prints the report and returns its JSON: "step_totals" (one object per policy the
// configuration supports: policy, rtl_total_cycles, compute_cycles, ideal_cycles, utilization,
// breakdown) and "layer_utilization". With plots_dir, writes cycles_per_step.svg and
// utilization_per_layer.svg there.
nlohmann::ordered_json step_report(const gen::Config& cfg, int64_t rank, const std::filesystem::path& plots_dir);

}  // namespace qta::perf
