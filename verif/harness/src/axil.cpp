#include "qta/harness/axil.h"

#include <fmt/format.h>

#include "qta/harness/test.h"
#include "qta/harness/triggers.h"

namespace qta::harness {

const char* axi_resp_name(uint32_t resp) {
  switch (resp) {
    case kAxiOkay: return "OKAY";
    case kAxiExOkay: return "EXOKAY";
    case kAxiSlvErr: return "SLVERR";
    case kAxiDecErr: return "DECERR";
  }
  return "?";
}

AxiLiteMaster::AxiLiteMaster(AxiLiteBus bus, std::string name, uint64_t seed)
    : bus_(std::move(bus)), name_(std::move(name)), rng_(seed), write_lock_(name_ + ".write"), read_lock_(name_ + ".read") {}

void AxiLiteMaster::idle() {
  bus_.awvalid.set(0);
  bus_.awaddr.set(0);
  bus_.awprot.set(0);
  bus_.wvalid.set(0);
  bus_.wdata.set(0);
  bus_.wstrb.set(0);
  bus_.bready.set(0);
  bus_.arvalid.set(0);
  bus_.araddr.set(0);
  bus_.arprot.set(0);
  bus_.rready.set(0);
}

int AxiLiteMaster::draw(int max) {
  if (max <= 0) return 0;
  return int(std::uniform_int_distribution<int>(0, max)(rng_));
}

Task<uint32_t> AxiLiteMaster::write(uint32_t addr, uint32_t data, uint32_t strb) {
  co_await write_lock_.acquire();
  // Each channel: wait its delay, raise VALID with the payload, hold until READY was seen in
  // ReadOnly (the handshake completes at the next rising edge), then drop VALID.
  int aw_wait = draw(delays_.max_valid_delay), w_wait = draw(delays_.max_valid_delay);
  int b_wait = draw(delays_.max_ready_delay);
  bool aw_done = false, w_done = false;
  uint32_t resp = 0;
  uint64_t cycles = 0;
  for (;;) {
    // Right after a rising edge: drive this cycle's values.
    if (!aw_done && aw_wait == 0) {
      bus_.awvalid.set(1);
      bus_.awaddr.set(addr);
      bus_.awprot.set(0);
    }
    if (!w_done && w_wait == 0) {
      bus_.wvalid.set(1);
      bus_.wdata.set(data);
      bus_.wstrb.set(strb);
    }
    bool ready_now = false;
    if (b_wait == 0)
      ready_now = !delays_.ready_toggle || (rng_() & 3) != 0;
    bus_.bready.set(ready_now);
    co_await ReadOnly();
    const bool aw_hs = !aw_done && aw_wait == 0 && bus_.awready.value();
    const bool w_hs = !w_done && w_wait == 0 && bus_.wready.value();
    const bool b_hs = ready_now && bus_.bvalid.value();
    if (b_hs) resp = uint32_t(bus_.bresp.value());
    co_await RisingEdge(bus_.clk);
    ++cycles;
    if (aw_hs) {
      aw_done = true;
      bus_.awvalid.set(0);
    } else if (!aw_done && aw_wait > 0) {
      --aw_wait;
    }
    if (w_hs) {
      w_done = true;
      bus_.wvalid.set(0);
    } else if (!w_done && w_wait > 0) {
      --w_wait;
    }
    if (b_wait > 0) --b_wait;
    if (b_hs) break;
  }
  bus_.bready.set(0);
  ++writes_;
  bus_cycles_ += cycles;
  write_lock_.release();
  co_return resp;
}

Task<std::pair<uint32_t, uint32_t>> AxiLiteMaster::read(uint32_t addr) {
  co_await read_lock_.acquire();
  int ar_wait = draw(delays_.max_valid_delay), r_wait = draw(delays_.max_ready_delay);
  bool ar_done = false;
  std::pair<uint32_t, uint32_t> out{0, 0};
  uint64_t cycles = 0;
  for (;;) {
    if (!ar_done && ar_wait == 0) {
      bus_.arvalid.set(1);
      bus_.araddr.set(addr);
      bus_.arprot.set(0);
    }
    bool ready_now = false;
    if (r_wait == 0) ready_now = !delays_.ready_toggle || (rng_() & 3) != 0;
    bus_.rready.set(ready_now);
    co_await ReadOnly();
    const bool ar_hs = !ar_done && ar_wait == 0 && bus_.arready.value();
    const bool r_hs = ready_now && bus_.rvalid.value();
    if (r_hs) out = {uint32_t(bus_.rdata.value()), uint32_t(bus_.rresp.value())};
    co_await RisingEdge(bus_.clk);
    ++cycles;
    if (ar_hs) {
      ar_done = true;
      bus_.arvalid.set(0);
    } else if (!ar_done && ar_wait > 0) {
      --ar_wait;
    }
    if (r_wait > 0) --r_wait;
    if (r_hs) break;
  }
  bus_.rready.set(0);
  ++reads_;
  bus_cycles_ += cycles;
  read_lock_.release();
  co_return out;
}

AxiLiteChecker::AxiLiteChecker(AxiLiteBus bus, Signal reset_n, std::string name)
    : bus_(std::move(bus)), rst_n_(std::move(reset_n)), name_(std::move(name)) {}

namespace {
// One channel's VALID, READY and payload as sampled in a cycle.
struct ChannelSample {
  bool valid = false, ready = false;
  std::vector<uint64_t> payload;
};
ChannelSample sample(const Signal& valid, const Signal& ready, std::initializer_list<const Signal*> payload) {
  ChannelSample s;
  s.valid = valid.value() != 0;
  s.ready = ready.value() != 0;
  for (const Signal* p : payload) s.payload.push_back(p->value());
  return s;
}
}  // namespace

Task<> AxiLiteChecker::run() {
  struct Channel {
    const char* name;
    ChannelSample last;
  };
  Channel aw{"AW", {}}, w{"W", {}}, b{"B", {}}, ar{"AR", {}}, r{"R", {}};
  bool was_in_reset = true;
  co_await RisingEdge(bus_.clk);  // sample once per cycle, in the ReadOnly phase after its rising edge
  for (;;) {
    co_await ReadOnly();
    const bool in_reset = rst_n_.value() == 0;
    if (in_reset) {
      was_in_reset = true;
      aw.last = w.last = b.last = ar.last = r.last = {};
      co_await RisingEdge(bus_.clk);
      continue;
    }
    ++cycles_;
    const ChannelSample s_aw = sample(bus_.awvalid, bus_.awready, {&bus_.awaddr, &bus_.awprot});
    const ChannelSample s_w = sample(bus_.wvalid, bus_.wready, {&bus_.wdata, &bus_.wstrb});
    const ChannelSample s_b = sample(bus_.bvalid, bus_.bready, {&bus_.bresp});
    const ChannelSample s_ar = sample(bus_.arvalid, bus_.arready, {&bus_.araddr, &bus_.arprot});
    const ChannelSample s_r = sample(bus_.rvalid, bus_.rready, {&bus_.rdata, &bus_.rresp});
    auto fail = [&](const std::string& rule) {
      QTA_FAIL("AXI4-Lite protocol checker {}: {} (cycle {} after reset)", name_, rule, cycles_);
    };
    if (was_in_reset && (s_b.valid || s_r.valid))
      fail(fmt::format("{}VALID is high in the first cycle after reset: a response register without reset",
                       s_b.valid ? "B" : "R"));
    was_in_reset = false;
    for (auto [ch, now] : {std::pair{&aw, &s_aw}, {&w, &s_w}, {&b, &s_b}, {&ar, &s_ar}, {&r, &s_r}}) {
      if (ch->last.valid && !ch->last.ready) {
        if (!now->valid) fail(fmt::format("{}VALID dropped before {}READY", ch->name, ch->name));
        if (now->payload != ch->last.payload)
          fail(fmt::format("the {} payload changed while {}VALID waited for {}READY", ch->name, ch->name, ch->name));
      }
    }
    // Responses: a B needs an AW and a W taken before it (in an earlier cycle or this one's
    // handshakes counted first), an R an AR.
    if (s_b.valid && !(b.last.valid && !b.last.ready)) {  // a new B
      if (aw_hs_ <= b_hs_ || w_hs_ <= b_hs_)
        fail(fmt::format("BVALID before the write's address and data were both taken (AW {}, W {}, B {})", aw_hs_,
                         w_hs_, b_hs_));
    }
    if (s_r.valid && !(r.last.valid && !r.last.ready)) {
      if (ar_hs_ <= r_hs_) fail(fmt::format("RVALID before the read's address was taken (AR {}, R {})", ar_hs_, r_hs_));
    }
    if (s_b.valid && s_b.payload[0] == kAxiExOkay) fail("BRESP is EXOKAY: AXI4-Lite has no exclusive accesses");
    if (s_r.valid && s_r.payload[1] == kAxiExOkay) fail("RRESP is EXOKAY: AXI4-Lite has no exclusive accesses");
    aw_hs_ += s_aw.valid && s_aw.ready;
    w_hs_ += s_w.valid && s_w.ready;
    b_hs_ += s_b.valid && s_b.ready;
    ar_hs_ += s_ar.valid && s_ar.ready;
    r_hs_ += s_r.valid && s_r.ready;
    aw.last = s_aw;
    w.last = s_w;
    b.last = s_b;
    ar.last = s_ar;
    r.last = s_r;
    co_await RisingEdge(bus_.clk);
  }
}

}  // namespace qta::harness
