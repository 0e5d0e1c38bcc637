using System.Reflection;
using RnnGen.Training;

namespace RnnGen.Tests.Training;

/// <summary>
/// Reads an optimizer's per-parameter state (its float[] fields, including those of helpers it holds) for tests that
/// must prove the state stays finite. Reflection keeps test hooks out of the library.
/// </summary>
internal static class OptimizerState
{
    public static IEnumerable<float[]> Buffers(object optimizer)
    {
        const BindingFlags Fields = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
        for (Type? type = optimizer.GetType(); type is not null; type = type.BaseType)
        {
            foreach (FieldInfo field in type.GetFields(Fields | BindingFlags.DeclaredOnly))
            {
                object? value = field.GetValue(optimizer);
                if (value is float[] buffer) yield return buffer;
                else if (value is not null && field.FieldType.Namespace == "RnnGen.Training" && field.FieldType.IsClass)
                    foreach (float[] inner in Buffers(value)) yield return inner;
            }
        }
    }

    public static bool AllFinite(object optimizer) => Buffers(optimizer).All(b => b.All(float.IsFinite));
}
