// Event and Queue with cocotb's semantics (cocotb.triggers.Event, cocotb.queue.Queue).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <utility>

#include "qta/harness/task.h"
#include "qta/harness/triggers.h"

namespace qta::harness {

class Event;

// Trigger of Event::wait(): fires at once when the event is already set.
class EventWait : public TriggerBase<EventWait> {
 public:
  explicit EventWait(Event& e) : ev_(&e) {}
  bool ready() const;
  void arm(Waker& w);
  void disarm() { node_.unlink(); }
  void result() const {}

 private:
  Event* ev_;
  detail::WakerNode node_;
};

// set() wakes every waiter; wait() on a set event does not block; clear() resets it.
class Event {
 public:
  explicit Event(std::string name = {}) : name_(std::move(name)) {}
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  void set() {
    set_ = true;
    waiters_.fire_all();
  }
  void clear() { set_ = false; }
  bool is_set() const { return set_; }
  EventWait wait() { return EventWait(*this); }
  const std::string& name() const { return name_; }

 private:
  friend class EventWait;
  WaitList waiters_;
  bool set_ = false;
  std::string name_;
};

inline bool EventWait::ready() const { return ev_->set_; }
inline void EventWait::arm(Waker& w) {
  node_.waker = &w;
  if (ev_->set_)
    w.wake();
  else
    ev_->waiters_.push_back(node_);
}

// Mutual exclusion between tasks (cocotb: Lock). `co_await lock.acquire(); ... lock.release();`
// Waiters get the lock in the order they asked for it.
class Lock {
 public:
  explicit Lock(std::string name = {}) : name_(std::move(name)) {}
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;
  bool locked() const { return locked_; }
  Task<> acquire() {
    const uint64_t ticket = next_ticket_++;
    while (locked_ || ticket != serving_) {
      released_.clear();
      co_await released_.wait();
    }
    locked_ = true;
    ++serving_;
  }
  void release() {
    if (!locked_) throw PhaseError("Lock '" + name_ + "' released while not locked");
    locked_ = false;
    released_.set();
  }

 private:
  bool locked_ = false;
  uint64_t next_ticket_ = 0, serving_ = 0;
  Event released_;
  std::string name_;
};

// FIFO between tasks; maxsize 0 means unbounded. get()/put() are coroutines that wait.
template <class T>
class Queue {
 public:
  explicit Queue(std::size_t maxsize = 0) : maxsize_(maxsize) {}
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;

  std::size_t qsize() const { return items_.size(); }
  std::size_t maxsize() const { return maxsize_; }
  bool empty() const { return items_.empty(); }
  bool full() const { return maxsize_ > 0 && items_.size() >= maxsize_; }

  void put_nowait(T v) {
    if (full()) throw QueueFull();
    items_.push_back(std::move(v));
    not_empty_.set();
  }
  T get_nowait() {
    if (empty()) throw QueueEmpty();
    T v = std::move(items_.front());
    items_.pop_front();
    not_full_.set();
    return v;
  }
  Task<> put(T v) {
    while (full()) {
      not_full_.clear();
      co_await not_full_.wait();
    }
    put_nowait(std::move(v));
  }
  Task<T> get() {
    while (empty()) {
      not_empty_.clear();
      co_await not_empty_.wait();
    }
    co_return get_nowait();
  }

 private:
  std::deque<T> items_;
  std::size_t maxsize_;
  Event not_empty_, not_full_;
};

}  // namespace qta::harness
