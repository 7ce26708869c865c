#include "qta/harness/signal.h"

#include <fmt/format.h>

#include <cstring>
#include <stdexcept>

#include "qta/harness/scheduler.h"

namespace qta::harness {

namespace {
int word_count(int width) { return (width + 31) / 32; }
uint64_t mask_of(int width) { return width >= 64 ? ~0ULL : ((1ULL << width) - 1); }
}  // namespace

Signal::Signal(void* data, Storage st, int width, int capacity, std::string name)
    : data_(data), width_(width), storage_(st), name_(std::move(name)) {
  if (width < 1 || width > capacity)
    throw std::invalid_argument(fmt::format("signal '{}': width {} does not fit its storage (1..{})",
                                            name_, width, capacity));
}

Signal Signal::from_storage(void* data, Storage st, int width, std::string name) {
  const int capacity = st == Storage::u8    ? 8
                       : st == Storage::u16 ? 16
                       : st == Storage::u32 ? 32
                       : st == Storage::u64 ? 64
                                            : ((width + 31) / 32) * 32;
  return Signal(data, st, width, capacity, std::move(name));
}

uint64_t Signal::value() const {
  switch (storage_) {
    case Storage::u8: return *static_cast<const uint8_t*>(data_) & mask_of(width_);
    case Storage::u16: return *static_cast<const uint16_t*>(data_) & mask_of(width_);
    case Storage::u32: return *static_cast<const uint32_t*>(data_) & mask_of(width_);
    case Storage::u64: return *static_cast<const uint64_t*>(data_) & mask_of(width_);
    case Storage::wide: break;
  }
  if (width_ > 64)
    throw std::logic_error(fmt::format("signal '{}' is {} bits wide: read it with words()", name_,
                                       width_));
  const auto* w = static_cast<const uint32_t*>(data_);
  uint64_t v = w[0];
  if (width_ > 32) v |= static_cast<uint64_t>(w[1]) << 32;
  return v & mask_of(width_);
}

int64_t Signal::value_signed() const {
  uint64_t v = value();
  if (width_ < 64 && (v >> (width_ - 1)) & 1) v |= ~mask_of(width_);
  return static_cast<int64_t>(v);
}

std::vector<uint32_t> Signal::words() const {
  if (storage_ != Storage::wide) {
    uint64_t v = value();
    std::vector<uint32_t> out{static_cast<uint32_t>(v)};
    if (width_ > 32) out.push_back(static_cast<uint32_t>(v >> 32));
    return out;
  }
  const auto* w = static_cast<const uint32_t*>(data_);
  std::vector<uint32_t> out(w, w + word_count(width_));
  if (width_ % 32) out.back() &= static_cast<uint32_t>(mask_of(width_ % 32));
  return out;
}

bool Signal::bit(int i) const {
  if (i < 0 || i >= width_)
    throw std::out_of_range(
        fmt::format("bit {} of signal '{}' does not exist (0..{})", i, name_, width_ - 1));
  return (words()[i / 32] >> (i % 32)) & 1;
}

void Signal::check_fits(uint64_t v) const {
  if (width_ < 64 && (v >> width_) != 0)
    throw std::out_of_range(fmt::format("value {:#x} does not fit in {}-bit signal '{}' (0..{:#x})",
                                        v, width_, name_, mask_of(width_)));
}

void Signal::set(uint64_t v) const {
  if (width_ > 64)
    throw std::logic_error(fmt::format("signal '{}' is {} bits wide: write it with set_words()",
                                       name_, width_));
  check_fits(v);
  Scheduler::current().schedule_write(*this, v);
}

void Signal::set_signed(int64_t v) const {
  const int64_t lo = width_ >= 64 ? INT64_MIN : -(int64_t{1} << (width_ - 1));
  const int64_t hi = width_ >= 64 ? INT64_MAX : (int64_t{1} << (width_ - 1)) - 1;
  if (v < lo || v > hi)
    throw std::out_of_range(fmt::format("value {} does not fit in signed {}-bit signal '{}' ({}..{})",
                                        v, width_, name_, lo, hi));
  set(static_cast<uint64_t>(v) & mask_of(width_));
}

void Signal::set_words(const std::vector<uint32_t>& words) const {
  const auto n = static_cast<std::size_t>(word_count(width_));
  if (words.size() != n)
    throw std::invalid_argument(fmt::format("signal '{}' ({} bits) takes {} words, got {}", name_,
                                            width_, n, words.size()));
  if (width_ % 32 && (words.back() >> (width_ % 32)) != 0)
    throw std::out_of_range(
        fmt::format("top word {:#x} does not fit in {}-bit signal '{}'", words.back(), width_, name_));
  Scheduler::current().schedule_write(*this, words);
}

void Signal::store(uint64_t v) const {
  switch (storage_) {
    case Storage::u8: *static_cast<uint8_t*>(data_) = static_cast<uint8_t>(v); return;
    case Storage::u16: *static_cast<uint16_t*>(data_) = static_cast<uint16_t>(v); return;
    case Storage::u32: *static_cast<uint32_t*>(data_) = static_cast<uint32_t>(v); return;
    case Storage::u64: *static_cast<uint64_t*>(data_) = v; return;
    case Storage::wide: break;
  }
  std::vector<uint32_t> w{static_cast<uint32_t>(v)};
  if (width_ > 32) w.push_back(static_cast<uint32_t>(v >> 32));
  w.resize(static_cast<std::size_t>(word_count(width_)), 0);
  store_words(w);
}

void Signal::store_words(const std::vector<uint32_t>& words) const {
  if (storage_ != Storage::wide) {
    uint64_t v = words.empty() ? 0 : words[0];
    if (words.size() > 1) v |= static_cast<uint64_t>(words[1]) << 32;
    store(v);
    return;
  }
  std::memcpy(data_, words.data(), words.size() * sizeof(uint32_t));
}

}  // namespace qta::harness
