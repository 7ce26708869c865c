// Scoreboard: compares what a monitor saw with what the test expected, in order, and reports the
// first mismatch with its index, the expected and the actual value, and the seed.
#pragma once

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>

#include "qta/harness/components.h"
#include "qta/harness/core.h"
#include "qta/harness/log.h"

namespace qta::harness {

template <class T>
class Scoreboard {
 public:
  Scoreboard(std::string name, uint64_t seed) : name_(std::move(name)), seed_(seed), log_(logger("qta." + name_)) {}

  // Formats a value in messages (default: fmt "{}", or "<T>" when T cannot be formatted).
  std::function<std::string(const T&)> format = [](const T& v) {
    if constexpr (fmt::is_formattable<T>::value)
      return fmt::format("{}", v);
    else
      return std::string("<value>");
  };

  void expect(T v) { expected_.push_back(std::move(v)); }
  // Every item the monitor emits is compared (cocotb-bus: scoreboard.add_interface).
  void connect(Monitor<T>& m) {
    m.add_callback([this](const T& v) { got(v); });
  }
  // Compares one actual item; the first mismatch throws TestFailure (which fails the test from
  // the monitor's task).
  void got(const T& v) {
    const std::size_t index = matched_ + mismatched_;
    if (expected_.empty()) {
      fail_now(fmt::format("scoreboard {}: unexpected item {} at index {}: nothing was expected (seed {})",
                           name_, format(v), index, seed_));
    }
    T e = std::move(expected_.front());
    expected_.pop_front();
    if (!(e == v)) {
      ++mismatched_;
      fail_now(fmt::format("scoreboard {}: first mismatch at index {}: expected {}, got {} (seed {})",
                           name_, index, format(e), format(v), seed_));
    }
    ++matched_;
  }
  // At the end of a test: every expected item must have been seen.
  void check() const {
    if (first_error_) throw TestFailure(*first_error_);
    if (!expected_.empty())
      throw TestFailure(fmt::format("scoreboard {}: {} item(s) expected but never seen, the first is {} at "
                                    "index {} (seed {})",
                                    name_, expected_.size(), format(expected_.front()), matched_, seed_));
    log_->info("scoreboard {}: {} items matched", name_, matched_);
  }
  std::size_t matched() const { return matched_; }
  std::size_t outstanding() const { return expected_.size(); }

 private:
  [[noreturn]] void fail_now(std::string msg) {
    if (!first_error_) first_error_ = msg;
    log_->error("{}", msg);
    throw TestFailure(msg);
  }
  std::string name_;
  uint64_t seed_;
  std::shared_ptr<spdlog::logger> log_;
  std::deque<T> expected_;
  std::size_t matched_ = 0, mismatched_ = 0;
  std::optional<std::string> first_error_;
};

}  // namespace qta::harness
