using System.Runtime.InteropServices;
using System.Text;
using RnnGen.Weights;

namespace NativePlugin;

/// <summary>
/// The C ABI of include/rnngen_plugin.h. A model handle is a GCHandle to a <see cref="WaveformModel"/>. No exception
/// crosses the boundary: a failing call returns NULL or a negative status and leaves a message for
/// <c>rnngen_last_error</c> on the calling thread. Calls on one handle must not overlap; different handles are independent.
/// </summary>
public static unsafe class Exports
{
    /// <summary>Bumped whenever a function's signature or meaning changes.</summary>
    public const int AbiVersion = 1;

    private const int Ok = 0, InvalidArgument = -1, Failed = -2;

    // The last error of each thread, NUL-terminated UTF-8 owned by the library; replaced by the next failure on the thread.
    [ThreadStatic] private static byte* t_lastError;

    [UnmanagedCallersOnly(EntryPoint = "rnngen_abi_version")]
    public static int AbiVersionExport() => AbiVersion;

    [UnmanagedCallersOnly(EntryPoint = "rnngen_create")]
    public static nint Create()
    {
        try
        {
            return GCHandle.ToIntPtr(GCHandle.Alloc(new WaveformModel()));
        }
        catch (Exception e)
        {
            SetError(e.Message);
            return 0;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "rnngen_create_from_file")]
    public static nint CreateFromFile(byte* path)
    {
        if (path is null) return Error(0, "rnngen_create_from_file: path is NULL");
        try
        {
            var model = new WaveformModel();
            model.LoadWeights(Marshal.PtrToStringUTF8((nint)path)!);
            return GCHandle.ToIntPtr(GCHandle.Alloc(model));
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

    [UnmanagedCallersOnly(EntryPoint = "rnngen_destroy")]
    public static void Destroy(nint model)
    {
        if (model != 0) GCHandle.FromIntPtr(model).Free();
    }

    [UnmanagedCallersOnly(EntryPoint = "rnngen_input_size")]
    public static int InputSize(nint model) => Get(model) is null ? InvalidArgument : WaveformModel.InputSize;

    [UnmanagedCallersOnly(EntryPoint = "rnngen_output_size")]
    public static int OutputSize(nint model) => Get(model) is null ? InvalidArgument : WaveformModel.OutputSize;

    [UnmanagedCallersOnly(EntryPoint = "rnngen_state_size")]
    public static int StateSize(nint model) => Get(model) is null ? InvalidArgument : WaveformModel.StateSize;

    [UnmanagedCallersOnly(EntryPoint = "rnngen_sequence_length")]
    public static int SequenceLength(nint model) => Get(model) is null ? InvalidArgument : WaveformModel.SequenceLength;

    [UnmanagedCallersOnly(EntryPoint = "rnngen_step")]
    public static int Step(nint model, float* input, int inputLength, float* output, int outputLength)
    {
        var m = Get(model);
        if (m is null) return Error(InvalidArgument, "rnngen_step: model is NULL");
        if (input is null || output is null) return Error(InvalidArgument, "rnngen_step: input or output is NULL");
        if (inputLength != WaveformModel.InputSize) return Error(InvalidArgument, $"rnngen_step: input_length is {inputLength}, the model takes {WaveformModel.InputSize}");
        if (outputLength < WaveformModel.OutputSize) return Error(InvalidArgument, $"rnngen_step: output_length is {outputLength}, the model writes {WaveformModel.OutputSize}");
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
        if (inputLength <= 0 || inputLength % WaveformModel.InputSize != 0 || inputLength > WaveformModel.SequenceLength * WaveformModel.InputSize)
            return Error(InvalidArgument, $"rnngen_forward: input_length {inputLength} is not 1..{WaveformModel.SequenceLength} steps of {WaveformModel.InputSize}");
        if (outputLength < WaveformModel.OutputSize) return Error(InvalidArgument, $"rnngen_forward: output_length is {outputLength}, the model writes {WaveformModel.OutputSize}");
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
        if (length != WaveformModel.StateSize) return Error(InvalidArgument, $"rnngen_get_state: length is {length}, the state has {WaveformModel.StateSize} floats");
        m.State.CopyTo(new Span<float>(state, length));
        return Ok;
    }

    [UnmanagedCallersOnly(EntryPoint = "rnngen_set_state")]
    public static int SetState(nint model, float* state, int length)
    {
        var m = Get(model);
        if (m is null || state is null) return Error(InvalidArgument, "rnngen_set_state: model or state is NULL");
        if (length != WaveformModel.StateSize) return Error(InvalidArgument, $"rnngen_set_state: length is {length}, the state has {WaveformModel.StateSize} floats");
        new ReadOnlySpan<float>(state, length).CopyTo(m.State);
        return Ok;
    }

    [UnmanagedCallersOnly(EntryPoint = "rnngen_last_error")]
    public static byte* LastError() => t_lastError;

    private static WaveformModel? Get(nint handle) => handle == 0 ? null : GCHandle.FromIntPtr(handle).Target as WaveformModel;

    private static T Error<T>(T result, string message)
    {
        SetError(message);
        return result;
    }

    private static void SetError(string message)
    {
        int length = Encoding.UTF8.GetByteCount(message);
        var text = (byte*)NativeMemory.Alloc((nuint)length + 1);
        Encoding.UTF8.GetBytes(message, new Span<byte>(text, length));
        text[length] = 0;
        NativeMemory.Free(t_lastError);
        t_lastError = text;
    }
}
