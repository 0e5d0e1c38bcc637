using System.Text.Json;

namespace RnnGen.Tests.Training;

/// <summary>Reads the PyTorch-generated JSON files in TestData/training (see the make_*.py scripts beside them).</summary>
internal static class TrainingData
{
    public static JsonElement Cases(string file)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "TestData", "training", file);
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("cases").Clone();
    }

    public static JsonElement Case(string file, string name)
    {
        foreach (JsonElement c in Cases(file).EnumerateArray())
            if (c.GetProperty("name").GetString() == name)
                return c;
        throw new KeyNotFoundException($"No case '{name}' in {file}.");
    }

    public static TheoryData<string> CaseNames(string file)
    {
        var names = new TheoryData<string>();
        foreach (JsonElement c in Cases(file).EnumerateArray())
            names.Add(c.GetProperty("name").GetString()!);
        return names;
    }

    public static float[] Floats(JsonElement array)
    {
        var values = new float[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement v in array.EnumerateArray()) values[i++] = (float)v.GetDouble();
        return values;
    }

    public static double[] Doubles(JsonElement array)
    {
        var values = new double[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement v in array.EnumerateArray()) values[i++] = v.GetDouble();
        return values;
    }

    public static int[] Ints(JsonElement array)
    {
        var values = new int[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement v in array.EnumerateArray()) values[i++] = v.GetInt32();
        return values;
    }
}
