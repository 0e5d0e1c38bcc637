using System.Reflection;
using System.Text;

namespace RnnGen.Generator.Tests;

/// <summary>
/// The runtime's public surface, one line per type and member, kept as <c>Snapshots/PublicApiTests.*.verified.txt</c>
/// (as Mapperly's PublicApiTest does): a change to what users can call shows up as a diff in review, and is accepted on
/// purpose (<c>VERIFY_ACCEPT=1</c>), never by accident.
/// </summary>
public class PublicApiTests
{
    [Fact]
    public void RuntimePublicApiIsTheAcceptedOne() =>
        Snapshot.MatchText(Describe(typeof(RnnGen.IRecurrentModel).Assembly), nameof(PublicApiTests));

    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    internal static string Describe(Assembly assembly)
    {
        var text = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            text.Append(TypeHeader(type)).Append('\n');
            var members = type.GetMembers(Declared).Where(Visible).Select(m => Member(type, m)).Where(m => m is not null);
            foreach (string member in members.Order(StringComparer.Ordinal)!)
                text.Append("    ").Append(member).Append('\n');
        }
        return text.ToString();
    }

    private static bool Visible(MemberInfo member) => member switch
    {
        MethodBase m => (m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly) && !m.IsSpecialName || m is ConstructorInfo && (m.IsPublic || m.IsFamily),
        FieldInfo f => (f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly) && !f.IsSpecialName,
        PropertyInfo p => (p.GetMethod ?? p.SetMethod) is { } a && (a.IsPublic || a.IsFamily || a.IsFamilyOrAssembly),
        EventInfo e => e.AddMethod is { } a && (a.IsPublic || a.IsFamily),
        _ => false, // nested types are listed as types of their own
    };

    private static string TypeHeader(Type type)
    {
        string kind = type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct"
            : typeof(Delegate).IsAssignableFrom(type.BaseType) ? "delegate"
            : type.IsAbstract && type.IsSealed ? "static class" : type.IsAbstract ? "abstract class" : type.IsSealed ? "sealed class" : "class";
        var bases = new List<string>();
        if (type.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum) && kind != "delegate")
            bases.Add(Name(b));
        bases.AddRange(type.GetInterfaces().Select(Name).Order(StringComparer.Ordinal));
        return $"{kind} {Name(type)}{(bases.Count > 0 ? " : " + string.Join(", ", bases) : "")}";
    }

    private static string? Member(Type owner, MemberInfo member) => member switch
    {
        ConstructorInfo c => $"{Access(c)}{Name(owner)}({Parameters(c)})",
        MethodInfo m => $"{Access(m)}{Modifiers(m)}{Name(m.ReturnType)} {m.Name}{Generic(m)}({Parameters(m)})",
        PropertyInfo p => $"{Access((p.GetMethod ?? p.SetMethod)!)}{Modifiers((p.GetMethod ?? p.SetMethod)!)}{Name(p.PropertyType)} {p.Name}"
            + (p.GetIndexParameters() is { Length: > 0 } ix ? $"[{string.Join(", ", ix.Select(i => Name(i.ParameterType)))}]" : "")
            + $" {{ {(p.GetMethod is { } g && !g.IsPrivate && !g.IsAssembly ? "get; " : "")}{(p.SetMethod is { } s && !s.IsPrivate && !s.IsAssembly ? (IsInit(s) ? "init; " : "set; ") : "")}}}",
        FieldInfo f when owner.IsEnum => f.IsStatic ? $"{f.Name} = {Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)}" : null,
        FieldInfo f => $"{(f.IsFamily ? "protected " : "")}{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{(f.IsInitOnly ? "readonly " : "")}{Name(f.FieldType)} {f.Name}"
            + (f.IsLiteral ? $" = {Literal(f.GetRawConstantValue())}" : ""),
        EventInfo e => $"event {Name(e.EventHandlerType!)} {e.Name}",
        _ => null,
    };

    private static bool IsInit(MethodInfo setter) =>
        setter.ReturnParameter.GetRequiredCustomModifiers().Any(t => t.FullName == "System.Runtime.CompilerServices.IsExternalInit");

    private static string Literal(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        float f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "f",
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable x => x.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Access(MethodBase m) => m.IsPublic ? "" : "protected ";

    private static string Modifiers(MethodInfo m) =>
        m.DeclaringType!.IsInterface ? (m.IsStatic ? "static " : "")
        : m.IsStatic ? "static "
        : m.IsAbstract ? "abstract "
        : m.IsVirtual && !m.IsFinal && m.GetBaseDefinition() == m ? "virtual "
        : m.IsVirtual && m.GetBaseDefinition() != m ? "override "
        : "";

    private static string Generic(MethodInfo m) => m.IsGenericMethodDefinition ? $"<{string.Join(", ", m.GetGenericArguments().Select(a => a.Name))}>" : "";

    private static string Parameters(MethodBase m) => string.Join(", ", m.GetParameters().Select(p =>
        $"{(p.IsOut ? "out " : p.ParameterType.IsByRef && p.IsIn ? "in " : p.ParameterType.IsByRef ? "ref " : "")}"
        + $"{(p.GetCustomAttribute<ParamArrayAttribute>() is not null ? "params " : "")}{Name(p.ParameterType)} {p.Name}"
        + (p.HasDefaultValue ? $" = {Literal(p.DefaultValue)}" : "")));

    private static string Name(Type type)
    {
        if (type.IsByRef) return Name(type.GetElementType()!);
        if (type.IsArray) return Name(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        if (type.IsGenericParameter) return type.Name;
        if (Nullable.GetUnderlyingType(type) is { } inner) return Name(inner) + "?";
        string name = type.IsNested ? Name(type.DeclaringType!) + "." + type.Name : (type.Namespace is { } ns ? ns + "." : "") + type.Name;
        if (!type.IsGenericType) return name;
        int tick = name.IndexOf('`');
        if (tick >= 0) name = name[..tick];
        return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>";
    }
}
