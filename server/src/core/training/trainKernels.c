/*
 * The training step's kernels for the V3 network, in C with WebAssembly SIMD (128-bit):
 * compiled by trainKernels.sh into trainKernelsWasm.ts, run by nativeTrainer.ts.
 *
 * Why not tfjs kernels: on tfjs-wasm a training step was ~150 kernels, each paying the engine's
 * bookkeeping, a malloc and free, and for every matmul the creation of an XNNPACK operator that
 * packs its right operand again (the operator cache is keyed by tensor id, and every step has new
 * tensors). Here one step is ~60 calls into one module over buffers allocated once, transposed
 * products need no transpose kernel, and Adam is one SIMD loop over one flat parameter buffer.
 *
 * Everything is single-threaded and the summation order is fixed, so a seed gives bit-identical
 * weights. No libc: exp is a Cephes-style polynomial (relative error ~1e-7), the one logarithm
 * (SupCon's loss value) is taken in JavaScript.
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

enum { LINEAR = 0, ELU = 1, RELU = 2, SIGMOID = 3, TANH = 4 };

/* e^x for |x| < 87 (clamped outside): 2^n · p(r), r = x − n·ln 2 in [−ln2/2, ln2/2]. */
static inline float exp_approx(float x) {
  x = x > 87.0f ? 87.0f : (x < -87.0f ? -87.0f : x);
  float n = __builtin_floorf(x * 1.44269504088896341f + 0.5f);
  float r = x - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  union {
    float f;
    int i;
  } scale;
  scale.i = ((int)n + 127) << 23;
  return p * scale.f;
}

static inline float activate(float x, int activation) {
  switch (activation) {
    case ELU:
      return x > 0 ? x : exp_approx(x) - 1.0f;
    case RELU:
      return x > 0 ? x : 0.0f;
    case SIGMOID:
      return 1.0f / (1.0f + exp_approx(-x));
    case TANH:
      return 1.0f - 2.0f / (exp_approx(2.0f * x) + 1.0f);
    default:
      return x;
  }
}

/*
 * C[M×N] = A·B, B row-major [K×N]; A(i, k) is A[i·ai + k·ak], so the same kernel computes A·B
 * (ai = K, ak = 1) and Aᵀ·B for A stored [K×M] (ai = 1, ak = M). Blocks of 4 rows × 8 columns
 * keep 8 vector accumulators in registers; every output is summed over k in order.
 */
static void gemm(int M, int K, int N, const float* A, int ai, int ak, const float* B, float* C) {
  int i = 0;
  for (; i + 4 <= M; i += 4) {
    const float* a0 = A + i * ai;
    const float* a1 = a0 + ai;
    const float* a2 = a1 + ai;
    const float* a3 = a2 + ai;
    int j = 0;
    for (; j + 8 <= N; j += 8) {
      v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00;
      v128_t c20 = c00, c21 = c00, c30 = c00, c31 = c00;
      const float* b = B + j;
      for (int k = 0; k < K; k++, b += N) {
        v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
        v128_t x0 = wasm_f32x4_splat(a0[k * ak]), x1 = wasm_f32x4_splat(a1[k * ak]);
        v128_t x2 = wasm_f32x4_splat(a2[k * ak]), x3 = wasm_f32x4_splat(a3[k * ak]);
        c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(x0, b0));
        c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(x0, b1));
        c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(x1, b0));
        c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(x1, b1));
        c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(x2, b0));
        c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(x2, b1));
        c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(x3, b0));
        c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(x3, b1));
      }
      float* c = C + i * N + j;
      wasm_v128_store(c, c00);
      wasm_v128_store(c + 4, c01);
      wasm_v128_store(c + N, c10);
      wasm_v128_store(c + N + 4, c11);
      wasm_v128_store(c + 2 * N, c20);
      wasm_v128_store(c + 2 * N + 4, c21);
      wasm_v128_store(c + 3 * N, c30);
      wasm_v128_store(c + 3 * N + 4, c31);
    }
    for (; j + 4 <= N; j += 4) {
      v128_t c0 = wasm_f32x4_splat(0), c1 = c0, c2 = c0, c3 = c0;
      const float* b = B + j;
      for (int k = 0; k < K; k++, b += N) {
        v128_t b0 = wasm_v128_load(b);
        c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(wasm_f32x4_splat(a0[k * ak]), b0));
        c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(wasm_f32x4_splat(a1[k * ak]), b0));
        c2 = wasm_f32x4_add(c2, wasm_f32x4_mul(wasm_f32x4_splat(a2[k * ak]), b0));
        c3 = wasm_f32x4_add(c3, wasm_f32x4_mul(wasm_f32x4_splat(a3[k * ak]), b0));
      }
      float* c = C + i * N + j;
      wasm_v128_store(c, c0);
      wasm_v128_store(c + N, c1);
      wasm_v128_store(c + 2 * N, c2);
      wasm_v128_store(c + 3 * N, c3);
    }
    for (; j < N; j++) {
      float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (int k = 0; k < K; k++) {
        float bk = B[k * N + j];
        s0 += a0[k * ak] * bk;
        s1 += a1[k * ak] * bk;
        s2 += a2[k * ak] * bk;
        s3 += a3[k * ak] * bk;
      }
      C[i * N + j] = s0;
      C[(i + 1) * N + j] = s1;
      C[(i + 2) * N + j] = s2;
      C[(i + 3) * N + j] = s3;
    }
  }
  for (; i < M; i++) {
    const float* a = A + i * ai;
    int j = 0;
    for (; j + 4 <= N; j += 4) {
      v128_t c0 = wasm_f32x4_splat(0);
      for (int k = 0; k < K; k++)
        c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(wasm_f32x4_splat(a[k * ak]), wasm_v128_load(B + k * N + j)));
      wasm_v128_store(C + i * N + j, c0);
    }
    for (; j < N; j++) {
      float s = 0;
      for (int k = 0; k < K; k++) s += a[k * ak] * B[k * N + j];
      C[i * N + j] = s;
    }
  }
}

/* out[c×r] = in[r×c]ᵀ */
static void transpose(int r, int c, const float* in, float* out) {
  for (int i = 0; i < r; i++)
    for (int j = 0; j < c; j++) out[j * r + i] = in[i * c + j];
}

/* Y[M×N] = act(X[M×K]·W[K×N] + bias) */
EXPORT(dense_forward)
void dense_forward(int M, int K, int N, const float* X, const float* W, const float* bias, float* Y, int activation) {
  gemm(M, K, N, X, K, 1, W, Y);
  for (int i = 0; i < M; i++)
    for (int j = 0; j < N; j++) Y[i * N + j] = activate(Y[i * N + j] + bias[j], activation);
}

/*
 * A dense layer's gradients from d(pre-activation) D[M×N]: dW[K×N] = Xᵀ·D, db = column sums of
 * D, and, when dX is not null, dX[M×K] = D·Wᵀ (W transposed into `scratch`, K·N floats).
 */
EXPORT(dense_backward)
void dense_backward(int M, int K, int N, const float* X, const float* W, const float* D, float* dW, float* db,
                    float* dX, float* scratch) {
  gemm(K, M, N, X, 1, K, D, dW);
  for (int j = 0; j < N; j++) db[j] = 0;
  for (int i = 0; i < M; i++)
    for (int j = 0; j < N; j++) db[j] += D[i * N + j];
  if (dX) {
    transpose(K, N, W, scratch);
    gemm(M, N, K, D, N, 1, scratch, dX);
  }
}

/* out = a + b (n values) */
EXPORT(add)
void add(int n, const float* a, const float* b, float* out) {
  for (int i = 0; i < n; i++) out[i] = a[i] + b[i];
}

/* d(pre-activation) from d(output) and the output y: ELU' = y + 1 below 0, ReLU' = step(y). */
EXPORT(activation_backward)
void activation_backward(int n, const float* dy, const float* y, float* out, int activation) {
  if (activation == ELU)
    for (int i = 0; i < n; i++) out[i] = y[i] > 0 ? dy[i] : dy[i] * (y[i] + 1.0f);
  else
    for (int i = 0; i < n; i++) out[i] = y[i] > 0 ? dy[i] : 0.0f;
}

/* MSE through the sigmoid: D = 2/n · (r − x) · r · (1 − r); returns Σ (r − x)². */
EXPORT(mse_backward)
double mse_backward(int n, const float* r, const float* x, float* D) {
  double sum = 0;
  float scale = 2.0f / (float)n;
  for (int i = 0; i < n; i++) {
    float error = r[i] - x[i];
    sum += (double)(error * error);
    D[i] = error * (r[i] * (1.0f - r[i])) * scale;
  }
  return sum;
}

/*
 * SupCon on the L2-normalised projections p[b×d] (see backprop.ts for the formulas): writes
 * dp, scaled by `weight`, each row's denominator Σ_k≠i exp(l_ik − 1/τ) to `denominators`, and
 * returns Σ_i a_i/τ − Σ_ij P_ij l_ij (the caller adds Σ_i a_i log denominator_i).
 * scratch: 3·b·d + 2·b·b + b floats.
 */
EXPORT(supcon)
float supcon(int b, int d, const float* p, const float* positives, const float* anchors, float inverseTemperature,
             float weight, float* dp, float* denominators, float* scratch) {
  float* q = scratch;
  float* qt = q + b * d;
  float* dq = qt + b * d;
  float* logits = dq + b * d;
  float* g = logits + b * b;
  float* inverseNorm = g + b * b;
  for (int i = 0; i < b; i++) {
    float s = 0;
    for (int k = 0; k < d; k++) s += p[i * d + k] * p[i * d + k];
    inverseNorm[i] = 1.0f / __builtin_sqrtf(s + 1e-12f);
    for (int k = 0; k < d; k++) q[i * d + k] = p[i * d + k] * inverseNorm[i];
  }
  transpose(b, d, q, qt);
  gemm(b, d, b, q, d, 1, qt, logits);
  float loss = 0;
  for (int i = 0; i < b; i++) {
    float* row = logits + i * b;
    float* e = g + i * b;
    float sum = 0;
    for (int k = 0; k < b; k++) {
      row[k] *= inverseTemperature;
      e[k] = k == i ? 0.0f : exp_approx(row[k] - inverseTemperature);
      sum += e[k];
    }
    denominators[i] = sum;
    float scale = anchors[i] / sum;
    for (int k = 0; k < b; k++) {
      loss -= positives[i * b + k] * row[k];
      e[k] = e[k] * scale - positives[i * b + k];
    }
    loss += anchors[i] * inverseTemperature;
  }
  /* G + Gᵀ, in place (logits are no longer needed: reuse them for the sum). */
  for (int i = 0; i < b; i++)
    for (int k = 0; k < b; k++) logits[i * b + k] = g[i * b + k] + g[k * b + i];
  gemm(b, b, d, logits, b, 1, q, dq);
  float factor = weight * inverseTemperature;
  for (int i = 0; i < b; i++) {
    float dot = 0;
    for (int k = 0; k < d; k++) dot += dq[i * d + k] * q[i * d + k];
    dot *= factor;
    for (int k = 0; k < d; k++) dp[i * d + k] = (dq[i * d + k] * factor - q[i * d + k] * dot) * inverseNorm[i];
  }
  return loss;
}

/*
 * The gradient at the latent's pre-activation: (dDecoder + s·dProjection) · (1 − z²), with
 * s = λ·‖dDecoder‖ / (‖dProjection‖ + 1e-12) for the "gradient" balance, else s = 1.
 */
EXPORT(latent_backward)
void latent_backward(int n, const float* dDecoder, const float* dProjection, const float* z, float lambda,
                     int balanceGradient, float* out) {
  float s = 1.0f;
  if (balanceGradient) {
    float decoder = 0, projection = 0;
    for (int i = 0; i < n; i++) {
      decoder += dDecoder[i] * dDecoder[i];
      projection += dProjection[i] * dProjection[i];
    }
    s = lambda * __builtin_sqrtf(decoder) / (__builtin_sqrtf(projection) + 1e-12f);
  }
  for (int i = 0; i < n; i++) out[i] = (dDecoder[i] + s * dProjection[i]) * (1.0f - z[i] * z[i]);
}

/*
 * Adam (PyTorch's form) over one flat buffer: m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
 * p ← p − stepSize · m / (√v · correction + ε), stepSize = lr/(1−β1^t), correction = 1/√(1−β2^t).
 */
EXPORT(adam)
void adam(int n, float* p, const float* g, float* m, float* v, float stepSize, float correction, float beta1,
          float beta2, float epsilon) {
  const float keep1 = 1.0f - beta1, keep2 = 1.0f - beta2;
  for (int i = 0; i < n; i++) {
    float first = beta1 * m[i] + keep1 * g[i];
    float second = beta2 * v[i] + keep2 * g[i] * g[i];
    m[i] = first;
    v[i] = second;
    p[i] -= stepSize * first / (__builtin_sqrtf(second) * correction + epsilon);
  }
}
