#include "liberty_expr.h"

#include <cctype>
#include <stdexcept>

namespace qta::synth {
namespace {

using Ptr = std::unique_ptr<BoolExpr>;

Ptr make(BoolExpr::Op op) {
  auto e = std::make_unique<BoolExpr>();
  e->op = op;
  return e;
}

class ExprParser {
 public:
  explicit ExprParser(const std::string& text) : s_(text) {}

  Ptr parse() {
    Ptr e = parse_or();
    skip_space();
    if (pos_ != s_.size()) fail("unexpected character");
    return e;
  }

 private:
  const std::string& s_;
  size_t pos_ = 0;

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("liberty function \"" + s_ + "\": " + what + " at position " +
                             std::to_string(pos_));
  }
  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool peek_is(char c) {
    skip_space();
    return pos_ < s_.size() && s_[pos_] == c;
  }
  bool starts_primary() {
    skip_space();
    if (pos_ >= s_.size()) return false;
    char c = s_[pos_];
    return c == '(' || c == '!' || std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  }
  Ptr binary(BoolExpr::Op op, Ptr a, Ptr b) {
    Ptr e = make(op);
    e->args.push_back(std::move(a));
    e->args.push_back(std::move(b));
    return e;
  }
  Ptr parse_or() {
    Ptr e = parse_xor();
    while (peek_is('|') || peek_is('+')) {
      ++pos_;
      e = binary(BoolExpr::Op::Or, std::move(e), parse_xor());
    }
    return e;
  }
  Ptr parse_xor() {
    Ptr e = parse_and();
    while (peek_is('^')) {
      ++pos_;
      e = binary(BoolExpr::Op::Xor, std::move(e), parse_and());
    }
    return e;
  }
  Ptr parse_and() {
    Ptr e = parse_unary();
    for (;;) {
      if (peek_is('&') || peek_is('*')) {
        ++pos_;
        e = binary(BoolExpr::Op::And, std::move(e), parse_unary());
      } else if (starts_primary()) {  // juxtaposition is AND
        e = binary(BoolExpr::Op::And, std::move(e), parse_unary());
      } else {
        return e;
      }
    }
  }
  Ptr parse_unary() {
    if (peek_is('!')) {
      ++pos_;
      Ptr n = make(BoolExpr::Op::Not);
      n->args.push_back(parse_unary());
      return n;
    }
    Ptr e = parse_primary();
    while (peek_is('\'')) {
      ++pos_;
      Ptr n = make(BoolExpr::Op::Not);
      n->args.push_back(std::move(e));
      e = std::move(n);
    }
    return e;
  }
  Ptr parse_primary() {
    skip_space();
    if (pos_ >= s_.size()) fail("unexpected end");
    if (s_[pos_] == '(') {
      ++pos_;
      Ptr e = parse_or();
      if (!peek_is(')')) fail("missing ')'");
      ++pos_;
      return e;
    }
    size_t start = pos_;
    while (pos_ < s_.size() &&
           (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_' ||
            s_[pos_] == '[' || s_[pos_] == ']'))
      ++pos_;
    if (start == pos_) fail("expected a pin name");
    std::string word = s_.substr(start, pos_ - start);
    if (word == "0" || word == "1") {
      Ptr c = make(BoolExpr::Op::Const);
      c->value = word == "1";
      return c;
    }
    Ptr v = make(BoolExpr::Op::Var);
    v->var = word;
    return v;
  }
};

}  // namespace

std::unique_ptr<BoolExpr> parse_bool_expr(const std::string& text) {
  return ExprParser(text).parse();
}

bool BoolExpr::eval(const std::function<bool(const std::string&)>& value_of) const {
  switch (op) {
    case Op::Var: return value_of(var);
    case Op::Const: return value;
    case Op::Not: return !args[0]->eval(value_of);
    case Op::And: return args[0]->eval(value_of) && args[1]->eval(value_of);
    case Op::Or: return args[0]->eval(value_of) || args[1]->eval(value_of);
    case Op::Xor: return args[0]->eval(value_of) != args[1]->eval(value_of);
  }
  return false;
}

std::string BoolExpr::to_verilog() const {
  switch (op) {
    case Op::Var: return var;
    case Op::Const: return value ? "1'b1" : "1'b0";
    case Op::Not: return "~(" + args[0]->to_verilog() + ")";
    case Op::And: return "(" + args[0]->to_verilog() + " & " + args[1]->to_verilog() + ")";
    case Op::Or: return "(" + args[0]->to_verilog() + " | " + args[1]->to_verilog() + ")";
    case Op::Xor: return "(" + args[0]->to_verilog() + " ^ " + args[1]->to_verilog() + ")";
  }
  return "";
}

void BoolExpr::variables(std::vector<std::string>& out) const {
  if (op == Op::Var) {
    for (const auto& v : out)
      if (v == var) return;
    out.push_back(var);
  }
  for (const auto& a : args) a->variables(out);
}

}  // namespace qta::synth
