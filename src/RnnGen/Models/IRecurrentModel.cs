namespace RnnGen;

/// <summary>
/// What every generated model offers, so that tools, trainers and tests can drive any model without knowing its type.
/// All spans returned are views of buffers the model allocated once at construction.
/// </summary>
public interface IRecurrentModel : IParameterSet
{
    /// <summary>Floats per input step; for a token model, the embedding dimension.</summary>
    int InputSize { get; }

    /// <summary>Vocabulary size of a token model (<see cref="EmbeddingAttribute"/>), otherwise 0.</summary>
    int VocabularySize { get; }

    /// <summary>Floats per output row: the head's outputs, or D·P of the last recurrent layer.</summary>
    int OutputSize { get; }

    /// <summary>True when <c>Forward</c> writes one output row per step, false when it writes one row (a head over the last step or the final states).</summary>
    bool OutputsEveryStep { get; }

    /// <summary>The unroll window T: the most steps <c>Forward</c> accepts.</summary>
    int SequenceLength { get; }

    /// <summary>The live recurrent state of every layer and direction, laid out as <see cref="StateTensors"/> says.</summary>
    Span<float> State { get; }

    /// <summary>The pieces of <see cref="State"/>.</summary>
    IReadOnlyList<StateTensor> StateTensors { get; }

    /// <summary>Accumulated gradients, same layout as <see cref="IParameterSet.Parameters"/>.</summary>
    Span<float> Gradients { get; }

    /// <summary>Sets every hidden and cell state to zero.</summary>
    void ResetState();

    /// <summary>Steps recorded by the last <c>Forward</c> (what <c>Backward</c> runs over); 0 before the first.</summary>
    int RecordedSteps { get; }

    /// <summary>
    /// The head's pre-activation outputs (logits) of the last <c>Forward</c>, same rows as its outputs.
    /// For a model without a head, or with a linear head, these equal the outputs.
    /// </summary>
    ReadOnlySpan<float> Logits { get; }

    /// <summary>
    /// The last recurrent layer's outputs of the last <c>Forward</c>, one row of D·P floats per step (for a bidirectional
    /// layer [forward, backward]): what the head reads, or the outputs themselves when there is no head. A head over
    /// <c>Steps.Final</c> on a bidirectional layer reads the last row's forward half and the first row's backward half.
    /// </summary>
    ReadOnlySpan<float> HiddenOutputs { get; }

    /// <summary>Sets every entry of <see cref="Gradients"/> to zero.</summary>
    void ZeroGradients();

    /// <summary>
    /// Backpropagation through time over the last <c>Forward</c>: a vector–Jacobian product. Adds the parameter gradients
    /// to <see cref="Gradients"/> and writes the gradients with respect to the inputs and the initial state.
    /// </summary>
    /// <param name="outputGradient">dL/d(outputs), the same shape as the outputs <c>Forward</c> wrote (post-activation).</param>
    /// <param name="inputGradient">Receives dL/d(inputs) [steps × InputSize]; empty when not needed (always empty for token models).</param>
    /// <param name="finalStateGradient">dL/d(final state), laid out as <see cref="State"/>; empty means zero.</param>
    /// <param name="initialStateGradient">Receives dL/d(initial state), laid out as <see cref="State"/>; empty when not needed.</param>
    void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient, ReadOnlySpan<float> finalStateGradient, Span<float> initialStateGradient);

    /// <summary>
    /// As <see cref="Backward"/>, but <paramref name="logitGradient"/> is dL/d(<see cref="Logits"/>), skipping the head's
    /// activation: use it with losses fused with softmax or sigmoid, whose logit gradient is exact.
    /// </summary>
    void BackwardFromLogits(ReadOnlySpan<float> logitGradient, Span<float> inputGradient, ReadOnlySpan<float> finalStateGradient, Span<float> initialStateGradient);
}
