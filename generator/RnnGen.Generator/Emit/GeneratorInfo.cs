using System.Reflection;

namespace RnnGen.Generator.Emit;

/// <summary>The generator's version, stamped into every emitted file's <c>[GeneratedCode]</c> attribute.</summary>
internal static class GeneratorInfo
{
    /// <summary>
    /// The assembly's informational version without build metadata (<c>0.1.0</c>, not <c>0.1.0+abc123</c>): the one
    /// version of the build (<c>Directory.Build.props</c>), so no second copy can drift.
    /// </summary>
    public static readonly string Version = ReadVersion();

    private static string ReadVersion()
    {
        string version = typeof(GeneratorInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(GeneratorInfo).Assembly.GetName().Version?.ToString(3)
            ?? "0.0.0";
        int metadata = version.IndexOf('+');
        return metadata < 0 ? version : version.Substring(0, metadata);
    }

    /// <summary>The attribute line every emitted type carries.</summary>
    public static string GeneratedCodeAttribute => $"[global::System.CodeDom.Compiler.GeneratedCode(\"RnnGen\", \"{Version}\")]";
}
