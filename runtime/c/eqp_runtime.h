/*
 * eqp_runtime.h: semantic EQ presets in C (C99, header-only, libm only).
 *
 * The presets come from `eqp export --format c` (static tables of eqp_filter and eqp_preset) or
 * are built by hand. Coefficients are computed here at the engine's sample rate, exactly as the
 * JavaScript runtime (runtime/src/coefficients.ts) and `eqp apply` compute them: RBJ Audio EQ
 * Cookbook biquads for shelves, bells and notches; Butterworth high- and low-passes as a cascade
 * of RBJ sections with the Butterworth pole Qs, plus a first-order section for an odd order.
 *
 * In exactly one C file:
 *     #define EQP_RUNTIME_IMPLEMENTATION
 *     #include "eqp_runtime.h"
 * Everywhere else include it without the define.
 *
 * Processing is direct form I in double precision (the form `eqp apply` runs), with no
 * allocation and no locks: eqp_process_f32 may run on the audio thread. eqp_set_preset must be
 * called from the same thread as eqp_process_f32 (or with the caller's own synchronisation).
 *
 * Switching presets: eqp_set_preset starts a second chain with the new preset (its filter memory
 * cleared) and crossfades linearly from the old chain's output to the new one's over the ramp, both
 * chains running on the same input meanwhile. Two chains rather than interpolated coefficients
 * because the presets may have different numbers of sections, and because interpolating biquad
 * coefficients can pass through unstable filters. A set_preset during a ramp makes the chain being
 * faded in the old chain at once (the one fading out is dropped, a small step if it was still loud).
 */
#ifndef EQP_RUNTIME_H
#define EQP_RUNTIME_H

#include <stddef.h>

#ifndef EQP_MAX_SECTIONS
#define EQP_MAX_SECTIONS 64
#endif
#ifndef EQP_MAX_CHANNELS
#define EQP_MAX_CHANNELS 8
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  EQP_LOWSHELF,
  EQP_PEAKING,
  EQP_HIGHSHELF,
  EQP_HIGHPASS,
  EQP_LOWPASS,
  EQP_NOTCH
} eqp_filter_type;

/* One filter of a preset. gain_db is used by shelves and bells; slope_db_per_oct (6, 12, 18, 24,
 * 36 or 48) by high- and low-passes, whose q counts only at 12 dB/oct (0 there: Butterworth). */
typedef struct {
  eqp_filter_type type;
  double frequency_hz;
  double gain_db;
  double q;
  int slope_db_per_oct;
} eqp_filter;

/* Filters run in series, then the output gain. */
typedef struct {
  const char *name;
  double output_gain_db;
  size_t filter_count;
  const eqp_filter *filters;
} eqp_preset;

/* Normalised biquad (a0 = 1): y = b0 x + b1 x1 + b2 x2 - a1 y1 - a2 y2. */
typedef struct {
  double b0, b1, b2, a1, a2;
} eqp_biquad;

/* One preset at one sample rate, with each channel's filter memory (x1, x2, y1, y2). */
typedef struct {
  size_t section_count;
  double output_gain;
  eqp_biquad sections[EQP_MAX_SECTIONS];
  double memory[EQP_MAX_CHANNELS][EQP_MAX_SECTIONS][4];
} eqp_chain;

typedef struct {
  double sample_rate;
  /* chains[active] is playing; chains[1 - active] is fading out while ramp_left > 0. */
  eqp_chain chains[2];
  int active;
  size_t ramp_frames;
  size_t ramp_left;
} eqp_state;

/* Return values: 0 on success, else one of these (the state is left as it was). */
#define EQP_OK 0
#define EQP_ERROR_ARGUMENT (-1)      /* a null pointer or a sample rate that is not positive */
#define EQP_ERROR_FILTER (-2)        /* a frequency outside (0, Nyquist), a Q <= 0, an unknown slope or type */
#define EQP_ERROR_TOO_MANY_SECTIONS (-3) /* more biquads than EQP_MAX_SECTIONS */

/* Computes the preset's coefficients at sample_rate and clears the filter memory. */
int eqp_init(eqp_state *state, const eqp_preset *preset, double sample_rate);

/* Filters `frames` interleaved frames in place; channels beyond EQP_MAX_CHANNELS pass unchanged. */
void eqp_process_f32(eqp_state *state, float *interleaved, size_t frames, int channels);

/* Moves to another preset over ramp_ms milliseconds (0: at once, which may click). */
int eqp_set_preset(eqp_state *state, const eqp_preset *preset, double ramp_ms);

/* A preset's biquads at a sample rate, in the order they run: returns how many, or an error. */
int eqp_preset_sections(const eqp_preset *preset, double sample_rate, eqp_biquad *out, size_t capacity);

#ifdef __cplusplus
}
#endif

#endif /* EQP_RUNTIME_H */

#ifdef EQP_RUNTIME_IMPLEMENTATION
#ifndef EQP_RUNTIME_IMPLEMENTED
#define EQP_RUNTIME_IMPLEMENTED

#include <math.h>
#include <string.h>

#define EQP_PI 3.14159265358979323846
#define EQP_BUTTERWORTH_Q 0.70710678118654752440

static eqp_biquad eqp__normalised(double b0, double b1, double b2, double a0, double a1, double a2) {
  eqp_biquad out;
  out.b0 = b0 / a0;
  out.b1 = b1 / a0;
  out.b2 = b2 / a0;
  out.a1 = a1 / a0;
  out.a2 = a2 / a0;
  return out;
}

/* The RBJ cookbook shelves, bell and notch (runtime/src/coefficients.ts, shelfOrBell). */
static eqp_biquad eqp__shelf_or_bell(eqp_filter_type type, double w0, double gain_db, double q) {
  double a = pow(10.0, gain_db / 40.0);
  double c = cos(w0);
  double alpha = sin(w0) / (2.0 * q);
  double root = 2.0 * sqrt(a) * alpha;
  if (type == EQP_NOTCH) return eqp__normalised(1.0, -2.0 * c, 1.0, 1.0 + alpha, -2.0 * c, 1.0 - alpha);
  if (type == EQP_PEAKING)
    return eqp__normalised(1.0 + alpha * a, -2.0 * c, 1.0 - alpha * a, 1.0 + alpha / a, -2.0 * c, 1.0 - alpha / a);
  if (type == EQP_LOWSHELF)
    return eqp__normalised(a * (a + 1.0 - (a - 1.0) * c + root), 2.0 * a * (a - 1.0 - (a + 1.0) * c),
                           a * (a + 1.0 - (a - 1.0) * c - root), a + 1.0 + (a - 1.0) * c + root,
                           -2.0 * (a - 1.0 + (a + 1.0) * c), a + 1.0 + (a - 1.0) * c - root);
  return eqp__normalised(a * (a + 1.0 + (a - 1.0) * c + root), -2.0 * a * (a - 1.0 + (a + 1.0) * c),
                         a * (a + 1.0 + (a - 1.0) * c - root), a + 1.0 - (a - 1.0) * c + root,
                         2.0 * (a - 1.0 - (a + 1.0) * c), a + 1.0 - (a - 1.0) * c - root);
}

/* One RBJ high- or low-pass biquad. */
static eqp_biquad eqp__pass_section(eqp_filter_type type, double w0, double q) {
  double c = cos(w0);
  double alpha = sin(w0) / (2.0 * q);
  double b1 = type == EQP_LOWPASS ? 1.0 - c : -(1.0 + c);
  double outer = fabs(b1) / 2.0;
  return eqp__normalised(outer, b1, outer, 1.0 + alpha, -2.0 * c, 1.0 - alpha);
}

/* The bilinear transform of a first-order high- or low-pass, prewarped at w0. */
static eqp_biquad eqp__first_order_section(eqp_filter_type type, double w0) {
  double k = tan(w0 / 2.0);
  eqp_biquad out;
  out.a1 = (k - 1.0) / (k + 1.0);
  out.b0 = type == EQP_LOWPASS ? k / (k + 1.0) : 1.0 / (k + 1.0);
  out.b1 = type == EQP_LOWPASS ? k / (k + 1.0) : -1.0 / (k + 1.0);
  out.b2 = 0.0;
  out.a2 = 0.0;
  return out;
}

/* A Butterworth filter's sections: the first-order one first for an odd order, then the
 * second-order ones with Q = 1 / (2 cos phi), phi the pole's angle from the negative real axis. */
static int eqp__pass_sections(const eqp_filter *filter, double w0, eqp_biquad *out, size_t capacity) {
  int order = filter->slope_db_per_oct / 6;
  int odd = order % 2 == 1;
  int count = order / 2 + odd;
  int k;
  /* The document's slopes only (6, 12, 18, 24, 36, 48), as the JavaScript runtime accepts. */
  if (filter->slope_db_per_oct % 6 != 0 || order < 1 || order > 8 || order == 5 || order == 7) return EQP_ERROR_FILTER;
  if ((size_t)count > capacity) return EQP_ERROR_TOO_MANY_SECTIONS;
  if (order == 2) {
    out[0] = eqp__pass_section(filter->type, w0, filter->q > 0.0 ? filter->q : EQP_BUTTERWORTH_Q);
    return 1;
  }
  if (odd) out[0] = eqp__first_order_section(filter->type, w0);
  for (k = 0; k < order / 2; k++) {
    double angle = odd ? EQP_PI * (k + 1) / order : EQP_PI * (2 * k + 1) / (2.0 * order);
    out[odd + k] = eqp__pass_section(filter->type, w0, 1.0 / (2.0 * cos(angle)));
  }
  return count;
}

static int eqp__filter_sections(const eqp_filter *filter, double sample_rate, eqp_biquad *out, size_t capacity) {
  double w0 = 2.0 * EQP_PI * filter->frequency_hz / sample_rate;
  if (!(filter->frequency_hz > 0.0) || !(filter->frequency_hz < sample_rate / 2.0)) return EQP_ERROR_FILTER;
  if (filter->type == EQP_HIGHPASS || filter->type == EQP_LOWPASS) return eqp__pass_sections(filter, w0, out, capacity);
  if (filter->type > EQP_NOTCH || !(filter->q > 0.0)) return EQP_ERROR_FILTER;
  if (capacity < 1) return EQP_ERROR_TOO_MANY_SECTIONS;
  out[0] = eqp__shelf_or_bell(filter->type, w0, filter->type == EQP_NOTCH ? 0.0 : filter->gain_db, filter->q);
  return 1;
}

int eqp_preset_sections(const eqp_preset *preset, double sample_rate, eqp_biquad *out, size_t capacity) {
  size_t used = 0, i;
  if (preset == NULL || out == NULL || !(sample_rate > 0.0)) return EQP_ERROR_ARGUMENT;
  if (preset->filter_count > 0 && preset->filters == NULL) return EQP_ERROR_ARGUMENT;
  for (i = 0; i < preset->filter_count; i++) {
    int added = eqp__filter_sections(&preset->filters[i], sample_rate, out + used, capacity - used);
    if (added < 0) return added;
    used += (size_t)added;
  }
  return (int)used;
}

/* Fills a chain from a preset; the chain is untouched on error. */
static int eqp__load_chain(eqp_chain *chain, const eqp_preset *preset, double sample_rate) {
  eqp_biquad sections[EQP_MAX_SECTIONS];
  int count = eqp_preset_sections(preset, sample_rate, sections, EQP_MAX_SECTIONS);
  if (count < 0) return count;
  chain->section_count = (size_t)count;
  memcpy(chain->sections, sections, sizeof(eqp_biquad) * (size_t)count);
  chain->output_gain = pow(10.0, preset->output_gain_db / 20.0);
  memset(chain->memory, 0, sizeof chain->memory);
  return EQP_OK;
}

int eqp_init(eqp_state *state, const eqp_preset *preset, double sample_rate) {
  eqp_chain chain;
  int result;
  if (state == NULL) return EQP_ERROR_ARGUMENT;
  result = eqp__load_chain(&chain, preset, sample_rate);
  if (result != EQP_OK) return result;
  memset(state, 0, sizeof *state);
  state->sample_rate = sample_rate;
  state->chains[0] = chain;
  state->active = 0;
  return EQP_OK;
}

int eqp_set_preset(eqp_state *state, const eqp_preset *preset, double ramp_ms) {
  int next, result;
  if (state == NULL || !(ramp_ms >= 0.0)) return EQP_ERROR_ARGUMENT;
  next = 1 - state->active;
  result = eqp__load_chain(&state->chains[next], preset, state->sample_rate);
  if (result != EQP_OK) return result;
  state->active = next;
  state->ramp_frames = (size_t)(ramp_ms * state->sample_rate / 1000.0 + 0.5);
  state->ramp_left = state->ramp_frames;
  return EQP_OK;
}

/* One sample of one channel through a chain (direct form I, the output gain last). */
static double eqp__run_chain(eqp_chain *chain, int channel, double x) {
  size_t s;
  for (s = 0; s < chain->section_count; s++) {
    const eqp_biquad *c = &chain->sections[s];
    double *m = chain->memory[channel][s];
    double y = c->b0 * x + c->b1 * m[0] + c->b2 * m[1] - c->a1 * m[2] - c->a2 * m[3];
    m[1] = m[0];
    m[0] = x;
    m[3] = m[2];
    m[2] = y;
    x = y;
  }
  return x * chain->output_gain;
}

/* After a block: memory this small is silence, and left alone it would decay into subnormal
 * numbers, which many CPUs process a hundred times slower (a spike in the audio callback). */
static void eqp__flush_tiny(eqp_chain *chain, int channels) {
  int channel, i;
  size_t s;
  for (channel = 0; channel < channels; channel++)
    for (s = 0; s < chain->section_count; s++)
      for (i = 0; i < 4; i++)
        if (fabs(chain->memory[channel][s][i]) < 1e-200) chain->memory[channel][s][i] = 0.0;
}

void eqp_process_f32(eqp_state *state, float *interleaved, size_t frames, int channels) {
  size_t frame;
  int channel, filtered = channels < EQP_MAX_CHANNELS ? channels : EQP_MAX_CHANNELS;
  eqp_chain *current = &state->chains[state->active];
  eqp_chain *previous = &state->chains[1 - state->active];
  if (channels <= 0) return;
  for (frame = 0; frame < frames; frame++) {
    float *samples = interleaved + frame * (size_t)channels;
    double fade = 1.0;
    if (state->ramp_left > 0) {
      fade = 1.0 - (double)state->ramp_left / (double)(state->ramp_frames + 1);
      state->ramp_left--;
    }
    for (channel = 0; channel < filtered; channel++) {
      double x = samples[channel];
      double y = eqp__run_chain(current, channel, x);
      if (fade < 1.0) y = fade * y + (1.0 - fade) * eqp__run_chain(previous, channel, x);
      samples[channel] = (float)y;
    }
  }
  eqp__flush_tiny(current, filtered);
  if (state->ramp_left > 0) eqp__flush_tiny(previous, filtered);
}

#endif /* EQP_RUNTIME_IMPLEMENTED */
#endif /* EQP_RUNTIME_IMPLEMENTATION */
