using Microsoft.CodeAnalysis;

namespace RnnGen.Generator.Diagnostics;

/// <summary>Every diagnostic the generator reports. IDs are stable; README.md and AnalyzerReleases.*.md list them.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "RnnGen";

    private static DiagnosticDescriptor Error(string id, string title, string message)
        => new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static DiagnosticDescriptor Warning(string id, string title, string message)
        => new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NotPartial = Error("RNN001",
        "Model class must be partial",
        "Model class '{0}' must be declared 'partial' so RnnGen can add the generated members; add the 'partial' modifier");

    public static readonly DiagnosticDescriptor Generic = Error("RNN002",
        "Model class cannot be generic",
        "Model class '{0}' is generic or nested in a generic type; sizes must be fixed at compile time, so declare it in a non-generic type");

    public static readonly DiagnosticDescriptor MissingInputSize = Error("RNN003",
        "InputSize is required",
        "[RecurrentModel] on '{0}' needs InputSize (floats per step), e.g. [RecurrentModel(InputSize = 6, SequenceLength = 50)], or an [Embedding] as the first layer");

    public static readonly DiagnosticDescriptor NonPositiveSize = Error("RNN004",
        "Size must be positive",
        "{0} must be a positive integer, but is {1}");

    public static readonly DiagnosticDescriptor NoRecurrentLayer = Error("RNN005",
        "Model has no recurrent layer",
        "Model '{0}' declares no recurrent layer; add at least one [Lstm(n)], [Gru(n)] or [Rnn(n)]");

    public static readonly DiagnosticDescriptor DenseBeforeRecurrent = Error("RNN006",
        "Dense head must come after the recurrent layers",
        "[Dense] must be declared after every recurrent layer; move it below the last [Lstm], [Gru] or [Rnn]");

    public static readonly DiagnosticDescriptor ProjectionNotLstm = Error("RNN007",
        "Projection is only for LSTM layers",
        "ProjectionSize is only supported on [Lstm] layers (PyTorch proj_size); remove it from this [{0}]");

    public static readonly DiagnosticDescriptor ProjectionTooLarge = Error("RNN008",
        "Projection must be smaller than the hidden size",
        "ProjectionSize ({0}) must be smaller than the hidden size ({1}), as in PyTorch");

    public static readonly DiagnosticDescriptor EmbeddingNotFirst = Error("RNN009",
        "Embedding must be the first layer",
        "[Embedding] must be declared first and only once, before every recurrent layer");

    /// <summary>Until issue 14 RNN010 meant a second [Dense]; consecutive [Dense] layers now form one MLP head, so a second head is an Over on a later layer.</summary>
    public static readonly DiagnosticDescriptor OverOnLaterDense = Error("RNN010",
        "Over is set on the head's first Dense only",
        "Over = Steps.{0} on a [Dense] after the head's first: consecutive [Dense] layers form one head, each reading the layer before it, so only the first one chooses the steps it reads; remove Over here (or set it on the first [Dense])");

    public static readonly DiagnosticDescriptor InvalidRnnActivation = Error("RNN011",
        "Invalid RNN nonlinearity",
        "[Rnn] supports Activation.Tanh or Activation.Relu, not {0}");

    public static readonly DiagnosticDescriptor InputSizeWithEmbedding = Error("RNN012",
        "InputSize conflicts with the embedding",
        "InputSize ({0}) must be omitted or equal the embedding dimension ({1}) when the model starts with an [Embedding]");

    public static readonly DiagnosticDescriptor MissingSequenceLength = Error("RNN013",
        "SequenceLength is required",
        "[RecurrentModel] on '{0}' needs SequenceLength, the unroll window T that Forward and Backward accept (e.g. SequenceLength = 50)");

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Error("RNN014",
        "Containing type must be partial",
        "Type '{0}' contains the model class '{1}' and must also be declared 'partial'");

    public static readonly DiagnosticDescriptor UndefinedEnumValue = Error("RNN015",
        "Undefined enum value",
        "{0} has the undefined value {1}; use one of the named members");

    public static readonly DiagnosticDescriptor ModelTooLarge = Error("RNN016",
        "Model is too large",
        "Model '{0}' needs {1} floats for {2}; the limit is {3}. Reduce the layer sizes or the SequenceLength");

    public static readonly DiagnosticDescriptor WeightsNotInBuild = Error("RNN017",
        "Weights file is not in the build",
        "Weights file '{0}' of model '{1}' {2}");

    public static readonly DiagnosticDescriptor WeightsMismatch = Error("RNN018",
        "Weights do not fit the declaration",
        "Weights file '{0}' does not fit model '{1}': {2}");

    public static readonly DiagnosticDescriptor WeightsUnreadable = Error("RNN019",
        "Weights file cannot be read",
        "Weights file '{0}' of model '{1}' cannot be read: {2}");

    public static readonly DiagnosticDescriptor MissingRecurrentModel = Error("RNN020",
        "Layer attributes without [RecurrentModel]",
        "Class '{0}' has [{1}] but no [RecurrentModel], so RnnGen generates nothing for it; add {2} to the class");

    public static readonly DiagnosticDescriptor SoftmaxNotLast = Error("RNN021",
        "Softmax only on the head's last Dense",
        "Activation.Softmax is supported on the head's last [Dense] only: it turns the logits into the output probabilities, which the losses and BackwardFromLogits take at the output; between layers use Relu, Tanh or Sigmoid, or make this [Dense] the last");

    public static readonly DiagnosticDescriptor InvalidModule = Error("RNN022",
        "Module is not a PyTorch module path",
        "Module \"{0}\" is not a PyTorch module path: write the attribute path of the module that holds the tensors, names separated by dots, each an identifier or an index (e.g. \"lstm\", \"encoder.rnn\", \"head.0\")");

    public static readonly DiagnosticDescriptor DuplicateTensorName = Error("RNN023",
        "Two parts name the same tensor",
        "Tensor '{0}' of {1} has the name of a tensor of {2}; a state_dict holds each name once, so give one of them another Module");

    public static readonly DiagnosticDescriptor WeightsPrecisionMismatch = Error("RNN024",
        "Build-time weights in another precision than the model",
        "Weights file '{0}' does not match the precision of model '{1}': {2}");

    public static readonly DiagnosticDescriptor WeightsEmbeddedInFloat32 = Warning("RNN025",
        "Low-precision model embeds float32 weights",
        "Weights file '{0}' of model '{1}' {2}");

    private static readonly DiagnosticDescriptor[] All =
    [
        NotPartial, Generic, MissingInputSize, NonPositiveSize, NoRecurrentLayer, DenseBeforeRecurrent, ProjectionNotLstm,
        ProjectionTooLarge, EmbeddingNotFirst, OverOnLaterDense, InvalidRnnActivation, InputSizeWithEmbedding,
        MissingSequenceLength, ContainingTypeNotPartial, UndefinedEnumValue, ModelTooLarge, WeightsNotInBuild,
        WeightsMismatch, WeightsUnreadable, MissingRecurrentModel, SoftmaxNotLast, InvalidModule, DuplicateTensorName,
        WeightsPrecisionMismatch, WeightsEmbeddedInFloat32,
    ];

    public static DiagnosticDescriptor ById(string id) => All.First(d => d.Id == id);
}
