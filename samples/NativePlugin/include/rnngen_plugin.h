/*
 * rnngen_plugin.h - the C ABI of an RnnGen model published as a NativeAOT shared library.
 *
 * One library holds one model type (PluginModel in NativePlugin.csproj). Every function is exported with C linkage
 * and the platform's default calling convention. Conventions:
 *   - Sizes and lengths are counts of floats (int32_t), never bytes.
 *   - Functions returning int32_t return RNNGEN_OK (0) on success, RNNGEN_INVALID_ARGUMENT (-1) for a NULL pointer or a
 *     wrong length, RNNGEN_FAILED (-2) when the model itself failed. The size queries return the size, or -1.
 *   - On failure, rnngen_last_error() returns a NUL-terminated UTF-8 message describing the last failure on the calling
 *     thread. The library owns it; it stays valid until the next failing call on that thread. NULL if none yet.
 *   - A model is not thread-safe: do not call into one handle from two threads at once. Separate handles are
 *     independent and may be used on different threads (e.g. one per audio voice).
 *   - rnngen_step and rnngen_forward allocate nothing and take no locks, so they are safe on real-time threads once
 *     the model exists. Create and destroy models off the real-time thread.
 */
#ifndef RNNGEN_PLUGIN_H
#define RNNGEN_PLUGIN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RNNGEN_ABI_VERSION 2

#define RNNGEN_OK 0
#define RNNGEN_INVALID_ARGUMENT (-1)
#define RNNGEN_FAILED (-2)

/* An opaque model: its weights, its recurrent state and its scratch buffers. */
typedef struct rnngen_model rnngen_model;

/* RNNGEN_ABI_VERSION of the library; check it against the header's before using anything else. Version 2 added
   rnngen_output_label. */
int32_t rnngen_abi_version(void);

/* A model with the weights embedded in the library at build time, state zero. NULL on failure. */
rnngen_model* rnngen_create(void);

/* A model with weights from a safetensors file (UTF-8 path), every tensor checked. NULL on failure
   (missing file, wrong shapes, non-finite values: see rnngen_last_error). */
rnngen_model* rnngen_create_from_file(const char* path);

/* Frees a model; NULL is ignored. The handle must not be used afterwards. */
void rnngen_destroy(rnngen_model* model);

int32_t rnngen_input_size(const rnngen_model* model);      /* floats per input step */
int32_t rnngen_output_size(const rnngen_model* model);     /* floats per output row */
int32_t rnngen_state_size(const rnngen_model* model);      /* floats of recurrent state (get/set_state) */
int32_t rnngen_sequence_length(const rnngen_model* model); /* most steps rnngen_forward accepts */

/* The name of output `index` (0-based): NUL-terminated UTF-8, owned by the model and valid until rnngen_destroy.
   Names come from the "classes" metadata of the model's weights file (comma-separated, one per output). NULL when
   the weights name no outputs, when index is out of range, or when model is NULL (with a message for rnngen_last_error). */
const char* rnngen_output_label(const rnngen_model* model, int32_t index);

/* Advances the state by one step: reads input_length == input size floats, writes output size floats
   (output_length must be at least that). */
int32_t rnngen_step(rnngen_model* model, const float* input, int32_t input_length, float* output, int32_t output_length);

/* Runs input_length / input size steps (1..sequence length) from the current state, leaves the final state, and writes
   the outputs: one row for a model whose head reads the last step, else one row per step. */
int32_t rnngen_forward(rnngen_model* model, const float* inputs, int32_t input_length, float* outputs, int32_t output_length);

/* Sets the recurrent state to zero, as at creation. */
int32_t rnngen_reset(rnngen_model* model);

/* Copies the recurrent state out of / into the model; length must equal rnngen_state_size. Use them to snapshot and
   restore a stream, or to move a stream between models. */
int32_t rnngen_get_state(rnngen_model* model, float* state, int32_t length);
int32_t rnngen_set_state(rnngen_model* model, const float* state, int32_t length);

/* The last failure on this thread (see above), or NULL. */
const char* rnngen_last_error(void);

/* Function pointer types, for hosts that load the library at run time (dlopen / LoadLibrary). */
typedef int32_t (*rnngen_abi_version_fn)(void);
typedef rnngen_model* (*rnngen_create_fn)(void);
typedef rnngen_model* (*rnngen_create_from_file_fn)(const char*);
typedef void (*rnngen_destroy_fn)(rnngen_model*);
typedef int32_t (*rnngen_size_fn)(const rnngen_model*);
typedef const char* (*rnngen_output_label_fn)(const rnngen_model*, int32_t);
typedef int32_t (*rnngen_run_fn)(rnngen_model*, const float*, int32_t, float*, int32_t);
typedef int32_t (*rnngen_reset_fn)(rnngen_model*);
typedef int32_t (*rnngen_get_state_fn)(rnngen_model*, float*, int32_t);
typedef int32_t (*rnngen_set_state_fn)(rnngen_model*, const float*, int32_t);
typedef const char* (*rnngen_last_error_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* RNNGEN_PLUGIN_H */
