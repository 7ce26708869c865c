// Signal: a thin handle on one Verilator model member (cocotb: a SimHandle such as dut.clk).
//
//   Signal clk = dut.signal(top.clk_i, "clk_i", 1);
//   clk.set(1);                   // cocotb `dut.clk.value = 1`: applied at the next eval
//   uint64_t v = count.value();   // cocotb `dut.count.value`: the model's current value
//
// Widths up to 64 bits are read and written as uint64_t; wider signals (VlWide) as 32-bit words,
// least significant first.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace qta::harness {

class Signal {
 public:
  enum class Storage { u8, u16, u32, u64, wide };

  Signal() = default;
  Signal(uint8_t& s, std::string name, int width = 8) : Signal(&s, Storage::u8, width, 8, std::move(name)) {}
  Signal(uint16_t& s, std::string name, int width = 16)
      : Signal(&s, Storage::u16, width, 16, std::move(name)) {}
  Signal(uint32_t& s, std::string name, int width = 32)
      : Signal(&s, Storage::u32, width, 32, std::move(name)) {}
  Signal(uint64_t& s, std::string name, int width = 64)
      : Signal(&s, Storage::u64, width, 64, std::move(name)) {}
  // VlWide<N> and anything else exposing `uint32_t* data()` over N words.
  template <class W>
    requires requires(W& w) {
      { w.data() } -> std::convertible_to<uint32_t*>;
    }
  Signal(W& s, std::string name, int width = static_cast<int>(sizeof(W) * 8))
      : Signal(s.data(), Storage::wide, width, static_cast<int>(sizeof(W) * 8), std::move(name)) {}

  // A handle on raw model storage of the given kind (used by name lookup).
  static Signal from_storage(void* data, Storage st, int width, std::string name);

  bool valid() const { return data_ != nullptr; }
  const std::string& name() const { return name_; }
  int width() const { return width_; }
  const void* key() const { return data_; }

  // Current value in the model. value() needs width <= 64.
  uint64_t value() const;
  int64_t value_signed() const;  // two's complement of `width` bits
  std::vector<uint32_t> words() const;
  bool bit(int i) const;

  // Deferred writes with cocotb's timing: applied at the next eval (the ReadWrite phase of the
  // current time step). The last write of a time step wins. A write during ReadOnly throws
  // PhaseError. Values must fit the width (set_signed: in [-2^(w-1), 2^(w-1)-1]).
  void set(uint64_t v) const;
  void set_signed(int64_t v) const;
  void set_words(const std::vector<uint32_t>& words) const;

  // Raw access for the scheduler: write now without scheduling.
  void store_words(const std::vector<uint32_t>& words) const;
  void store(uint64_t v) const;

 private:
  Signal(void* data, Storage st, int width, int capacity, std::string name);
  void check_fits(uint64_t v) const;
  void* data_ = nullptr;
  int width_ = 0;
  Storage storage_ = Storage::u8;
  std::string name_;
};

}  // namespace qta::harness
