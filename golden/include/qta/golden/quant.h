// Symmetric per-tensor quantization (docs/interfaces.md section 1, docs/quantization.md).
#pragma once

#include "qta/cli.h"
#include "qta/golden/matrix.h"

namespace qta::golden {

// A tensor to quantize holds inf or NaN: bad input when the inputs made it (exit 2), a
// divergence when training made it (golden train reports it as a failed check, exit 1).
struct NonFiniteError : UsageError {
  using UsageError::UsageError;
};

constexpr int kMinBits = 2;
constexpr int kMaxBits = 16;

// Largest quantized magnitude, 2^(q-1) - 1. Throws qta::UsageError unless 2 <= q <= 16.
int32_t qmax_for(int q);

// A quantized tensor: real value of element e is values[e] * scale.
struct QTensor {
  MatI values;
  double scale = 1.0;
  int q = 8;
};

// S = max|X| / qmax (S = 1 for an all-zero tensor); X_q = clamp(round_half_even(X / S), +-qmax).
// Throws NonFiniteError if max|X| is not finite.
double scale_for(float amax, int q);
int32_t quantize_value(float x, double scale, int q);
QTensor quantize(const MatF& x, int q);
MatF dequantize(const QTensor& x);

}  // namespace qta::golden
