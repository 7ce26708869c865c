// Task<T>: the coroutine type of the harness (cocotb: `async def` coroutine / cocotb.Task).
//
//   Task<int> add_later(int a, int b) { co_await Timer(10, Unit::ns); co_return a + b; }
//   int v = co_await add_later(1, 2);          // not started: runs inline, like `await coro()`
//   Task<int> t = start_soon(add_later(1, 2)); // runs concurrently, like cocotb.start_soon()
//   int w = co_await t;                        // started: joins it (result or its exception)
//   t.cancel();                                // throws CancelledError into it at its await
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <type_traits>
#include <string>
#include <utility>

#include "qta/harness/core.h"

namespace qta::harness {

class Scheduler;
template <class T>
class Task;

// Something a task is currently suspended on; cancel() disarms it before throwing into the task.
struct Suspension {
  virtual void disarm() = 0;

 protected:
  ~Suspension() = default;
};

// State shared by every coroutine frame. A "root" is a frame started with start_soon (or the
// test itself); frames awaited inline run on their caller's root.
struct PromiseBase {
  std::coroutine_handle<> self;
  int refs = 0;
  PromiseBase* root = this;
  std::coroutine_handle<> continuation;  // the frame awaiting this one inline
  std::exception_ptr error;
  bool started = false;  // scheduled (root) or entered (inline)
  bool done = false;
  // Root-only state.
  Scheduler* sched = nullptr;
  bool is_root = false;
  bool running = false;
  bool queued = false;
  bool cancel_requested = false;
  bool ran = false;  // resumed at least once
  std::coroutine_handle<> resume_point;
  Suspension* suspension = nullptr;
  WaitList joiners;
  std::string name;

  void add_ref() noexcept { ++refs; }
  void release() noexcept;
  bool cancelled() const;
};

namespace detail {
void warn_never_awaited(const PromiseBase& p) noexcept;  // like Python's RuntimeWarning
void start_root(PromiseBase& p, std::string name);  // Scheduler::current().start_soon
void cancel_root(PromiseBase& p);
void root_finished(PromiseBase& p) noexcept;
void rethrow_if_error(const PromiseBase& p);

struct FinalAwaiter {
  bool await_ready() noexcept { return false; }
  template <class P>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
    PromiseBase& p = h.promise();
    p.done = true;
    if (p.continuation) return p.continuation;
    if (p.is_root) root_finished(p);
    return std::noop_coroutine();
  }
  void await_resume() noexcept {}
};

template <class T>
struct Promise : PromiseBase {
  std::optional<T> value;
  Task<T> get_return_object();
  std::suspend_always initial_suspend() noexcept { return {}; }
  FinalAwaiter final_suspend() noexcept { return {}; }
  template <class U>
  void return_value(U&& v) {
    value.emplace(std::forward<U>(v));
  }
  void unhandled_exception() noexcept { error = std::current_exception(); }
};

template <>
struct Promise<void> : PromiseBase {
  Task<void> get_return_object();
  std::suspend_always initial_suspend() noexcept { return {}; }
  FinalAwaiter final_suspend() noexcept { return {}; }
  void return_void() noexcept {}
  void unhandled_exception() noexcept { error = std::current_exception(); }
};

template <class T>
class TaskAwaiter;
}  // namespace detail

inline void PromiseBase::release() noexcept {
  if (--refs == 0) {
    if (!started) detail::warn_never_awaited(*this);
    self.destroy();
  }
}

template <class T = void>
class Task {
 public:
  using promise_type = detail::Promise<T>;
  using handle_type = std::coroutine_handle<promise_type>;
  using value_type = T;

  Task() = default;
  explicit Task(handle_type h) : h_(h) {
    if (h_) h_.promise().add_ref();
  }
  Task(const Task& o) : Task(o.h_) {}
  Task(Task&& o) noexcept : h_(std::exchange(o.h_, {})) {}
  Task& operator=(Task o) noexcept {
    std::swap(h_, o.h_);
    return *this;
  }
  ~Task() {
    if (h_) h_.promise().release();
  }

  bool valid() const { return static_cast<bool>(h_); }
  bool started() const { return h_.promise().started; }
  bool done() const { return h_.promise().done; }
  // Finished by cancellation (cocotb: Task.cancelled()).
  bool cancelled() const { return h_.promise().cancelled(); }
  std::exception_ptr exception() const { return h_.promise().error; }
  const std::string& name() const { return h_.promise().name; }
  // The task's return value; rethrows its exception. Only valid once done().
  T result() const {
    detail::rethrow_if_error(h_.promise());
    if constexpr (!std::is_void_v<T>) return *h_.promise().value;
  }
  // Throws CancelledError into the task at its current await (also inside nested coroutines);
  // a task that was scheduled but never ran is finished as cancelled. No-op when done.
  void cancel() const { detail::cancel_root(h_.promise()); }

  // Joining (started task) or running inline (not started), see the file comment.
  detail::TaskAwaiter<T> operator co_await() const;

  PromiseBase& base() const { return h_.promise(); }
  handle_type handle() const { return h_; }

 private:
  handle_type h_{};
};

template <class T>
Task<T> detail::Promise<T>::get_return_object() {
  auto h = std::coroutine_handle<Promise<T>>::from_promise(*this);
  self = h;
  return Task<T>(h);
}
inline Task<void> detail::Promise<void>::get_return_object() {
  auto h = std::coroutine_handle<Promise<void>>::from_promise(*this);
  self = h;
  return Task<void>(h);
}

// Schedules `t` to run as its own task once the current task yields (cocotb.start_soon).
// Returns the same task, now started, for joining or cancelling.
template <class T>
Task<T> start_soon(Task<T> t, std::string name = {}) {
  if (!t.valid()) throw std::invalid_argument("start_soon: empty task");
  if (t.started()) throw PhaseError("start_soon: task '" + t.name() + "' was already started");
  detail::start_root(t.base(), std::move(name));
  return t;
}


namespace detail {
bool shutting_down();                // the current test is over: every await throws CancelledError
void wake_root(PromiseBase& root);   // queue `root` to resume at its resume_point

// A wait node that wakes a Waker: the building block of every trigger.
struct WakerNode : WaitNode {
  Waker* waker = nullptr;
  void fire() override { waker->wake(); }
};

// Awaits any trigger type (Timer, RisingEdge, First, ...). A trigger provides
//   bool ready() const;     already satisfied: do not suspend
//   void arm(Waker&);       start waiting; wake the waker exactly once when it fires
//   void disarm();          stop waiting (idempotent)
//   R result();             what `co_await` yields (may rethrow)
template <class Trig>
class TriggerAwaiter final : public Waker, public Suspension {
 public:
  explicit TriggerAwaiter(Trig t) : trig_(std::move(t)) {}
  TriggerAwaiter(const TriggerAwaiter&) = delete;
  TriggerAwaiter(TriggerAwaiter&& o) : trig_(std::move(o.trig_)) {}
  ~TriggerAwaiter() { trig_.disarm(); }

  bool await_ready() { return shutting_down() || trig_.ready(); }
  template <class P>
  void await_suspend(std::coroutine_handle<P> h) {
    root_ = h.promise().root;
    root_->resume_point = h;
    root_->suspension = this;
    trig_.arm(*this);
  }
  decltype(auto) await_resume() {
    if (root_) {
      root_->suspension = nullptr;
      if (root_->cancel_requested) {
        root_->cancel_requested = false;
        throw CancelledError();
      }
    }
    if (shutting_down()) throw CancelledError();
    return trig_.result();
  }
  void wake() override { wake_root(*root_); }
  void disarm() override { trig_.disarm(); }

 private:
  Trig trig_;
  PromiseBase* root_ = nullptr;
};
}  // namespace detail

// Trigger that fires when a task finishes (cocotb: task.join() / awaiting a Task). Starts the
// task if it was not started. Yields the task's result or rethrows its exception.
template <class T>
class Join {
 public:
  explicit Join(Task<T> t) : task_(std::move(t)) {}
  bool ready() const { return task_.started() && task_.done(); }
  void arm(Waker& w) {
    if (!task_.started()) start_soon(task_);
    node_.waker = &w;
    task_.base().joiners.push_back(node_);
  }
  void disarm() { node_.unlink(); }
  T result() const { return task_.result(); }
  const Task<T>& task() const { return task_; }
  detail::TriggerAwaiter<Join> operator co_await() const& { return detail::TriggerAwaiter<Join>(*this); }
  detail::TriggerAwaiter<Join> operator co_await() && { return detail::TriggerAwaiter<Join>(std::move(*this)); }

 private:
  Task<T> task_;
  detail::WakerNode node_;
};

namespace detail {
template <class T>
class TaskAwaiter {
 public:
  explicit TaskAwaiter(Task<T> t) : task_(std::move(t)) {}
  bool await_ready() {
    inline_ = !task_.started();
    if (inline_) return false;
    join_.emplace(Join<T>(task_));
    return join_->await_ready();
  }
  template <class P>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) {
    if (inline_) {
      PromiseBase& child = task_.base();
      child.root = h.promise().root;
      child.sched = h.promise().root->sched;
      child.continuation = h;
      child.started = true;
      return task_.handle();
    }
    join_->await_suspend(h);
    return std::noop_coroutine();
  }
  T await_resume() {
    if (!inline_) return join_->await_resume();
    rethrow_if_error(task_.base());
    if constexpr (!std::is_void_v<T>) return std::move(*task_.handle().promise().value);
  }

 private:
  Task<T> task_;
  bool inline_ = false;
  std::optional<TriggerAwaiter<Join<T>>> join_;
};
}  // namespace detail

template <class T>
detail::TaskAwaiter<T> Task<T>::operator co_await() const {
  return detail::TaskAwaiter<T>(*this);
}

namespace detail {
template <class T>
class StartAwaiter {
 public:
  explicit StartAwaiter(Task<T> t) : task_(std::move(t)) {}
  bool await_ready() { return shutting_down(); }
  template <class P>
  void await_suspend(std::coroutine_handle<P> h) {
    root_ = h.promise().root;
    start_soon(task_);       // queued first ...
    root_->resume_point = h;
    wake_root(*root_);       // ... so it runs until its first await before the caller resumes
  }
  Task<T> await_resume() {
    if (shutting_down() || (root_ && root_->cancel_requested)) {
      if (root_) root_->cancel_requested = false;
      throw CancelledError();
    }
    return task_;
  }

 private:
  Task<T> task_;
  PromiseBase* root_ = nullptr;
};
}  // namespace detail

// Starts `t` and lets it run until its first await before the caller continues (cocotb.start).
//   Task<int> t = co_await start(f());
template <class T>
detail::StartAwaiter<T> start(Task<T> t) {
  return detail::StartAwaiter<T>(std::move(t));
}

template <class T>
Join<T> join(const Task<T>& t) {
  return Join<T>(t);
}

}  // namespace qta::harness
