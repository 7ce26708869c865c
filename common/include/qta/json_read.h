// Reading JSON that a user wrote (configuration files, generated directories handed back to
// qta): nlohmann's parser driven through a checking SAX handler, so that hostile input is bad
// input (qta::UsageError, exit 2) with a short message, never a crash or an internal error.
//
// Rules (docs/interfaces.md section 5): nesting at most `max_depth` arrays/objects deep (checked
// while parsing: 100,000 '[' are refused at level max_depth+1, nothing deep is ever built); no key
// twice in one object; no NUL byte anywhere (nlohmann would stop reading at one); numbers must
// have an exact 64-bit integer or a finite double value (1e400, -1e400, a 400-digit integer and
// 18446744073709551616 are out of range, reported with their key and the token as typed);
// messages are bounded (a 10 MB string is shown as its first 80 characters).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace qta {

struct JsonReadOptions {
  int max_depth = 32;
  // How messages name the text, e.g. "configuration file 'x.json'".
  std::string source = "JSON text";
  // Called for a number without an exact 64-bit integer or finite double value, with its key
  // path ("rows", "a.b[2]"), the token as typed, and whether it is an integer literal. It should
  // throw (a message naming the field and its valid range); if it returns, the default message
  // is thrown: "<source>: <path> = <token> is out of range; valid: ...".
  std::function<void(const std::string& path, const std::string& token, bool integer)> out_of_range;
};

// Parses `text` (one JSON value, nothing but whitespace after it). Throws qta::UsageError.
nlohmann::json parse_json_strict(std::string_view text, const JsonReadOptions& options = {});

// A JSON value for a message: strings via quoted_text(), everything else dumped (invalid UTF-8
// replaced), both bounded to about 80 characters.
std::string shown_json(const nlohmann::json& v);

}  // namespace qta
