using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace RnnGen.Benchmarks;

/// <summary>
/// Calls every benchmark until the JIT has promoted the code under test to tier 1. All suites share one process
/// (in-process toolchain), and without this the first cases were measured while the background JIT was still busy
/// (LSTM 1→8 read 4 µs one run and 250 ns the next).
/// </summary>
internal static class TierUp
{
    public static void All(IEnumerable<Type> suites)
    {
        var calls = new List<Action>();
        foreach (var type in suites)
        {
            object instance = Activator.CreateInstance(type)!;
            foreach (var setup in type.GetMethods().Where(m => m.GetCustomAttribute<GlobalSetupAttribute>() is not null))
                setup.Invoke(instance, null);
            foreach (var method in type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
                calls.Add(() => method.Invoke(instance, null));
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
