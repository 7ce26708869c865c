#include "qta/harness/core.h"

#include <array>
#include <string>

namespace qta::harness {

namespace {
struct UnitInfo {
  Unit unit;
  std::string_view name;
  int exponent;
};
constexpr std::array<UnitInfo, 7> kUnits{{{Unit::step, "step", 0},
                                          {Unit::fs, "fs", -15},
                                          {Unit::ps, "ps", -12},
                                          {Unit::ns, "ns", -9},
                                          {Unit::us, "us", -6},
                                          {Unit::ms, "ms", -3},
                                          {Unit::sec, "sec", 0}}};
}  // namespace

Unit parse_unit(std::string_view name) {
  for (const auto& u : kUnits)
    if (u.name == name) return u.unit;
  if (name == "s") return Unit::sec;
  throw std::invalid_argument("unknown time unit '" + std::string(name) +
                              "' (valid: step, fs, ps, ns, us, ms, sec)");
}

std::string_view unit_name(Unit u) {
  for (const auto& i : kUnits)
    if (i.unit == u) return i.name;
  return "?";
}

int unit_exponent(Unit u) {
  for (const auto& i : kUnits)
    if (i.unit == u) return i.exponent;
  return 0;
}

void WaitNode::unlink() {
  if (list_) list_->remove(*this);
}

void WaitList::push_back(WaitNode& n) {
  n.unlink();
  n.list_ = this;
  n.prev_ = tail_;
  n.next_ = nullptr;
  if (tail_)
    tail_->next_ = &n;
  else
    head_ = &n;
  tail_ = &n;
}

void WaitList::remove(WaitNode& n) {
  if (n.list_ != this) return;
  if (n.prev_)
    n.prev_->next_ = n.next_;
  else
    head_ = n.next_;
  if (n.next_)
    n.next_->prev_ = n.prev_;
  else
    tail_ = n.prev_;
  n.list_ = nullptr;
  n.prev_ = n.next_ = nullptr;
}

std::size_t WaitList::size() const {
  std::size_t k = 0;
  for (WaitNode* n = head_; n; n = n->next_) ++k;
  return k;
}

WaitNode* WaitList::pop_front() {
  WaitNode* n = head_;
  if (n) remove(*n);
  return n;
}

void WaitList::fire_all() {
  // Move the armed nodes to a private list first: a node disarmed while others fire (First)
  // leaves it, and a node re-armed while firing (ClockCycles) waits for the next fire_all().
  WaitList firing;
  while (WaitNode* n = pop_front()) firing.push_back(*n);
  while (WaitNode* n = firing.pop_front()) n->fire();
}

void WaitList::move_to(WaitList& dst) {
  while (WaitNode* n = pop_front()) dst.push_back(*n);
}

void WaitList::clear() {
  while (pop_front()) {
  }
}

}  // namespace qta::harness
