// The host interface description (hostif/host_if.json): loading, checking, and the values its
// renderings see. docs/host_if.md states the file's format.
#include "qta/gen/host_if.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <regex>
#include <set>
#include <tuple>

#include "qta/cli.h"
#include "qta/hash.h"
#include "qta/json_read.h"
#include "qta/paths.h"
#include "qta/text_io.h"
#include "qta/version.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace qta::gen {

const char* to_string(Access a) {
  switch (a) {
    case Access::RO: return "RO";
    case Access::RW: return "RW";
    case Access::WO: return "WO";
    case Access::W1C: return "W1C";
  }
  return "?";
}

namespace {

// What the templates rely on: the descriptor fields qta_scheduler reads, the completion fields
// qta_top packs from qta_finish, the wires of qta_top a field may name as "hw", the register
// block's own signals ("internal", "hw_set"), and the values a constant may name besides the
// configuration's fields.
const std::vector<std::string> kDescriptorFields = {"id",     "m",      "n",      "k",        "a_base",   "b_base",
                                                    "c_base", "q_base", "lda",    "ldb",      "a_trans",  "b_trans",
                                                    "dataflow", "rounding", "m0", "shift", "sr_seed", "dynamic_scale"};
const std::vector<std::string> kCompletionFields = {"id",         "error",          "ran",
                                                    "shift",      "cycles",         "compute_cycles",
                                                    "busy_pe_cycles_lo", "busy_pe_cycles_hi", "amax",
                                                    "m0"};
// qta_top's wires and their widths (AW: acc_width).
const std::map<std::string, std::string> kTopWires = {
    {"busy", "1"},          {"queue_full", "1"},       {"status_error", "4"},      {"error_count", "16"},
    {"gemm_count", "32"},   {"cycle_count_lo", "32"},  {"cycle_count_hi", "32"},   {"compute_count_lo", "32"},
    {"compute_count_hi", "32"}, {"busy_pe_count_lo", "32"}, {"busy_pe_count_hi", "32"}, {"done_id", "8"},
    {"done_error", "4"},    {"done_ran", "3"},          {"done_shift", "6"},         {"done_cycles", "32"},
    {"done_compute_cycles", "32"}, {"done_busy_pe_lo", "32"}, {"done_busy_pe_hi", "32"},
    {"done_amax", "acc_width"}, {"done_m0", "32"}};
const std::set<std::string> kInternal = {"cpl_valid", "cpl_full"};
const std::set<std::string> kHwSet = {"cpl_push", "cpl_push_error"};
const std::set<std::string> kSpecialValues = {"version", "spec_hash", "support_ws", "support_os", "support_rne",
                                              "support_sr"};

std::string valid_list(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}
template <class Set>
std::string valid_keys(const Set& s) {
  std::vector<std::string> v;
  for (const auto& x : s) {
    if constexpr (requires { x.first; })
      v.push_back(x.first);
    else
      v.push_back(x);
  }
  return valid_list(v);
}

std::vector<std::string> config_field_names() {
  std::vector<std::string> v;
  for (const auto& f : config_fields()) v.push_back(f.name);
  return v;
}

class Loader {
 public:
  explicit Loader(fs::path file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw qta::UsageError(fmt::format("host interface description {}: {}: {}", qta::shown_path(file_), where, what));
  }

  void only_keys(const json& o, const std::string& where, const std::vector<std::string>& keys) const {
    if (!o.is_object()) fail(where, fmt::format("is {}; valid: an object", qta::shown_json(o)));
    for (const auto& [k, v] : o.items())
      if (std::find(keys.begin(), keys.end(), k) == keys.end())
        fail(where, fmt::format("unknown key '{}'; valid: {}", k, valid_list(keys)));
  }
  std::string str(const json& o, const std::string& where, const char* key, bool required = true) const {
    if (!o.contains(key)) {
      if (required) fail(where, fmt::format("'{}' is missing", key));
      return {};
    }
    if (!o[key].is_string()) fail(where, fmt::format("'{}' = {} is not a string", key, qta::shown_json(o[key])));
    return o[key].get<std::string>();
  }
  int64_t integer(const json& v, const std::string& where, const char* key, int64_t lo, int64_t hi) const {
    int64_t x = 0;
    if (v.is_number_integer())
      x = v.get<int64_t>();
    else if (v.is_string() && std::regex_match(v.get<std::string>(), std::regex("0[xX][0-9a-fA-F]{1,16}")))
      x = int64_t(std::stoull(v.get<std::string>(), nullptr, 16));
    else
      fail(where, fmt::format("'{}' = {} is not an integer; valid: {}..{} (decimal, or a \"0x..\" string)", key,
                              qta::shown_json(v), lo, hi));
    if (x < lo || x > hi) fail(where, fmt::format("'{}' = {} is out of range; valid: {}..{}", key, x, lo, hi));
    return x;
  }

  HostIf load() {
    const std::string text = qta::read_text(file_);  // FileError: main reports it as bad input
    JsonReadOptions o;
    o.source = "host interface description " + qta::shown_path(file_);
    const json j = qta::parse_json_strict(text, o);
    HostIf h;
    h.source = file_;
    h.spec_hash = uint32_t(fnv1a64(text));
    only_keys(j, "top level", {"name", "version", "doc", "addr_bits", "registers"});
    h.name = str(j, "top level", "name");
    h.doc = str(j, "top level", "doc", false);
    if (!j.contains("version")) fail("top level", "'version' is missing");
    h.version = int(integer(j["version"], "top level", "version", 1, 65535));
    if (!j.contains("addr_bits")) fail("top level", "'addr_bits' is missing");
    h.addr_bits = int(integer(j["addr_bits"], "top level", "addr_bits", 4, 16));
    if (!j.contains("registers") || !j["registers"].is_array() || j["registers"].empty())
      fail("top level", "'registers' must be a non-empty array");
    std::map<uint32_t, std::string> offsets;
    std::set<std::string> names;
    for (size_t i = 0; i < j["registers"].size(); ++i) {
      HostRegister r = load_register(j["registers"][i], i, h.addr_bits);
      if (!names.insert(r.name).second) fail("register " + r.name, "the name is used twice");
      if (const auto it = offsets.find(r.offset); it != offsets.end())
        fail("register " + r.name,
             fmt::format("offset 0x{:03X} overlaps register {}; valid: a free word-aligned offset", r.offset, it->second));
      offsets[r.offset] = r.name;
      h.registers.push_back(std::move(r));
    }
    std::stable_sort(h.registers.begin(), h.registers.end(),
                     [](const HostRegister& a, const HostRegister& b) { return a.offset < b.offset; });
    check_whole(h);
    return h;
  }

 private:
  HostRegister load_register(const json& rj, size_t index, int addr_bits) const {
    const std::string where0 = fmt::format("registers[{}]", index);
    only_keys(rj, where0, {"name", "offset", "access", "doc", "record", "role", "fields"});
    HostRegister r;
    r.name = str(rj, where0, "name");
    if (!std::regex_match(r.name, std::regex("[A-Z][A-Z0-9_]*")))
      fail(where0, fmt::format("name '{}' is not an upper-case identifier ([A-Z][A-Z0-9_]*)", r.name));
    const std::string where = "register " + r.name;
    r.doc = str(rj, where, "doc", false);
    if (!rj.contains("offset")) fail(where, "'offset' is missing");
    const int64_t limit = (int64_t{1} << addr_bits) - 4;
    r.offset = uint32_t(integer(rj["offset"], where, "offset", 0, limit));
    if (r.offset % 4) fail(where, fmt::format("offset 0x{:03X} is not a multiple of 4; valid: word-aligned offsets", r.offset));
    const std::string access = str(rj, where, "access");
    static const std::map<std::string, Access> kAccess = {
        {"RO", Access::RO}, {"RW", Access::RW}, {"WO", Access::WO}, {"W1C", Access::W1C}};
    const auto a = kAccess.find(access);
    if (a == kAccess.end()) fail(where, fmt::format("unknown access type '{}'; valid: {}", access, valid_keys(kAccess)));
    r.access = a->second;
    r.record = str(rj, where, "record", false);
    if (!r.record.empty()) {
      if (r.record != "descriptor" && r.record != "completion")
        fail(where, fmt::format("unknown record '{}'; valid: descriptor, completion", r.record));
      if (r.record == "descriptor" && r.access != Access::RW)
        fail(where, fmt::format("a descriptor register must be RW, not {}", access));
      if (r.record == "completion" && r.access != Access::RO)
        fail(where, fmt::format("a completion register must be RO, not {}", access));
    }
    r.role = str(rj, where, "role", false);
    if (!r.role.empty()) {
      if (r.role != "doorbell" && r.role != "cpl_pop")
        fail(where, fmt::format("unknown role '{}'; valid: doorbell, cpl_pop", r.role));
      if (r.access != Access::WO) fail(where, fmt::format("role '{}' needs access WO, not {}", r.role, access));
    } else if (r.access == Access::WO) {
      fail(where, "a WO register needs a role; valid: doorbell, cpl_pop");
    }
    if (!rj.contains("fields") || !rj["fields"].is_array() || rj["fields"].empty())
      fail(where, "'fields' must be a non-empty array");
    uint64_t used = 0;
    for (size_t i = 0; i < rj["fields"].size(); ++i) {
      HostField f = load_field(rj["fields"][i], where, i, r);
      for (const auto& g : r.fields)
        if (g.name == f.name) fail(where + " field " + f.name, "the name is used twice in the register");
      const uint64_t mask = ((f.width == 32 ? 0ull : (1ull << f.width)) - 1) << f.lsb & 0xffffffffull;
      const uint64_t m = f.width == 32 ? 0xffffffffull : mask;
      if (used & m)
        fail(where + " field " + f.name,
             fmt::format("bits {}..{} overlap another field of the register", f.lsb, f.lsb + f.width - 1));
      used |= m;
      r.fields.push_back(std::move(f));
    }
    return r;
  }

  HostField load_field(const json& fj, const std::string& reg_where, size_t index, const HostRegister& r) const {
    const std::string where0 = fmt::format("{} fields[{}]", reg_where, index);
    only_keys(fj, where0, {"name", "lsb", "width", "max_width", "doc", "reset", "value", "hw", "internal", "hw_set"});
    HostField f;
    f.name = str(fj, where0, "name");
    if (!std::regex_match(f.name, std::regex("[a-z][a-z0-9_]*")))
      fail(where0, fmt::format("name '{}' is not a lower-case identifier ([a-z][a-z0-9_]*)", f.name));
    const std::string where = reg_where + " field " + f.name;
    f.doc = str(fj, where, "doc", false);
    if (!fj.contains("lsb")) fail(where, "'lsb' is missing");
    f.lsb = int(integer(fj["lsb"], where, "lsb", 0, 31));
    if (!fj.contains("width")) fail(where, "'width' is missing");
    if (fj["width"].is_string()) {
      f.width_field = fj["width"].get<std::string>();
      if (!find_field(f.width_field))
        fail(where, fmt::format("width '{}' names no configuration field; valid: a number 1..32 or one of {}",
                                f.width_field, valid_list(config_field_names())));
      if (!fj.contains("max_width"))
        fail(where, fmt::format("width '{}' depends on the configuration: 'max_width' (its widest, for the layout) "
                                "is missing",
                                f.width_field));
      f.width = int(integer(fj["max_width"], where, "max_width", 1, 32));
      const ConfigField* cf = find_field(f.width_field);
      if (cf->kind != ConfigField::Kind::Integer || cf->lo < 1)
        fail(where, fmt::format("width '{}' is not a positive integer configuration field", f.width_field));
    } else {
      if (fj.contains("max_width")) fail(where, "'max_width' is only for a width that names a configuration field");
      f.width = int(integer(fj["width"], where, "width", 1, 32));
    }
    if (f.lsb + f.width > 32)
      fail(where, fmt::format("lsb {} + width {} = {} bits is wider than its 32-bit register; valid: lsb + width <= 32",
                              f.lsb, f.width, f.lsb + f.width));
    const bool has_value = fj.contains("value"), has_hw = fj.contains("hw"), has_internal = fj.contains("internal");
    const int sources = int(has_value) + int(has_hw) + int(has_internal);
    if (fj.contains("reset")) {
      if (r.access != Access::RW && r.access != Access::W1C)
        fail(where, fmt::format("'reset' is for RW and W1C fields; a {} field has {}", to_string(r.access),
                                r.access == Access::RO ? "a 'value', 'hw' or 'internal' source" : "no storage"));
      const uint64_t max = f.width == 64 ? ~0ull : (1ull << f.width) - 1;
      f.reset = uint64_t(integer(fj["reset"], where, "reset", 0, int64_t(max)));
    }
    if (r.access == Access::RO) {
      if (sources != 1)
        fail(where, "a RO field needs exactly one source: 'value' (a number or a configuration field), 'hw' (a wire "
                    "of qta_top) or 'internal' (a signal of the register block)");
      if (has_value) {
        const json& v = fj["value"];
        if (v.is_string() && !std::regex_match(v.get<std::string>(), std::regex("0[xX][0-9a-fA-F]+"))) {
          f.value = v.get<std::string>();
          if (!find_field(f.value) && !kSpecialValues.count(f.value))
            fail(where, fmt::format("value '{}' names no configuration field; valid: a number, one of {}, or {}", f.value,
                                    valid_list(config_field_names()), valid_keys(kSpecialValues)));
        } else {
          const uint64_t max = (1ull << f.width) - 1;
          f.value = std::to_string(integer(v, where, "value", 0, int64_t(max)));
        }
      }
      if (has_hw) {
        f.hw = str(fj, where, "hw");
        const auto it = kTopWires.find(f.hw);
        if (it == kTopWires.end())
          fail(where, fmt::format("hw '{}' is no wire of qta_top; valid: {}", f.hw, valid_keys(kTopWires)));
        const std::string want = it->second;
        const std::string have = f.width_field.empty() ? std::to_string(f.width) : f.width_field;
        if (want != have)
          fail(where, fmt::format("hw '{}' is {} bits wide in qta_top, the field {}", f.hw, want, have));
      }
      if (has_internal) {
        f.internal = str(fj, where, "internal");
        if (!kInternal.count(f.internal))
          fail(where, fmt::format("internal '{}' is no signal of the register block; valid: {}", f.internal,
                                  valid_keys(kInternal)));
        if (f.width != 1) fail(where, "an internal signal is 1 bit wide");
      }
    } else if (sources) {
      fail(where, fmt::format("'value', 'hw' and 'internal' are for RO fields, not {}", to_string(r.access)));
    }
    if (fj.contains("hw_set")) {
      if (r.access != Access::W1C) fail(where, "'hw_set' is for W1C fields");
      f.hw_set = str(fj, where, "hw_set");
      if (!kHwSet.count(f.hw_set))
        fail(where, fmt::format("hw_set '{}' is no event of the register block; valid: {}", f.hw_set, valid_keys(kHwSet)));
      if (f.width != 1) fail(where, "a W1C field set by an event is 1 bit wide");
    } else if (r.access == Access::W1C) {
      fail(where, fmt::format("a W1C field needs 'hw_set'; valid: {}", valid_keys(kHwSet)));
    }
    if (r.record == "completion" && f.hw.empty()) fail(where, "a completion field needs 'hw' (the wire qta_top packs)");
    if (!f.width_field.empty() && r.record != "completion")
      fail(where, "only completion fields may take their width from the configuration");
    return f;
  }

  void check_record(const HostIf& h, const std::string& which, const std::vector<std::string>& required) const {
    std::set<std::string> seen;
    for (const HostRegister* r : h.record(which))
      for (const auto& f : r->fields)
        if (!seen.insert(f.name).second) fail("register " + r->name + " field " + f.name, "the name is used twice in the " + which);
    for (const auto& n : required)
      if (!seen.count(n))
        fail(which, fmt::format("has no field '{}'; the RTL needs {}", n, valid_list(required)));
  }

  void check_whole(const HostIf& h) const {
    for (const char* role : {"doorbell", "cpl_pop"}) {
      int n = 0;
      for (const auto& r : h.registers) n += r.role == role;
      if (n != 1) fail("top level", fmt::format("{} registers have role '{}'; valid: exactly one", n, role));
    }
    check_record(h, "descriptor", kDescriptorFields);
    check_record(h, "completion", kCompletionFields);
    // The interrupt: INTR_STATE (W1C) and INTR_ENABLE (RW) with the same fields.
    const HostRegister* st = nullptr;
    const HostRegister* en = nullptr;
    for (const auto& r : h.registers) {
      if (r.name == "INTR_STATE") st = &r;
      if (r.name == "INTR_ENABLE") en = &r;
    }
    if (!st || st->access != Access::W1C) fail("top level", "needs a W1C register INTR_STATE (the interrupt sources)");
    if (!en || en->access != Access::RW) fail("top level", "needs a RW register INTR_ENABLE (the interrupt enables)");
    if (st->fields.size() != en->fields.size())
      fail("register INTR_ENABLE", "needs one field per INTR_STATE field, at the same bit");
    for (size_t i = 0; i < st->fields.size(); ++i)
      if (st->fields[i].name != en->fields[i].name || st->fields[i].lsb != en->fields[i].lsb)
        fail("register INTR_ENABLE field " + en->fields[i].name,
             fmt::format("does not match INTR_STATE field {} (same name, same bit)", st->fields[i].name));
  }

  fs::path file_;
};

std::string hex32(uint64_t v) { return fmt::format("0x{:08X}", v); }

uint64_t mask_of(int width) { return width >= 64 ? ~0ull : (1ull << width) - 1; }

// The value of a constant RO field in configuration c.
uint64_t const_value(const HostIf& h, const HostField& f, const Config& c) {
  if (f.value == "version") return uint64_t(h.version);
  if (f.value == "spec_hash") return h.spec_hash & 0xffff;
  if (f.value == "support_ws") return c.supports_ws();
  if (f.value == "support_os") return c.supports_os();
  if (f.value == "support_rne") return c.supports_rne();
  if (f.value == "support_sr") return c.supports_sr();
  if (const ConfigField* cf = find_field(f.value)) {
    const json v = cf->get(c.fields());
    if (!v.is_number_integer())
      throw qta::UsageError(fmt::format("host interface description {}: field {}: value '{}' is not an integer field",
                                        qta::shown_path(h.source), f.name, f.value));
    const uint64_t x = uint64_t(v.get<int64_t>());
    if (x > mask_of(f.width))
      throw qta::UsageError(fmt::format("host interface description {}: field {}: value '{}' = {} does not fit its {} "
                                        "bits; valid: a wider field",
                                        qta::shown_path(h.source), f.name, f.value, x, f.width));
    return x;
  }
  return std::stoull(f.value);
}

std::string upper(std::string s) {
  for (auto& ch : s) ch = char(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

// One record (descriptor or completion): its fields in the order of the file, each with its
// register and its bit position in the packed record (the queue's entry).
json record_fields(const HostIf& h, const std::string& which, const Config* c) {
  json out = json::array();
  int pos = 0;
  int word = 0;
  for (const HostRegister* r : h.record(which)) {
    for (const auto& f : r->fields) {
      const int w = c ? f.width_in(*c) : f.width;
      json x;
      x["name"] = f.name;
      x["NAME"] = upper(f.name);
      x["reg"] = r->name;
      x["word"] = word;
      x["offset"] = hex32(r->offset);
      x["lsb"] = f.lsb;
      x["width"] = w;
      x["pos"] = pos;
      x["mask"] = hex32(mask_of(w));
      x["reset"] = hex32(f.reset);
      x["hw"] = f.hw;
      x["doc"] = f.doc;
      x["storage"] = fmt::format("r_{}_{}_q", r->name, f.name);
      pos += w;
      out.push_back(x);
    }
    ++word;
  }
  return out;
}

int record_width(const json& fields) {
  int w = 0;
  for (const auto& f : fields) w += f["width"].get<int>();
  return w;
}

}  // namespace

int HostField::width_in(const Config& c) const {
  if (width_field.empty()) return width;
  const int w = int(find_field(width_field)->get(c.fields()).get<int64_t>());
  if (w > width)
    throw qta::UsageError(fmt::format("host interface field {}: its width {} = {} is more than its max_width {}; valid: "
                                      "a configuration with {} <= {}, or a wider max_width",
                                      name, width_field, w, width, width_field, width));
  return w;
}

std::vector<const HostRegister*> HostIf::record(const std::string& which) const {
  std::vector<const HostRegister*> v;
  for (const auto& r : registers)
    if (r.record == which) v.push_back(&r);
  return v;
}

const HostRegister& HostIf::role(const std::string& which) const {
  for (const auto& r : registers)
    if (r.role == which) return r;
  throw std::logic_error("host interface: no register with role " + which);
}

const HostRegister& HostIf::reg(const std::string& n) const {
  for (const auto& r : registers)
    if (r.name == n) return r;
  throw std::logic_error("host interface: no register " + n);
}

fs::path default_host_if_path() {
  if (const char* env = std::getenv("QTA_HOST_IF"); env && *env) return env;
  return fs::path(qta::kSourceDir) / "hostif" / "host_if.json";
}

HostIf load_host_if(const fs::path& file) {
  try {
    return Loader(file).load();
  } catch (const qta::FileError& e) {
    throw qta::UsageError(fmt::format("host interface description: {}; valid: a readable JSON file (hostif/host_if.json)",
                                      e.what()));
  }
}

const HostIf& default_host_if() {
  static const HostIf h = load_host_if(default_host_if_path());
  return h;
}

json host_if_template_values(const HostIf& h, const Config& c) {
  json v;
  v["hostif_name"] = h.name;
  v["hostif_version"] = h.version;
  v["hostif_hash"] = fmt::format("0x{:04X}", h.spec_hash & 0xffff);
  v["hostif_addr_bits"] = h.addr_bits;
  v["hostif_word_bits"] = h.addr_bits - 2;
  const json desc = record_fields(h, "descriptor", &c), cpl = record_fields(h, "completion", &c);
  v["desc_fields"] = desc;
  v["desc_width"] = record_width(desc);
  v["desc_words"] = int(h.record("descriptor").size());
  v["cpl_fields"] = cpl;
  v["cpl_width"] = record_width(cpl);
  v["cpl_words"] = int(h.record("completion").size());
  for (const auto& f : cpl)
    if (f["name"] == "error") {
      v["cpl_error_pos"] = f["pos"];
      v["cpl_error_width"] = f["width"];
    }
  json regs = json::array(), storage = json::array(), w1c = json::array(), hw_in = json::array(),
       irq = json::array();
  std::set<std::string> hw_seen;
  std::map<std::string, int> cpl_pos;  // "REG.field" -> bit position in the packed completion record
  for (const auto& f : cpl) cpl_pos[f["reg"].get<std::string>() + "." + f["name"].get<std::string>()] = f["pos"].get<int>();
  const HostRegister& st = h.reg("INTR_STATE");
  for (size_t i = 0; i < st.fields.size(); ++i) {
    json x;
    x["state"] = fmt::format("r_INTR_STATE_{}_q", st.fields[i].name);
    x["enable"] = fmt::format("r_INTR_ENABLE_{}_q", st.fields[i].name);
    irq.push_back(x);
  }
  for (const auto& r : h.registers) {
    json rr;
    rr["name"] = r.name;
    rr["offset"] = hex32(r.offset);
    rr["word"] = r.offset / 4;
    rr["access"] = to_string(r.access);
    rr["doc"] = r.doc;
    rr["readable"] = r.access != Access::WO;
    rr["accepts_write"] = r.access != Access::RO;
    if (!r.record.empty()) rr["is_" + r.record + "_word"] = true;
    json fields = json::array();
    for (const auto& f : r.fields) {
      const int w = f.width_in(c);
      json x;
      x["name"] = f.name;
      x["NAME"] = upper(f.name);
      x["reg_name"] = r.name;
      x["lsb"] = f.lsb;
      x["width"] = w;
      x["mask"] = hex32(mask_of(w) << f.lsb & 0xffffffffull);
      x["doc"] = f.doc;
      x["storage"] = fmt::format("r_{}_{}_q", r.name, f.name);
      x["reset"] = f.reset;
      if (r.access == Access::RW || r.access == Access::W1C) {
        x["src"] = x["storage"];
        json s = x;
        s["word"] = r.offset / 4;
        s["hw_set"] = f.hw_set;
        (r.access == Access::RW ? storage : w1c).push_back(s);
      } else if (!f.value.empty()) {
        x["src"] = fmt::format("{}'d{}", w, const_value(h, f, c));
      } else if (!f.internal.empty()) {
        x["src"] = f.internal;
      } else if (!f.hw.empty()) {
        if (r.record == "completion") {
          x["src"] = fmt::format("cpl_head[{} +: {}]", cpl_pos.at(r.name + "." + f.name), w);
        } else {
          x["src"] = fmt::format("{}_i", f.hw);
          if (hw_seen.insert(f.hw).second) {
            json p;
            p["port"] = f.hw + "_i";
            p["wire"] = f.hw;
            p["width"] = w;
            hw_in.push_back(p);
          }
        }
      }
      fields.push_back(x);
    }
    rr["fields"] = fields;
    regs.push_back(rr);
    if (!r.role.empty()) v[r.role + "_word"] = r.offset / 4;
  }
  // The AXI4-Lite slave's wires, named from the slave's side: the one list qta_host_if's port
  // list, qta_top's port list and qta_top's instance of qta_host_if are rendered from.
  json axil = json::array();
  const std::string addr = fmt::format("[{}:0] ", h.addr_bits - 1);
  for (const auto& [name, in, range] : std::vector<std::tuple<std::string, bool, std::string>>{
           {"awvalid", true, ""},        {"awready", false, ""},  {"awaddr", true, addr}, {"awprot", true, "[2:0] "},
           {"wvalid", true, ""},         {"wready", false, ""},   {"wdata", true, "[31:0] "}, {"wstrb", true, "[3:0] "},
           {"bvalid", false, ""},        {"bready", true, ""},    {"bresp", false, "[1:0] "},
           {"arvalid", true, ""},        {"arready", false, ""},  {"araddr", true, addr}, {"arprot", true, "[2:0] "},
           {"rvalid", false, ""},        {"rready", true, ""},    {"rdata", false, "[31:0] "}, {"rresp", false, "[1:0] "}}) {
    json p;
    p["port"] = fmt::format("s_axil_{}_{}", name, in ? "i" : "o");
    p["decl"] = fmt::format("{} wire {}", in ? "input " : "output", range);
    axil.push_back(p);
  }
  v["axil_ports"] = axil;
  v["registers"] = regs;
  v["rw_fields"] = storage;
  v["w1c_fields"] = w1c;
  v["hw_inputs"] = hw_in;
  v["irq_sources"] = irq;
  return v;
}

json host_if_cpp_values(const HostIf& h) {
  json v;
  v["hostif_name"] = h.name;
  v["hostif_version"] = h.version;
  v["hostif_hash"] = fmt::format("0x{:04X}", h.spec_hash & 0xffff);
  v["hostif_addr_bits"] = h.addr_bits;
  v["hostif_source"] = "hostif/host_if.json";
  v["desc_fields"] = record_fields(h, "descriptor", nullptr);
  v["cpl_fields"] = record_fields(h, "completion", nullptr);
  auto words = [&](const std::string& which) {
    json a = json::array();
    const auto regs = h.record(which);
    for (size_t i = 0; i < regs.size(); ++i) {
      json x;
      x["offset"] = hex32(regs[i]->offset);
      x["last"] = i + 1 == regs.size();
      a.push_back(x);
    }
    return a;
  };
  v["desc_word_list"] = words("descriptor");
  v["cpl_word_list"] = words("completion");
  v["desc_words"] = int(h.record("descriptor").size());
  v["cpl_words"] = int(h.record("completion").size());
  json regs = json::array(), fields = json::array();
  for (const auto& r : h.registers) {
    json x;
    x["name"] = r.name;
    x["offset"] = hex32(r.offset);
    regs.push_back(x);
    for (const auto& f : r.fields) {
      json y;
      y["reg"] = r.name;
      y["name"] = f.name;
      y["NAME"] = upper(f.name);
      y["offset"] = hex32(r.offset);
      y["lsb"] = f.lsb;
      y["width"] = f.width;
      y["width_field"] = f.width_field;
      y["access"] = to_string(r.access);
      y["reset"] = hex32(f.reset);
      y["value"] = f.value;
      y["hw"] = f.hw.empty() ? f.internal : f.hw;
      fields.push_back(y);
    }
  }
  v["registers"] = regs;
  v["fields"] = fields;
  return v;
}

std::string host_if_docs_table(const HostIf& h) {
  std::string s = "| offset | register | access | bits | field | reset / source | description |\n"
                  "|---|---|---|---|---|---|---|\n";
  for (const auto& r : h.registers) {
    for (const auto& f : r.fields) {
      const std::string bits = f.width == 1 ? std::to_string(f.lsb)
                                            : fmt::format("{}:{}", f.lsb + f.width - 1, f.lsb);
      std::string src;
      if (r.access == Access::RW || r.access == Access::W1C)
        src = fmt::format("{}", f.reset) + (f.hw_set.empty() ? "" : ", set by " + f.hw_set);
      else if (!f.value.empty())
        src = "constant " + f.value;
      else if (!f.hw.empty())
        src = "hw " + f.hw;
      else if (!f.internal.empty())
        src = "hw " + f.internal;
      else
        src = "-";
      const std::string width_note = f.width_field.empty() ? "" : fmt::format(" ({} bits)", f.width_field);
      s += fmt::format("| 0x{:03X} | {}{} | {} | {}{} | {} | {} | {} |\n", r.offset, r.name,
                       r.record.empty() ? "" : " (" + r.record + ")", to_string(r.access), bits, width_note, f.name,
                       src, f.doc);
    }
  }
  return s;
}

}  // namespace qta::gen
