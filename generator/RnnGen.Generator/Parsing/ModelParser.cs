using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generator.Contract;
using RnnGen.Generator.Diagnostics;
using RnnGen.Generator.Helpers;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Parsing;

/// <summary>
/// Turns an annotated class symbol into a <see cref="ModelSpec"/> (or diagnostics). The layer attributes are read in
/// declaration order: [Embedding]? then recurrent layers, then the head's [Dense] layers. Property names are <c>nameof</c>s of
/// the attribute types and defaults are read from default-constructed attributes, so the runtime's attribute sources
/// (compiled into this generator) are the one statement of the contract.
/// </summary>
internal static class ModelParser
{
    /// <summary>Buffers beyond this many floats (1 GiB) are rejected at compile time rather than failing at run time.</summary>
    internal const long MaxFloats = 1L << 28;

    private static readonly RecurrentModelAttribute ModelDefaults = new();
    private static readonly LstmAttribute LstmDefaults = new(0);
    private static readonly GruAttribute GruDefaults = new(0);
    private static readonly RnnAttribute RnnDefaults = new(0);
    private static readonly DenseAttribute DenseDefaults = new(0);
    private static readonly EmbeddingAttribute EmbeddingDefaults = new(0, 0);

    /// <summary>A PyTorch module path: names separated by dots, each an identifier or an index (<c>head.0</c>).</summary>
    private static readonly System.Text.RegularExpressions.Regex ModulePath =
        new(@"^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+)(?:\.(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+))*$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken ct)
    {
        var type = (INamedTypeSymbol)context.TargetSymbol;
        var classSyntax = (ClassDeclarationSyntax)context.TargetNode;
        var modelAttribute = context.Attributes[0];
        var diagnostics = ImmutableArray.CreateBuilder<DiagnosticInfo>();

        void Report(DiagnosticDescriptor descriptor, Location? location, params object[] args)
            => diagnostics.Add(new DiagnosticInfo(descriptor.Id, LocationInfo.From(location),
                args.Select(a => Convert.ToString(a, CultureInfo.InvariantCulture) ?? "").ToEquatableArray()));

        Location classLocation = classSyntax.Identifier.GetLocation();
        Location modelLocation = LocationOf(modelAttribute) ?? classLocation;

        if (!classSyntax.Modifiers.Any(SyntaxKind.PartialKeyword))
            Report(DiagnosticDescriptors.NotPartial, classLocation, type.Name);

        var containing = ImmutableArray.CreateBuilder<ContainingType>();
        bool generic = type.IsGenericType;
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            generic |= outer.IsGenericType;
            var outerDeclarations = outer.DeclaringSyntaxReferences.Select(r => r.GetSyntax(ct)).OfType<TypeDeclarationSyntax>().ToList();
            if (!outerDeclarations.Any(d => d.Modifiers.Any(SyntaxKind.PartialKeyword)))
                Report(DiagnosticDescriptors.ContainingTypeNotPartial, outerDeclarations.FirstOrDefault()?.Identifier.GetLocation() ?? classLocation, outer.Name, type.Name);
            containing.Insert(0, new ContainingType(KeywordOf(outer), outer.Name));
        }
        if (generic)
            Report(DiagnosticDescriptors.Generic, classLocation, type.Name);

        int? inputSize = NamedOrNull<int>(modelAttribute, nameof(RecurrentModelAttribute.InputSize));
        int? sequenceLength = NamedOrNull<int>(modelAttribute, nameof(RecurrentModelAttribute.SequenceLength));
        var activations = (ActivationPrecision)Named(modelAttribute, nameof(RecurrentModelAttribute.Activations), (int)ModelDefaults.Activations);
        string? weights = Named(modelAttribute, nameof(RecurrentModelAttribute.Weights), ModelDefaults.Weights);
        if (weights is { Length: 0 }) weights = null;
        if (!Enum.IsDefined(typeof(ActivationPrecision), activations))
            Report(DiagnosticDescriptors.UndefinedEnumValue, modelLocation, $"RecurrentModel {nameof(RecurrentModelAttribute.Activations)}", (int)activations);
        var precision = (WeightPrecision)Named(modelAttribute, nameof(RecurrentModelAttribute.Precision), (int)ModelDefaults.Precision);
        if (!Enum.IsDefined(typeof(WeightPrecision), precision))
            Report(DiagnosticDescriptors.UndefinedEnumValue, modelLocation, $"RecurrentModel {nameof(RecurrentModelAttribute.Precision)}", (int)precision);
        if (inputSize is int i && i <= 0) Report(DiagnosticDescriptors.NonPositiveSize, modelLocation, nameof(RecurrentModelAttribute.InputSize), i);
        if (sequenceLength is null) Report(DiagnosticDescriptors.MissingSequenceLength, modelLocation, type.Name);
        else if (sequenceLength <= 0) Report(DiagnosticDescriptors.NonPositiveSize, modelLocation, nameof(RecurrentModelAttribute.SequenceLength), sequenceLength);

        EmbeddingSpec? embedding = null;
        var layers = ImmutableArray.CreateBuilder<LayerSpec>();
        var dense = ImmutableArray.CreateBuilder<DenseSpec>();
        Steps over = DenseDefaults.Over;
        // Where each layer attribute is, by its place among them (the ParameterTable's part index), for RNN023.
        var partLocations = new List<Location>();
        Location? lastSoftmax = null;
        foreach (var attribute in type.GetAttributes())
        {
            ct.ThrowIfCancellationRequested();
            string? name = attribute.AttributeClass?.ToDisplayString();
            Location location = LocationOf(attribute) ?? classLocation;
            switch (name)
            {
                case AttributeNames.Embedding:
                {
                    int vocabulary = IntArgument(attribute, 0), dimension = IntArgument(attribute, 1);
                    if (partLocations.Count != 0 || embedding is not null) Report(DiagnosticDescriptors.EmbeddingNotFirst, location);
                    if (vocabulary <= 0) Report(DiagnosticDescriptors.NonPositiveSize, location, "Embedding vocabularySize", vocabulary);
                    if (dimension <= 0) Report(DiagnosticDescriptors.NonPositiveSize, location, "Embedding dimension", dimension);
                    embedding ??= new EmbeddingSpec(vocabulary, dimension, Module(attribute, EmbeddingDefaults.Module, location, Report));
                    partLocations.Add(location);
                    break;
                }
                case AttributeNames.Lstm:
                case AttributeNames.Gru:
                case AttributeNames.Rnn:
                {
                    if (dense.Count > 0) Report(DiagnosticDescriptors.DenseBeforeRecurrent, LocationOfHead(type, classLocation));
                    var layer = ParseLayer(attribute, name, location, Report);
                    if (layer is not null) layers.Add(layer);
                    partLocations.Add(location);
                    break;
                }
                case AttributeNames.Dense:
                {
                    int outputs = IntArgument(attribute, 0);
                    var activation = (Activation)IntArgument(attribute, 1, (int)DenseDefaults.Activation);
                    int? overGiven = NamedOrNull<int>(attribute, nameof(DenseAttribute.Over));
                    if (outputs <= 0) Report(DiagnosticDescriptors.NonPositiveSize, location, "Dense outputs", outputs);
                    if (!Enum.IsDefined(typeof(Activation), activation)) Report(DiagnosticDescriptors.UndefinedEnumValue, location, "Dense activation", (int)activation);
                    if (overGiven is int o && !Enum.IsDefined(typeof(Steps), (Steps)o)) Report(DiagnosticDescriptors.UndefinedEnumValue, location, "Dense Over", o);
                    // The head's later layers read the layer before them; only the first chooses the steps.
                    if (dense.Count > 0 && overGiven is not null) Report(DiagnosticDescriptors.OverOnLaterDense, location, ((Steps)overGiven.Value).ToString());
                    if (dense.Count == 0 && overGiven is int first) over = (Steps)first;
                    if (lastSoftmax is not null) Report(DiagnosticDescriptors.SoftmaxNotLast, lastSoftmax);
                    lastSoftmax = activation == Activation.Softmax ? location : null;
                    dense.Add(new DenseSpec(outputs, activation, Named(attribute, nameof(DenseAttribute.Bias), DenseDefaults.Bias),
                        Module(attribute, DenseDefaults.Module, location, Report)));
                    partLocations.Add(location);
                    break;
                }
            }
        }

        if (layers.Count == 0 && !diagnostics.Any(d => d.Id == DiagnosticDescriptors.NonPositiveSize.Id))
            Report(DiagnosticDescriptors.NoRecurrentLayer, modelLocation, type.Name);
        if (embedding is null && inputSize is null)
            Report(DiagnosticDescriptors.MissingInputSize, modelLocation, type.Name);
        if (embedding is not null && inputSize is int given && given != embedding.Dimension && given > 0)
            Report(DiagnosticDescriptors.InputSizeWithEmbedding, modelLocation, given, embedding.Dimension);

        if (diagnostics.Count > 0)
            return new ParseResult(null, diagnostics.ToEquatableArray());

        var spec = new ModelSpec(
            Namespace: type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString(),
            TypeName: type.Name,
            ContainingTypes: containing.ToEquatableArray(),
            InputSize: embedding?.Dimension ?? inputSize!.Value,
            SequenceLength: sequenceLength!.Value,
            Embedding: embedding,
            Layers: layers.ToEquatableArray(),
            Head: dense.Count == 0 ? null : new HeadSpec(dense.ToEquatableArray(), over),
            Weights: weights,
            ExactActivations: activations == ActivationPrecision.Exact,
            Precision: precision);

        // Module names may make two parts name the same tensor; a state_dict cannot hold both. One error per pair of parts.
        var reported = new HashSet<(int, int)>();
        foreach (var (first, again) in new ParameterTable(spec).Duplicates())
        {
            if (reported.Add((first.Part, again.Part)))
                Report(DiagnosticDescriptors.DuplicateTensorName, partLocations[again.Part], again.Name,
                    ModelDeclaration.Describe(spec, again.Part), ModelDeclaration.Describe(spec, first.Part));
        }
        if (diagnostics.Count > 0)
            return new ParseResult(null, diagnostics.ToEquatableArray());

        var (floats, what) = LargestBuffer(spec);
        if (floats > MaxFloats)
            return new ParseResult(null, ImmutableArray.Create(new DiagnosticInfo(DiagnosticDescriptors.ModelTooLarge.Id, LocationInfo.From(modelLocation),
                ImmutableArray.Create(type.Name, floats.ToString(CultureInfo.InvariantCulture), what, MaxFloats.ToString(CultureInfo.InvariantCulture)).ToEquatableArray())).ToEquatableArray());
        return new ParseResult(spec, EquatableArray<DiagnosticInfo>.Empty, weights is null ? null : LocationInfo.From(modelLocation));
    }

    private static LayerSpec? ParseLayer(AttributeData attribute, string name, Location location, Action<DiagnosticDescriptor, Location?, object[]> report)
    {
        string shortName = name.Substring(AttributeNames.Namespace.Length + 1, name.Length - AttributeNames.Namespace.Length - 1 - "Attribute".Length);
        RecurrentLayerAttribute defaults = name switch
        {
            AttributeNames.Lstm => LstmDefaults,
            AttributeNames.Gru => GruDefaults,
            _ => RnnDefaults,
        };
        int hidden = IntArgument(attribute, 0);
        int projection = Named(attribute, nameof(RecurrentLayerAttribute.ProjectionSize), defaults.ProjectionSize);
        bool ok = true;
        if (hidden <= 0) { report(DiagnosticDescriptors.NonPositiveSize, location, [$"{shortName} hiddenSize", hidden]); ok = false; }
        if (projection != 0 && name != AttributeNames.Lstm) { report(DiagnosticDescriptors.ProjectionNotLstm, location, [shortName]); ok = false; }
        else if (projection < 0) { report(DiagnosticDescriptors.NonPositiveSize, location, [nameof(RecurrentLayerAttribute.ProjectionSize), projection]); ok = false; }
        else if (projection > 0 && hidden > 0 && projection >= hidden) { report(DiagnosticDescriptors.ProjectionTooLarge, location, [projection, hidden]); ok = false; }

        CellKind cell = name == AttributeNames.Gru ? CellKind.Gru : CellKind.Lstm;
        if (name == AttributeNames.Rnn)
        {
            var activation = (Activation)Named(attribute, nameof(RnnAttribute.Activation), (int)RnnDefaults.Activation);
            if (activation == Activation.Tanh) cell = CellKind.RnnTanh;
            else if (activation == Activation.Relu) cell = CellKind.RnnRelu;
            else
            {
                string shown = Enum.IsDefined(typeof(Activation), activation) ? "Activation." + activation : ((int)activation).ToString(CultureInfo.InvariantCulture);
                report(DiagnosticDescriptors.InvalidRnnActivation, location, [shown]);
                ok = false;
            }
        }
        // A bad Module is reported but keeps the layer, so the model does not also seem to lack one (RNN005).
        string? module = Module(attribute, defaults.Module, location, report);
        return ok
            ? new LayerSpec(cell, hidden, projection,
                Named(attribute, nameof(RecurrentLayerAttribute.Bidirectional), defaults.Bidirectional),
                Named(attribute, nameof(RecurrentLayerAttribute.Bias), defaults.Bias),
                Named(attribute, nameof(GruAttribute.ResetAfter), GruDefaults.ResetAfter),
                module)
            : null;
    }

    /// <summary>The attribute's <c>Module</c> (its default when not set), reporting RNN022 when it is not a module path.</summary>
    private static string? Module(AttributeData attribute, string? fallback, Location location, Action<DiagnosticDescriptor, Location?, object[]> report)
    {
        string? module = Named(attribute, nameof(DenseAttribute.Module), fallback);
        if (module is not null && !ModulePath.IsMatch(module))
            report(DiagnosticDescriptors.InvalidModule, location, [module]);
        return module;
    }

    /// <summary>The largest single buffer the generated class will allocate, to refuse absurd sizes at compile time.</summary>
    private static (long Floats, string What) LargestBuffer(ModelSpec spec)
    {
        long t = spec.SequenceLength;
        long best = 0;
        string what = "";
        void Consider(long floats, string label) { if (floats > best) { best = floats; what = label; } }
        int input = spec.InputSize;
        long parameters = spec.Embedding is { } e ? (long)e.VocabularySize * e.Dimension : 0;
        for (int k = 0; k < spec.Layers.Count; k++)
        {
            var layer = spec.Layers[k];
            long gates = (long)layer.GateCount * layer.HiddenSize;
            parameters += layer.Directions * (gates * (input + layer.OutputSize + 2) + (long)layer.OutputSize * layer.HiddenSize);
            Consider(t * layer.Directions * gates, $"layer {k} gate records");
            Consider(t * input, $"layer {k} inputs");
            input = layer.Width;
        }
        if (spec.Head is { } head)
        {
            foreach (var dense in head.Layers)
            {
                parameters += (long)dense.Outputs * (input + 1);
                Consider(t * dense.Outputs, "head outputs");
                input = dense.Outputs;
            }
        }
        Consider(parameters, "parameters");
        return (best, what);
    }

    private static Location? LocationOf(AttributeData attribute) => attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation();

    private static Location LocationOfHead(INamedTypeSymbol type, Location fallback)
        => type.GetAttributes().Where(a => a.AttributeClass?.ToDisplayString() == AttributeNames.Dense).Select(LocationOf).FirstOrDefault() ?? fallback;

    private static int IntArgument(AttributeData attribute, int index, int fallback = 0)
        => attribute.ConstructorArguments.Length > index && attribute.ConstructorArguments[index].Value is int value ? value : fallback;

    /// <summary>The named argument <paramref name="name"/> when it is set to a <typeparamref name="T"/>, else <paramref name="fallback"/> (the attribute's default).</summary>
    private static T Named<T>(AttributeData attribute, string name, T fallback)
    {
        foreach (var named in attribute.NamedArguments)
            if (named.Key == name && named.Value.Value is T value) return value;
        return fallback;
    }

    private static T? NamedOrNull<T>(AttributeData attribute, string name) where T : struct
    {
        foreach (var named in attribute.NamedArguments)
            if (named.Key == name && named.Value.Value is T value) return value;
        return null;
    }

    private static string KeywordOf(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
        { IsRecord: true } => "record",
        { TypeKind: TypeKind.Struct } => "struct",
        { TypeKind: TypeKind.Interface } => "interface",
        _ => "class",
    };
}
