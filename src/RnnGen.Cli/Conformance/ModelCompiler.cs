using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using RnnGen.Generator;

namespace RnnGen.Cli.Conformance;

/// <summary>
/// Runs the RnnGen generator on model declarations and compiles the result in memory with Roslyn, exactly as a
/// user's build would, then loads the assembly so the models can be created through <see cref="IRecurrentModel"/>.
/// </summary>
public static class ModelCompiler
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);
    private static readonly Lazy<MetadataReference[]> LazyReferences = new(LoadReferences);

    /// <summary>What a model compiles against: the framework, RnnGen and System.Numerics.Tensors.</summary>
    public static IReadOnlyList<MetadataReference> References => LazyReferences.Value;

    /// <summary>Compiles the declarations (each a complete source file) into one loaded assembly.</summary>
    /// <exception cref="ModelCompilationException">The generator reported an error or the generated code did not compile.</exception>
    public static CompiledModels Compile(IReadOnlyList<string> sources)
    {
        var trees = sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Model{i}.cs")).ToArray();
        var compilation = CSharpCompilation.Create(
            "RnnGen.InMemory." + Guid.NewGuid().ToString("N"),
            trees,
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, nullableContextOptions: NullableContextOptions.Enable));

        GeneratorDriver driver = CSharpGeneratorDriver.Create([new RecurrentModelGenerator().AsSourceGenerator()], parseOptions: ParseOptions);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);

        var errors = generatorDiagnostics.Concat(output.GetDiagnostics()).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
            throw new ModelCompilationException(errors.Select(e => e.ToString()).ToList());

        using var image = new MemoryStream();
        var result = output.Emit(image);
        if (!result.Success)
            throw new ModelCompilationException(result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(e => e.ToString()).ToList());
        image.Position = 0;
        var context = new AssemblyLoadContext("RnnGen.InMemory", isCollectible: true);
        return new CompiledModels(context.LoadFromStream(image));
    }

    private static MetadataReference[] LoadReferences()
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string platform)
            foreach (string path in platform.Split(Path.PathSeparator))
                if (Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "mscorlib.dll" or "netstandard.dll")
                    paths.Add(path);
        paths.Add(typeof(IRecurrentModel).Assembly.Location);
        paths.Add(typeof(System.Numerics.Tensors.TensorPrimitives).Assembly.Location);
        return paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray();
    }
}

/// <summary>An assembly of compiled models.</summary>
public sealed class CompiledModels(Assembly assembly)
{
    /// <summary>The full names of the model classes in the assembly.</summary>
    public IReadOnlyList<string> ModelTypeNames { get; } = assembly.GetTypes()
        .Where(t => t.IsClass && !t.IsAbstract && typeof(IRecurrentModel).IsAssignableFrom(t)).Select(t => t.FullName!).Order(StringComparer.Ordinal).ToList();

    /// <summary>Creates the model class with the given full name.</summary>
    public IRecurrentModel Create(string typeName)
    {
        var type = assembly.GetType(typeName) ?? throw new InvalidOperationException($"No type {typeName} in the compiled models.");
        return (IRecurrentModel)Activator.CreateInstance(type)!;
    }

    /// <summary>
    /// A compiled model's inference copy (its generated <c>ToInference()</c>: its weights and state as they are now), or
    /// null when it has none (bidirectional or low-precision).
    /// </summary>
    public static IInference? InferenceCopy(IRecurrentModel model) =>
        model.GetType().GetMethod("ToInference", Type.EmptyTypes)?.Invoke(model, null) as IInference;
}

/// <summary>The generator or the compiler rejected a model; <see cref="Errors"/> holds their messages.</summary>
public sealed class ModelCompilationException(IReadOnlyList<string> errors)
    : Exception("The model did not compile:" + Environment.NewLine + string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
