using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using RnnGen.Weights;

namespace NativePlugin;

/// <summary>
/// The C ABI of include/rnngen_plugin.h for the model class the project names in <c>PluginModel</c> (here the alias
/// <see cref="PluginModel"/>). A model handle is a GCHandle to a <see cref="Plugin"/>: the model and its output labels.
/// No exception crosses the boundary: a failing call returns NULL or a negative status and leaves a message for
/// <c>rnngen_last_error</c> on the calling thread. Calls on one handle must not overlap; different handles are independent.
/// </summary>
public static unsafe class Exports
{
    /// <summary>Bumped whenever a function is added or a function's signature or meaning changes.</summary>
    public const int AbiVersion = 2;

    /// <summary>The metadata key of the weights file that names the outputs: comma-separated, one name per output.</summary>
    public const string LabelsKey = "classes";

    private const int Ok = 0, InvalidArgument = -1, Failed = -2;

    // The last error of each thread, NUL-terminated UTF-8 owned by the library; replaced by the next failure on the thread.
    [ThreadStatic] private static byte* t_lastError;

    [UnmanagedCallersOnly(EntryPoint = "rnngen_abi_version")]
    public static int AbiVersionExport() => AbiVersion;

    /// <summary>What a handle points to: the model, and the NUL-terminated UTF-8 names of its outputs (owned, freed with it).</summary>
    private sealed class Plugin(PluginModel model, nint[] labels)
    {
        public PluginModel Model { get; } = model;

        public nint[] Labels { get; } = labels;
    }

    [UnmanagedCallersOnly(EntryPoint = "rnngen_create")]
    public static nint Create()
    {
        try
        {
            // The constructor loads the weights embedded at build time; the labels come from the same file's metadata.
            var model = new PluginModel();
            using Stream stream = typeof(PluginModel).Assembly.GetManifestResourceStream(PluginModel.EmbeddedWeightsResource)
                ?? throw new InvalidOperationException($"the library has no embedded weights '{PluginModel.EmbeddedWeightsResource}'");
            return Handle(model, SafeTensorsFile.Read(stream, PluginModel.EmbeddedWeightsResource));
        }
        catch (Exception e)
        {
            return Error(0, $"rnngen_create: {e.Message}");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "rnngen_create_from_file")]
    public static nint CreateFromFile(byte* path)
    {
        if (path is null) return Error(0, "rnngen_create_from_file: path is NULL");
        try
        {
            string weights = Marshal.PtrToStringUTF8((nint)path)!;
            if (Directory.Exists(weights)) return Error(0, $"{weights}: is a directory, not a weights file");
            if (!File.Exists(weights)) return Error(0, $"{weights}: no such file");
            var file = SafeTensorsFile.Read(weights);
            var model = new PluginModel();
            model.LoadWeights(file);
            return Handle(model, file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or WeightFormatException)
        {
            return Error(0, e.Message);
        }
        catch (Exception e)
        {
            return Error(0, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>A handle to <paramref name="model"/> with the output names of <paramref name="weights"/>' metadata.</summary>
    /// <exception cref="WeightFormatException">The metadata names a different number of outputs than the model has.</exception>
    private static nint Handle(PluginModel model, SafeTensorsFile weights)
    {
        nint[] labels = [];
        if (weights.Metadata.TryGetValue(LabelsKey, out string? names))
        {
            string[] split = names.Split(',');
            if (split.Length != PluginModel.OutputSize)
                throw new WeightFormatException($"{weights.FileName}: metadata '{LabelsKey}' names {split.Length} outputs ({names}), but the model has {PluginModel.OutputSize}");
            labels = new nint[split.Length];
            for (int i = 0; i < split.Length; i++) labels[i] = (nint)Utf8(split[i].Trim());
        }
        return GCHandle.ToIntPtr(GCHandle.Alloc(new Plugin(model, labels)));
    }

    [UnmanagedCallersOnly(EntryPoint = "rnngen_destroy")]
    public static void Destroy(nint model)
    {
        if (model == 0) return;
        var handle = GCHandle.FromIntPtr(model);
        if (handle.Target is Plugin plugin)
            foreach (nint label in plugin.Labels) NativeMemory.Free((void*)label);
        handle.Free();
    }

    [UnmanagedCallersOnly(EntryPoint = "rnngen_input_size")]
    public static int InputSize(nint model) => Get(model) is null ? InvalidArgument : PluginModel.InputSize;

    [UnmanagedCallersOnly(EntryPoint = "rnngen_output_size")]
    public static int OutputSize(nint model) => Get(model) is null ? InvalidArgument : PluginModel.OutputSize;

    [UnmanagedCallersOnly(EntryPoint = "rnngen_state_size")]
    public static int StateSize(nint model) => Get(model) is null ? InvalidArgument : PluginModel.StateSize;

    [UnmanagedCallersOnly(EntryPoint = "rnngen_sequence_length")]
    public static int SequenceLength(nint model) => Get(model) is null ? InvalidArgument : PluginModel.SequenceLength;

    [UnmanagedCallersOnly(EntryPoint = "rnngen_output_label")]
    public static byte* OutputLabel(nint model, int index)
    {
        var plugin = GetPlugin(model);
        if (plugin is null)
        {
            SetError("rnngen_output_label: model is NULL");
            return null;
        }
        return index >= 0 && index < plugin.Labels.Length ? (byte*)plugin.Labels[index] : null;
    }

    [UnmanagedCallersOnly(EntryPoint = "rnngen_step")]
    public static int Step(nint model, float* input, int inputLength, float* output, int outputLength)
    {
        var m = Get(model);
        if (m is null) return Error(InvalidArgument, "rnngen_step: model is NULL");
        if (input is null || output is null) return Error(InvalidArgument, "rnngen_step: input or output is NULL");
        if (inputLength != PluginModel.InputSize) return Error(InvalidArgument, $"rnngen_step: input_length is {inputLength}, the model takes {PluginModel.InputSize}");
        if (outputLength < PluginModel.OutputSize) return Error(InvalidArgument, $"rnngen_step: output_length is {outputLength}, the model writes {PluginModel.OutputSize}");
        try
        {
            m.Step(new ReadOnlySpan<float>(input, inputLength), new Span<float>(output, outputLength));
            return Ok;
        }
        catch (Exception e)
        {
            return Error(Failed, $"{e.GetType().Name}: {e.Message}");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "rnngen_forward")]
    public static int Forward(nint model, float* inputs, int inputLength, float* outputs, int outputLength)
    {
        var m = Get(model);
        if (m is null) return Error(InvalidArgument, "rnngen_forward: model is NULL");
        if (inputs is null || outputs is null) return Error(InvalidArgument, "rnngen_forward: inputs or outputs is NULL");
        if (inputLength <= 0 || inputLength % PluginModel.InputSize != 0 || inputLength > PluginModel.SequenceLength * PluginModel.InputSize)
            return Error(InvalidArgument, $"rnngen_forward: input_length {inputLength} is not 1..{PluginModel.SequenceLength} steps of {PluginModel.InputSize}");
        if (outputLength < PluginModel.OutputSize) return Error(InvalidArgument, $"rnngen_forward: output_length is {outputLength}, the model writes {PluginModel.OutputSize}");
        try
        {
            m.Forward(new ReadOnlySpan<float>(inputs, inputLength), new Span<float>(outputs, outputLength));
            return Ok;
        }
        catch (Exception e)
        {
            return Error(Failed, $"{e.GetType().Name}: {e.Message}");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "rnngen_reset")]
    public static int Reset(nint model)
    {
        var m = Get(model);
        if (m is null) return Error(InvalidArgument, "rnngen_reset: model is NULL");
        m.ResetState();
        return Ok;
    }

    [UnmanagedCallersOnly(EntryPoint = "rnngen_get_state")]
    public static int GetState(nint model, float* state, int length)
    {
        var m = Get(model);
        if (m is null || state is null) return Error(InvalidArgument, "rnngen_get_state: model or state is NULL");
        if (length != PluginModel.StateSize) return Error(InvalidArgument, $"rnngen_get_state: length is {length}, the state has {PluginModel.StateSize} floats");
        m.State.CopyTo(new Span<float>(state, length));
        return Ok;
    }

    [UnmanagedCallersOnly(EntryPoint = "rnngen_set_state")]
    public static int SetState(nint model, float* state, int length)
    {
        var m = Get(model);
        if (m is null || state is null) return Error(InvalidArgument, "rnngen_set_state: model or state is NULL");
        if (length != PluginModel.StateSize) return Error(InvalidArgument, $"rnngen_set_state: length is {length}, the state has {PluginModel.StateSize} floats");
        new ReadOnlySpan<float>(state, length).CopyTo(m.State);
        return Ok;
    }

    [UnmanagedCallersOnly(EntryPoint = "rnngen_last_error")]
    public static byte* LastError() => t_lastError;

    private static Plugin? GetPlugin(nint handle) => handle == 0 ? null : GCHandle.FromIntPtr(handle).Target as Plugin;

    private static PluginModel? Get(nint handle) => GetPlugin(handle)?.Model;

    private static T Error<T>(T result, string message)
    {
        SetError(message);
        return result;
    }

    private static void SetError(string message)
    {
        byte* text = Utf8(message);
        NativeMemory.Free(t_lastError);
        t_lastError = text;
    }

    /// <summary>A NUL-terminated UTF-8 copy of <paramref name="text"/> in native memory, for the caller to free.</summary>
    private static byte* Utf8(string text)
    {
        int length = Encoding.UTF8.GetByteCount(text);
        var bytes = (byte*)NativeMemory.Alloc((nuint)length + 1);
        Encoding.UTF8.GetBytes(text, new Span<byte>(bytes, length));
        bytes[length] = 0;
        return bytes;
    }
}
