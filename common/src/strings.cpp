#include "qta/strings.h"

#include <fmt/format.h>

namespace qta {

namespace {

// Length of the valid UTF-8 character at text[i], or 0 if the byte there does not start one.
size_t utf8_char_len(std::string_view text, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t len = 0;
  uint32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0F;
  else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07;
  else return 0;  // a continuation byte, 0xC0/0xC1 (overlong) or 0xF5..0xFF
  if (i + len > text.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return 0;  // overlong
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;                            // surrogate
  if (cp > 0x10FFFF) return 0;
  return len;
}

// Appends the character at text[i] (length len, 0 for an invalid byte) escaped for a message.
void append_shown(std::string& out, std::string_view text, size_t i, size_t len, bool quote) {
  const unsigned char c = static_cast<unsigned char>(text[i]);
  if (len == 0) {
    out += fmt::format("\\x{:02x}", c);
  } else if (len > 1) {
    out.append(text.substr(i, len));
  } else if (c == '\n') {
    out += "\\n";
  } else if (c == '\t') {
    out += "\\t";
  } else if (c < 0x20 || c == 0x7F) {
    out += fmt::format("\\x{:02x}", c);
  } else if (quote && (c == '"' || c == '\\')) {
    out += '\\';
    out += char(c);
  } else {
    out += char(c);
  }
}

// The first `max_chars` characters of `text`, escaped; `cut` tells whether some were left out.
std::string shown_impl(std::string_view text, size_t max_chars, bool quote, bool& cut) {
  std::string out;
  size_t chars = 0, i = 0;
  while (i < text.size() && chars < max_chars) {
    const size_t len = utf8_char_len(text, i);
    append_shown(out, text, i, len, quote);
    i += len ? len : 1;
    ++chars;
  }
  cut = i < text.size();
  return out;
}

}  // namespace

std::string shown(std::string_view text, size_t max_chars) {
  bool cut = false;
  std::string out = shown_impl(text, max_chars, false, cut);
  if (cut) out += fmt::format("... ({} bytes)", text.size());
  return out;
}

std::string quoted_text(std::string_view text, size_t max_chars) {
  bool cut = false;
  std::string out = "\"" + shown_impl(text, max_chars, true, cut);
  if (cut) return out + fmt::format("...\" ({} bytes)", text.size());
  return out + "\"";
}

std::optional<size_t> invalid_utf8_offset(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t len = utf8_char_len(text, i);
    if (len == 0) return i;
    i += len;
  }
  return std::nullopt;
}

std::string utf8_escaped(std::string_view text) {
  if (!invalid_utf8_offset(text)) return std::string(text);
  std::string out;
  for (size_t i = 0; i < text.size();) {
    const size_t len = utf8_char_len(text, i);
    if (len == 0) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[i]));
      ++i;
    } else {
      out.append(text.substr(i, len));
      i += len;
    }
  }
  return out;
}

std::string bounded_message(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  return fmt::format("{}... ({} more bytes)", text.substr(0, cut), text.size() - cut);
}

std::string xml_text_escaped(std::string_view text) {
  std::string o;
  o.reserve(text.size());
  for (char c : text) {
    if (c == '<') o += "&lt;";
    else if (c == '>') o += "&gt;";
    else if (c == '&') o += "&amp;";
    else o += c;
  }
  return o;
}

}  // namespace qta
