#include "qta/golden/matrix.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

namespace qta::golden {

MatF matmul(const MatF& a, Op op_a, const MatF& b, Op op_b) {
  const int64_t m = op_rows(a, op_a), k = op_cols(a, op_a), n = op_cols(b, op_b);
  if (op_rows(b, op_b) != k)
    throw std::invalid_argument(fmt::format("matmul: inner dimensions differ ({} vs {})", k, op_rows(b, op_b)));
  MatF c(m, n);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double acc = 0;
      for (int64_t p = 0; p < k; ++p) acc += double(op_at(a, op_a, i, p)) * double(op_at(b, op_b, p, j));
      c(i, j) = float(acc);
    }
  return c;
}

MatF add(const MatF& a, const MatF& b) {
  if (a.rows != b.rows || a.cols != b.cols)
    throw std::invalid_argument(fmt::format("add: shapes differ ({} vs {})", shape_str(a.rows, a.cols), shape_str(b.rows, b.cols)));
  MatF c = a;
  for (size_t i = 0; i < c.data.size(); ++i) c.data[i] += b.data[i];
  return c;
}

MatF scaled(const MatF& a, float s) {
  MatF c = a;
  for (auto& v : c.data) v *= s;
  return c;
}

double relative_error(const MatF& got, const MatF& ref) {
  if (got.rows != ref.rows || got.cols != ref.cols)
    throw std::invalid_argument("relative_error: shapes differ");
  double num = 0, den = 0;
  for (size_t i = 0; i < ref.data.size(); ++i) {
    const double d = double(got.data[i]) - double(ref.data[i]);
    num += d * d;
    den += double(ref.data[i]) * double(ref.data[i]);
  }
  if (den == 0) return num == 0 ? 0.0 : INFINITY;
  return std::sqrt(num / den);
}

float max_abs(const MatF& x) {
  float m = 0;
  for (float v : x.data) m = std::max(m, std::fabs(v));
  return m;
}

std::string shape_str(int64_t rows, int64_t cols) { return fmt::format("{}x{}", rows, cols); }

uint64_t Rng::next_u64() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double Rng::uniform() { return double(next_u64() >> 11) * 0x1.0p-53; }

double Rng::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u1 = uniform();
  while (u1 <= 0.0) u1 = uniform();
  const double u2 = uniform();
  const double radius = std::sqrt(-2.0 * std::log(u1));
  const double angle = 2.0 * M_PI * u2;
  spare_ = radius * std::sin(angle);
  has_spare_ = true;
  return radius * std::cos(angle);
}

MatF random_normal(int64_t rows, int64_t cols, double stddev, Rng& rng) {
  MatF x(rows, cols);
  for (auto& v : x.data) v = float(stddev * rng.normal());
  return x;
}

}  // namespace qta::golden
