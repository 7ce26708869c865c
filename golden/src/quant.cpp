#include "qta/golden/quant.h"

#include <cmath>
#include <fmt/format.h>

#include "qta/cli.h"

namespace qta::golden {

int32_t qmax_for(int q) {
  if (q < kMinBits || q > kMaxBits)
    throw UsageError(fmt::format("q = {} is not a supported operand width; valid: {}..{} bits", q, kMinBits, kMaxBits));
  return (int32_t{1} << (q - 1)) - 1;
}

double scale_for(float amax, int q) {
  if (!std::isfinite(amax)) throw NonFiniteError(fmt::format("tensor contains a non-finite value (max|x| = {})", amax));
  return amax == 0.0f ? 1.0 : double(amax) / double(qmax_for(q));
}

// x / S in double, rounded half to even (std::nearbyint under the default FE_TONEAREST mode),
// clamped to [-qmax, qmax]. -0.0 and values that round to -0 give the integer 0.
int32_t quantize_value(float x, double scale, int q) {
  const int32_t qmax = qmax_for(q);
  const double r = std::nearbyint(double(x) / scale);
  if (r > qmax) return qmax;
  if (r < -qmax) return -qmax;
  return int32_t(r) + 0;  // int32_t(-0.0) == 0
}

QTensor quantize(const MatF& x, int q) {
  QTensor t;
  t.q = q;
  t.scale = scale_for(max_abs(x), q);
  t.values = MatI(x.rows, x.cols);
  for (size_t i = 0; i < x.data.size(); ++i) t.values.data[i] = quantize_value(x.data[i], t.scale, q);
  return t;
}

MatF dequantize(const QTensor& x) {
  MatF f(x.values.rows, x.values.cols);
  for (size_t i = 0; i < f.data.size(); ++i) f.data[i] = float(double(x.values.data[i]) * x.scale);
  return f;
}

}  // namespace qta::golden
