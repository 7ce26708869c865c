// The host interface described once (hostif/host_if.json): every register of qta_top's AXI4-Lite
// slave, the descriptor's fields and the completion record's, with offsets, widths, access and
// reset values. Loaded and checked here; rendered into the RTL register block
// (templates/qta_host_if.v.mustache), the C header for host software (templates/qta_host.h.mustache),
// the C++ type of the runtime, the wire protocol and the bench (templates/qta_host_if.hpp.mustache,
// rendered at build time by qta_hostif_gen) and the register table of docs/host_if.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "qta/gen/config.h"

namespace qta::gen {

enum class Access { RO, RW, WO, W1C };
const char* to_string(Access a);

struct HostField {
  std::string name, doc;
  int lsb = 0;
  int width = 0;            // the widest it can be (max_width when width_field is set)
  std::string width_field;  // configuration field giving the width per configuration (empty: fixed)
  uint64_t reset = 0;       // RW, W1C: reset value
  // RO sources, exactly one set: value (a number, a configuration field, "version" or
  // "spec_hash"), hw (a wire of qta_top), internal (a signal of the register block).
  std::string value, hw, internal;
  std::string hw_set;  // W1C: the register block's event that sets it
  int width_in(const Config& c) const;  // the width in configuration c
};

struct HostRegister {
  std::string name, doc;
  uint32_t offset = 0;
  Access access = Access::RO;
  std::string record;  // "descriptor", "completion" or empty
  std::string role;    // WO: "doorbell" or "cpl_pop"
  std::vector<HostField> fields;
};

struct HostIf {
  std::string name, doc;
  int version = 0;
  int addr_bits = 0;
  std::vector<HostRegister> registers;
  uint32_t spec_hash = 0;  // FNV-1a of the file's bytes
  std::filesystem::path source;

  // The registers of a record ("descriptor", "completion"), in offset order.
  std::vector<const HostRegister*> record(const std::string& which) const;
  const HostRegister& role(const std::string& which) const;
  const HostRegister& reg(const std::string& name) const;
};

// The description every flow uses: <source>/hostif/host_if.json, or $QTA_HOST_IF.
std::filesystem::path default_host_if_path();
// Loads and checks a description; throws qta::UsageError naming the file, the register or field
// and what is valid (unknown access type, overlapping offsets or fields, a field wider than its
// register, a width or value naming an unknown configuration field, a missing required field).
HostIf load_host_if(const std::filesystem::path& file);
const HostIf& default_host_if();  // loaded once

// Values the templates see: the RTL register block, qta_top's record packing, the C header
// (configuration-dependent widths resolved for c).
nlohmann::json host_if_template_values(const HostIf& h, const Config& c);
// Values of the configuration-independent C++ type (fields at their widest).
nlohmann::json host_if_cpp_values(const HostIf& h);
// The register table of docs/host_if.md (markdown), checked by a test against the file.
std::string host_if_docs_table(const HostIf& h);

}  // namespace qta::gen
