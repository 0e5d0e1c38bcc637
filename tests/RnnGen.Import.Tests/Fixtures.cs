namespace RnnGen.Import.Tests;

/// <summary>The user-model fixtures in Cases/user (made by Cases/make_user_cases.py) and the checks the tests share.</summary>
internal static class Fixtures
{
    public static string Directory(string name) => Path.Combine(AppContext.BaseDirectory, "Cases", "user", name);

    public static IEnumerable<object[]> All()
        => System.IO.Directory.GetDirectories(Path.Combine(AppContext.BaseDirectory, "Cases", "user")).Select(Path.GetFileName).Order(StringComparer.Ordinal).Select(n => new object[] { n! });

    /// <summary>The fixtures with the module's own state_dict and the hand-written declaration that loads it.</summary>
    public static IEnumerable<object[]> WithStateDict() => All().Where(n => File.Exists(Path.Combine(Directory((string)n[0]), "model.safetensors")));

    /// <summary>Asserts |got − want| ≤ 1e-5 + 1e-4·|want| element-wise, naming the oracle on failure.</summary>
    public static void AssertClose(IReadOnlyList<double> want, IReadOnlyList<double> got, string what)
    {
        Assert.True(want.Count == got.Count, $"{what}: {got.Count} values, expected {want.Count}");
        for (int i = 0; i < want.Count; i++)
        {
            double error = Math.Abs(got[i] - want[i]);
            Assert.True(error <= 1e-5 + 1e-4 * Math.Abs(want[i]), $"{what}: element {i} is {got[i]}, expected {want[i]} (error {error:0.0e+00})");
        }
    }
}
