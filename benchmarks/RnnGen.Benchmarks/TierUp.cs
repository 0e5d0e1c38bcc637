using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace RnnGen.Benchmarks;

/// <summary>
/// Calls every benchmark until the JIT has promoted the code under test to tier 1. All suites share one process
/// (in-process toolchain), and without this the first cases were measured while the background JIT was still busy
/// (LSTM 1→8 read 4 µs one run and 250 ns the next). A suite with a <see cref="ParamsSourceAttribute"/> property is
/// called once per value.
/// </summary>
internal static class TierUp
{
    public static void All(IEnumerable<Type> suites)
    {
        var calls = new List<Action>();
        foreach (var type in suites)
        {
            var parameter = type.GetProperties().SingleOrDefault(p => p.GetCustomAttribute<ParamsSourceAttribute>() is not null);
            IEnumerable<object?> values = parameter is null
                ? [null]
                : (IEnumerable<object?>)type.GetProperty(parameter.GetCustomAttribute<ParamsSourceAttribute>()!.Name, BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
            foreach (object? value in values)
            {
                object instance = Activator.CreateInstance(type)!;
                parameter?.SetValue(instance, value);
                foreach (var setup in type.GetMethods().Where(m => m.GetCustomAttribute<GlobalSetupAttribute>() is not null))
                    setup.Invoke(instance, null);
                foreach (var method in type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
                    calls.Add(() => method.Invoke(instance, null));
            }
        }
        // Tier-up needs 30 calls and then a quiet ~100 ms before the background compile; three rounds cover OSR and PGO.
        for (int round = 0; round < 3; round++)
        {
            foreach (var call in calls)
                for (int i = 0; i < 60; i++) call();
            Thread.Sleep(250);
        }
    }
}
