#include "qta/json_read.h"

#include <fmt/format.h>

#include <set>
#include <vector>

#include "qta/cli.h"
#include "qta/number.h"
#include "qta/strings.h"

namespace qta {

namespace {

using nlohmann::json;

// Builds the DOM like nlohmann's own SAX DOM parser, checking depth, duplicate keys and numbers
// on the way. Throws qta::UsageError from inside the parse; nothing deeper than max_depth exists.
class StrictSax {
 public:
  StrictSax(json& root, const JsonReadOptions& o) : root_(root), o_(o) {}

  bool null() { return add(json(nullptr)); }
  bool boolean(bool v) { return add(json(v)); }
  bool number_integer(json::number_integer_t v) { return add(json(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return add(json(v)); }
  bool number_float(json::number_float_t v, const json::string_t& raw) {
    // An integer literal beyond 64 bits arrives as a double (18446744073709551616 -> 1.8e19):
    // out of range, not a float.
    if (is_integer_text(raw)) out_of_range(raw, true);
    return add(json(v));
  }
  bool string(json::string_t& v) { return add(json(std::move(v))); }
  bool binary(json::binary_t& v) { return add(json::binary(std::move(v))); }

  bool start_object(std::size_t) { return open(json::object(), true); }
  bool start_array(std::size_t) { return open(json::array(), false); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool key(json::string_t& k) {
    Frame& f = stack_.back();
    if (!f.keys.insert(k).second)
      throw UsageError(fmt::format("{}: key {} appears twice in {}; valid: each key once per object", o_.source,
                                   qta::quoted_text(k), f.path.empty() ? std::string("the top-level object") : "'" + shown(f.path) + "'"));
    f.key = k;
    return true;
  }

  bool parse_error(std::size_t position, const std::string& last_token, const json::exception& ex) {
    if (ex.id == 406) out_of_range(last_token, is_integer_text(last_token));  // number overflow
    std::string what = ex.what();
    // nlohmann's message ends with the last token read, which may be megabytes long.
    const size_t last = what.find("; last read: '");
    if (last != std::string::npos) what = what.substr(0, last);
    const size_t bracket = what.find("] ");
    if (what.rfind("[json.exception.", 0) == 0 && bracket != std::string::npos) what = what.substr(bracket + 2);
    throw UsageError(fmt::format("{} is not valid JSON: {}{} (byte {})", o_.source, bounded_message(what, 300),
                                 last_token.empty() ? "" : "; last read: " + qta::quoted_text(last_token, 40), position));
  }

 private:
  struct Frame {
    json* value;
    bool object;
    std::string path;  // of this container
    std::string key;   // object: the current key
    std::set<std::string> keys;
  };

  // The path of the value being read now.
  std::string here() const {
    if (stack_.empty()) return "";
    const Frame& f = stack_.back();
    if (f.object) return f.path.empty() ? f.key : f.path + "." + f.key;
    return fmt::format("{}[{}]", f.path, f.value->size());
  }

  [[noreturn]] void out_of_range(const std::string& token, bool integer) {
    const std::string path = here();
    if (o_.out_of_range) o_.out_of_range(path, token, integer);
    throw UsageError(fmt::format("{}: {} = {} is out of range; valid: {}", o_.source,
                                 path.empty() ? std::string("the value") : "'" + shown(path) + "'", shown(token),
                                 integer ? "an integer of at most 64 bits" : "a finite number"));
  }

  json* place(json&& v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    Frame& f = stack_.back();
    if (f.object) {
      json& slot = (*f.value)[f.key];
      slot = std::move(v);
      return &slot;
    }
    f.value->push_back(std::move(v));
    return &f.value->back();
  }

  bool add(json&& v) {
    place(std::move(v));
    return true;
  }

  bool open(json&& v, bool object) {
    if (int(stack_.size()) >= o_.max_depth)
      throw UsageError(fmt::format("{}: arrays and objects are nested deeper than {} levels (at '{}'); valid: at most {}",
                                   o_.source, o_.max_depth, shown(here(), 60), o_.max_depth));
    const std::string path = here();
    json* slot = place(std::move(v));
    stack_.push_back(Frame{slot, object, path, {}, {}});
    return true;
  }

  bool close() {
    stack_.pop_back();
    return true;
  }

  json& root_;
  const JsonReadOptions& o_;
  std::vector<Frame> stack_;
};

}  // namespace

json parse_json_strict(std::string_view text, const JsonReadOptions& options) {
  if (const size_t nul = text.find('\0'); nul != std::string_view::npos)
    throw UsageError(fmt::format("{} contains a NUL byte at offset {}; valid: JSON text without NUL bytes", options.source,
                                 nul));
  json root;
  StrictSax sax(root, options);
  json::sax_parse(text, &sax, json::input_format_t::json, /*strict=*/true);
  return root;
}

std::string shown_json(const json& v) {
  if (v.is_string()) return qta::quoted_text(v.get_ref<const std::string&>());
  return shown(v.dump(-1, ' ', false, json::error_handler_t::replace));
}

}  // namespace qta
