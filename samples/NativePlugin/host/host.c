/*
 * A C host for an RnnGen NativeAOT plugin: loads the library at run time, streams samples through the model one step
 * at a time and prints its outputs by name, runs a whole window, snapshots and restores the state, checks error
 * reporting, and - given a reference file written by the managed model - checks every output against it. It drives
 * any model the plugin template exports whose head reads the last step (one output row per forward pass).
 *
 *   gcc -std=c11 -O2 -Wall -Wextra -Werror -I../include host.c -o host -ldl -lm
 *   ./host ./rnngen_plugin.so weights.safetensors [reference.txt]
 *
 * Reference file (text): "steps N", then "input" and N * input size floats, then N lines "step t" and the outputs
 * after step t from a zero state, then "forward" and the outputs of a forward pass over the N steps from a zero state.
 * Exit code 0 if every check passes, 1 if one fails, 2 if the library or a file cannot be used.
 */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rnngen_plugin.h"

#define MAX_STEPS 1024
#define MAX_INPUTS 64
#define MAX_OUTPUTS 64
#define TOLERANCE 1e-5

static rnngen_abi_version_fn abi_version;
static rnngen_create_fn create;
static rnngen_create_from_file_fn create_from_file;
static rnngen_destroy_fn destroy;
static rnngen_size_fn input_size, output_size, state_size, sequence_length;
static rnngen_output_label_fn output_label;
static rnngen_run_fn step, forward;
static rnngen_reset_fn reset;
static rnngen_get_state_fn get_state;
static rnngen_set_state_fn set_state;
static rnngen_last_error_fn last_error;

static int failures = 0;

static void check(int ok, const char* what)
{
    if (!ok) {
        fprintf(stderr, "FAIL: %s\n", what);
        failures++;
    }
}

static void* symbol(void* library, const char* name)
{
    void* address = dlsym(library, name);
    if (address == NULL) {
        fprintf(stderr, "host: the library has no %s: %s\n", name, dlerror());
        exit(2);
    }
    return address;
}

static double max_difference(const float* a, const float* b, int n)
{
    double worst = 0;
    for (int i = 0; i < n; i++) {
        double d = fabs((double)a[i] - (double)b[i]);
        if (d > worst) worst = d;
    }
    return worst;
}

/* One streamed step's outputs: with output names, the most probable first, then every output by name. */
static void print_outputs(rnngen_model* model, int t, const float* out, int outputs)
{
    printf("after %2d steps:", t);
    if (output_label(model, 0) != NULL) {
        int best = 0;
        for (int j = 1; j < outputs; j++)
            if (out[j] > out[best]) best = j;
        printf(" %-10s", output_label(model, best));
        for (int j = 0; j < outputs; j++) printf(" %s %.6f", output_label(model, j), out[j]);
    } else {
        for (int j = 0; j < outputs; j++) printf(" %.6f", out[j]);
    }
    printf("\n");
}

static int expect_word(FILE* f, const char* word)
{
    char text[32];
    return fscanf(f, "%31s", text) == 1 && strcmp(text, word) == 0;
}

int main(int argc, char** argv)
{
    const char* usage = "usage: %s PLUGIN.so WEIGHTS.safetensors [REFERENCE.txt]\n"
                        "Streams a signal through the plugin's model, printing its outputs by name, and checks the C ABI.\n";
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf(usage, argv[0]);
        return 0;
    }
    if (argc < 3 || argc > 4) {
        fprintf(stderr, usage, argv[0]);
        return 2;
    }
    void* library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        fprintf(stderr, "host: cannot load %s: %s\n", argv[1], dlerror());
        return 2;
    }
    *(void**)&abi_version = symbol(library, "rnngen_abi_version");
    *(void**)&create = symbol(library, "rnngen_create");
    *(void**)&create_from_file = symbol(library, "rnngen_create_from_file");
    *(void**)&destroy = symbol(library, "rnngen_destroy");
    *(void**)&input_size = symbol(library, "rnngen_input_size");
    *(void**)&output_size = symbol(library, "rnngen_output_size");
    *(void**)&state_size = symbol(library, "rnngen_state_size");
    *(void**)&sequence_length = symbol(library, "rnngen_sequence_length");
    *(void**)&output_label = symbol(library, "rnngen_output_label");
    *(void**)&step = symbol(library, "rnngen_step");
    *(void**)&forward = symbol(library, "rnngen_forward");
    *(void**)&reset = symbol(library, "rnngen_reset");
    *(void**)&get_state = symbol(library, "rnngen_get_state");
    *(void**)&set_state = symbol(library, "rnngen_set_state");
    *(void**)&last_error = symbol(library, "rnngen_last_error");

    if (abi_version() != RNNGEN_ABI_VERSION) {
        fprintf(stderr, "host: the library has ABI version %d, this host was built for %d\n", abi_version(), RNNGEN_ABI_VERSION);
        return 2;
    }

    rnngen_model* embedded = create();
    rnngen_model* from_file = create_from_file(argv[2]);
    if (embedded == NULL || from_file == NULL) {
        fprintf(stderr, "host: cannot create the models: %s\n", last_error());
        return 2;
    }
    const int inputs = input_size(embedded), outputs = output_size(embedded), window = sequence_length(embedded);
    printf("model: %d inputs, %d outputs, %d state floats, window %d\n", inputs, outputs, state_size(embedded), window);
    if (inputs > MAX_INPUTS || outputs > MAX_OUTPUTS) {
        fprintf(stderr, "host: this host streams models with at most %d inputs and %d outputs\n", MAX_INPUTS, MAX_OUTPUTS);
        return 2;
    }
    printf("outputs:");
    for (int j = 0; j < outputs; j++) printf(" %s", output_label(embedded, j) != NULL ? output_label(embedded, j) : "(unnamed)");
    printf("\n");

    /* The signal: from the reference file, or sine waves of period 9, one phase per input. */
    static float x[MAX_STEPS * MAX_INPUTS], expected_steps[MAX_STEPS][MAX_OUTPUTS], expected_forward[MAX_OUTPUTS];
    int steps = window < MAX_STEPS ? window : MAX_STEPS;
    int have_reference = argc == 4;
    if (have_reference) {
        FILE* f = fopen(argv[3], "r");
        int ok = f != NULL && expect_word(f, "steps") && fscanf(f, "%d", &steps) == 1 && steps > 0 && steps <= window && steps <= MAX_STEPS && expect_word(f, "input");
        for (int i = 0; ok && i < steps * inputs; i++) ok = fscanf(f, "%f", &x[i]) == 1;
        for (int t = 0; ok && t < steps; t++) {
            int index;
            ok = expect_word(f, "step") && fscanf(f, "%d", &index) == 1 && index == t;
            for (int j = 0; ok && j < outputs; j++) ok = fscanf(f, "%f", &expected_steps[t][j]) == 1;
        }
        ok = ok && expect_word(f, "forward");
        for (int j = 0; ok && j < outputs; j++) ok = fscanf(f, "%f", &expected_forward[j]) == 1;
        if (f != NULL) fclose(f);
        if (!ok) {
            fprintf(stderr, "host: %s is not a reference file\n", argv[3]);
            return 2;
        }
    } else {
        for (int t = 0; t < steps; t++)
            for (int i = 0; i < inputs; i++) x[t * inputs + i] = sinf(2.0f * 3.14159265f * (float)t / 9.0f + 0.6f + (float)i);
    }

    /* Stream one sample at a time through both models. */
    double worst_reference = 0, worst_between = 0;
    float out[MAX_OUTPUTS], out_file[MAX_OUTPUTS], last[MAX_OUTPUTS];
    for (int t = 0; t < steps; t++) {
        check(step(embedded, &x[t * inputs], inputs, out, outputs) == RNNGEN_OK, "rnngen_step on the embedded-weights model");
        check(step(from_file, &x[t * inputs], inputs, out_file, outputs) == RNNGEN_OK, "rnngen_step on the file-weights model");
        double between = max_difference(out, out_file, outputs);
        if (between > worst_between) worst_between = between;
        if (have_reference) {
            double d = max_difference(out, expected_steps[t], outputs);
            if (d > worst_reference) worst_reference = d;
        }
        if ((t + 1) % 8 == 0 || t + 1 == steps) print_outputs(embedded, t + 1, out, outputs);
    }
    memcpy(last, out, sizeof(float) * (size_t)outputs);
    check(worst_between == 0, "embedded and file weights give the same outputs");

    /* A whole window from a zero state gives the last streamed outputs. */
    check(reset(embedded) == RNNGEN_OK, "rnngen_reset");
    check(forward(embedded, x, steps * inputs, out, outputs) == RNNGEN_OK, "rnngen_forward");
    double forward_vs_stream = max_difference(out, last, outputs);
    check(forward_vs_stream <= TOLERANCE, "rnngen_forward equals streaming with rnngen_step");
    if (have_reference) {
        double d = max_difference(out, expected_forward, outputs);
        if (d > worst_reference) worst_reference = d;
    }

    /* Snapshot the state halfway, continue, restore, continue again: the same outputs. */
    static float state[4096];
    int floats = state_size(embedded);
    check(floats > 0 && floats <= 4096, "rnngen_state_size");
    reset(embedded);
    for (int t = 0; t < steps / 2; t++) step(embedded, &x[t * inputs], inputs, out, outputs);
    check(get_state(embedded, state, floats) == RNNGEN_OK, "rnngen_get_state");
    for (int t = steps / 2; t < steps; t++) step(embedded, &x[t * inputs], inputs, out, outputs);
    memcpy(last, out, sizeof(float) * (size_t)outputs);
    reset(embedded);
    check(set_state(embedded, state, floats) == RNNGEN_OK, "rnngen_set_state");
    for (int t = steps / 2; t < steps; t++) step(embedded, &x[t * inputs], inputs, out, outputs);
    check(max_difference(out, last, outputs) == 0, "restoring a snapshot replays the stream exactly");

    /* Failures are reported, not crashes. */
    check(create_from_file("/nonexistent/weights.safetensors") == NULL, "a missing weights file gives NULL");
    check(last_error() != NULL && strstr(last_error(), "weights.safetensors") != NULL, "rnngen_last_error names the missing file");
    check(step(embedded, x, inputs + 1, out, outputs) == RNNGEN_INVALID_ARGUMENT, "a wrong input length is RNNGEN_INVALID_ARGUMENT");
    check(last_error() != NULL && strstr(last_error(), "input_length") != NULL, "rnngen_last_error explains the wrong length");
    check(step(NULL, x, inputs, out, outputs) == RNNGEN_INVALID_ARGUMENT, "a NULL model is RNNGEN_INVALID_ARGUMENT");
    check(output_label(embedded, outputs) == NULL && output_label(embedded, -1) == NULL, "rnngen_output_label is NULL out of range");
    check(output_label(NULL, 0) == NULL && last_error() != NULL && strstr(last_error(), "rnngen_output_label") != NULL, "rnngen_output_label of NULL reports it");
    check(get_state(embedded, state, floats + 1) == RNNGEN_INVALID_ARGUMENT, "a wrong state length is RNNGEN_INVALID_ARGUMENT");

    destroy(embedded);
    destroy(from_file);
    destroy(NULL);

    if (have_reference) {
        printf("max |plugin - managed| = %.3g over %d steps and a forward pass\n", worst_reference, steps);
        check(worst_reference <= TOLERANCE, "the plugin matches the managed model");
    }
    printf("forward vs streamed: %.3g, embedded vs file weights: %.3g\n", forward_vs_stream, worst_between);
    printf(failures == 0 ? "OK\n" : "%d check(s) failed\n", failures);
    return failures == 0 ? 0 : 1;
}
