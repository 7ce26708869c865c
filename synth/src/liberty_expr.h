// Liberty boolean function expressions ("(!(A B))", "A'+B", "(A^B)") as a tree that can be
// evaluated and printed as a Verilog expression.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace qta::synth {

struct BoolExpr {
  enum class Op { Var, Const, Not, And, Or, Xor } op = Op::Const;
  std::string var;  // Op::Var
  bool value = false;  // Op::Const
  std::vector<std::unique_ptr<BoolExpr>> args;

  bool eval(const std::function<bool(const std::string&)>& value_of) const;
  std::string to_verilog() const;
  void variables(std::vector<std::string>& out) const;
};

// Operators, loosest first: | and +, ^, & * and juxtaposition, prefix ! and postfix '.
// Throws std::runtime_error naming the expression on a syntax error.
std::unique_ptr<BoolExpr> parse_bool_expr(const std::string& text);

}  // namespace qta::synth
