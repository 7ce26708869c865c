// Dense row-major matrices: the only container the golden model uses.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace qta::golden {

template <class T>
struct Matrix {
  int64_t rows = 0;
  int64_t cols = 0;
  std::vector<T> data;  // row-major: element (r, c) is data[r * cols + c]

  Matrix() = default;
  Matrix(int64_t r, int64_t c, T init = T{}) : rows(r), cols(c), data(static_cast<size_t>(r * c), init) {}

  T& operator()(int64_t r, int64_t c) { return data[static_cast<size_t>(r * cols + c)]; }
  const T& operator()(int64_t r, int64_t c) const { return data[static_cast<size_t>(r * cols + c)]; }
  int64_t size() const { return rows * cols; }
  bool operator==(const Matrix&) const = default;
};

using MatF = Matrix<float>;
using MatI = Matrix<int32_t>;  // quantized values (|v| <= qmax) and int32 accumulators

// How a GEMM operand is used: as stored (N) or transposed (T).
enum class Op { N, T };

inline const char* op_name(Op op) { return op == Op::N ? "N" : "T"; }

// Shape of op(X): rows and cols after the optional transpose.
template <class T>
int64_t op_rows(const Matrix<T>& x, Op op) { return op == Op::N ? x.rows : x.cols; }
template <class T>
int64_t op_cols(const Matrix<T>& x, Op op) { return op == Op::N ? x.cols : x.rows; }
// Element (r, c) of op(X).
template <class T>
const T& op_at(const Matrix<T>& x, Op op, int64_t r, int64_t c) { return op == Op::N ? x(r, c) : x(c, r); }

template <class T>
Matrix<T> transpose(const Matrix<T>& x) {
  Matrix<T> t(x.cols, x.rows);
  for (int64_t r = 0; r < x.rows; ++r)
    for (int64_t c = 0; c < x.cols; ++c) t(c, r) = x(r, c);
  return t;
}

// FP32 reference GEMM: op(A) * op(B), accumulated in double for a stable reference.
MatF matmul(const MatF& a, Op op_a, const MatF& b, Op op_b);
MatF add(const MatF& a, const MatF& b);
MatF scaled(const MatF& a, float s);
// Frobenius-norm relative error ||got - ref|| / ||ref|| (0 when both are zero).
double relative_error(const MatF& got, const MatF& ref);
float max_abs(const MatF& x);
std::string shape_str(int64_t rows, int64_t cols);

// Deterministic pseudo-random numbers, identical on every compiler and standard library
// (std::normal_distribution is not): splitmix64 and Box-Muller.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next_u64();
  double uniform();  // [0, 1)
  double normal();   // mean 0, variance 1
 private:
  uint64_t state_;
  bool has_spare_ = false;
  double spare_ = 0;
};

MatF random_normal(int64_t rows, int64_t cols, double stddev, Rng& rng);

}  // namespace qta::golden
