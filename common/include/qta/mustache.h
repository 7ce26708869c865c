// Mustache rendering for the generated files of every flow (RTL, CMake projects, Yosys and
// OpenSTA scripts, Verilog wrappers): kainjow::mustache with escaping off, since none of the
// outputs is HTML.
#pragma once

#include <kainjow/mustache.hpp>
#include <stdexcept>
#include <string>

namespace qta {

// Renders `text` (the template `name`, for messages). A malformed template or a render error
// throws std::runtime_error naming the template.
inline std::string render_mustache(const std::string& text, const kainjow::mustache::data& values,
                                   const std::string& name) {
  kainjow::mustache::mustache tmpl(text);
  if (!tmpl.is_valid()) throw std::runtime_error("template '" + name + "': " + tmpl.error_message());
  tmpl.set_custom_escape([](const std::string& s) { return s; });
  std::string out = tmpl.render(values);
  if (!tmpl.is_valid()) throw std::runtime_error("template '" + name + "': " + tmpl.error_message());
  return out;
}

}  // namespace qta
