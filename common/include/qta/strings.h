// Text as error messages show it: bounded in length, escaped where it is not printable or not
// valid UTF-8, so that a message is short and can always be printed and stored as JSON
// (docs/interfaces.md section 5).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace qta {

// How much of a value typed by the user a message repeats.
inline constexpr size_t kShownChars = 80;

// `text` for a message: valid UTF-8 characters as they are, control characters and bytes that
// are not valid UTF-8 as \xNN (\n, \t as such); longer than `max_chars` characters: the first
// `max_chars`, then "... (N bytes)".
std::string shown(std::string_view text, size_t max_chars = kShownChars);
// shown() in double quotes, with '"' and '\' escaped: "0x10", "", "aaaa... (10000000 bytes)".
std::string quoted_text(std::string_view text, size_t max_chars = kShownChars);

// Offset of the first byte that is not part of a valid UTF-8 character (overlong forms,
// surrogates and code points above U+10FFFF are invalid), or nothing if `text` is valid.
std::optional<size_t> invalid_utf8_offset(std::string_view text);
// `text` with every byte that is not part of a valid UTF-8 character replaced by the four
// characters \xNN (the result is valid UTF-8; valid text is returned unchanged).
std::string utf8_escaped(std::string_view text);

// Text content of an XML/SVG element: <, > and & as entities, everything else as is.
std::string xml_text_escaped(std::string_view text);

// A message of at most `max_bytes` bytes (cut at a character boundary, "... (N more bytes)").
std::string bounded_message(std::string_view text, size_t max_bytes = 4096);

}  // namespace qta
