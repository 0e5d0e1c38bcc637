using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using RnnGen.Weights;

namespace RnnGen.Samples;

/// <summary>
/// The samples' command line, one source file linked into each sample (internal, so each sample has its own copy).
/// <c>--help</c> prints the description and the options to standard output (exit code 0). An unknown option or a bad
/// value prints one line and the options to standard error (exit code 2); a file that cannot be used (missing, a
/// directory, not safetensors, another model's) prints one line (exit code 2). A user's mistake never ends in a stack trace.
/// </summary>
internal sealed class SampleCommandLine(string name, string description)
{
    public const int Success = 0, UnusableInput = 2;

    private readonly List<(string Name, string? Value, string Description, Action<string> Apply)> _options = [];

    /// <summary>An option followed by a value, e.g. <c>--seed N</c>; <paramref name="apply"/> receives the value.</summary>
    public SampleCommandLine Option(string option, string value, string text, Action<string> apply)
    {
        _options.Add((option, value, text, apply));
        return this;
    }

    /// <summary>An option without a value, e.g. <c>--realtime</c>.</summary>
    public SampleCommandLine Flag(string option, string text, Action apply)
    {
        _options.Add((option, null, text, _ => apply()));
        return this;
    }

    /// <summary>
    /// Parses <paramref name="args"/>, then runs <paramref name="body"/> and returns its exit code; or returns 0 after
    /// printing the usage for <c>--help</c>, or 2 after printing why the arguments or an input file cannot be used.
    /// </summary>
    public int Run(string[] args, TextWriter output, TextWriter error, Func<int> body)
    {
        if (Parse(args, output, error) is int exit) return exit;
        try
        {
            return body();
        }
        catch (Exception e) when (e is SampleInputException or WeightFormatException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"{name}: {OneLine(e.Message)}");
            return UnusableInput;
        }
    }

    /// <summary>Applies <paramref name="args"/>: null to go on, or the exit code after <c>--help</c> (0) or a bad argument (2).</summary>
    public int? Parse(string[] args, TextWriter output, TextWriter error)
    {
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg is "--help" or "-h" or "-?")
            {
                WriteUsage(output);
                return Success;
            }
            int found = _options.FindIndex(o => o.Name == arg);
            string? problem = null;
            if (found < 0)
            {
                problem = $"unknown option {arg}";
            }
            else if (_options[found].Value is { } value && i + 1 >= args.Length)
            {
                problem = $"{arg} needs a value ({value})";
            }
            else
            {
                try
                {
                    _options[found].Apply(_options[found].Value is null ? "" : args[++i]);
                }
                catch (SampleInputException e)
                {
                    problem = e.Message;
                }
            }
            if (problem is not null)
            {
                error.WriteLine($"{name}: {problem}");
                error.WriteLine();
                WriteOptions(error);
                return UnusableInput;
            }
        }
        return null;
    }

    public void WriteUsage(TextWriter writer)
    {
        writer.WriteLine(description);
        writer.WriteLine();
        WriteOptions(writer);
    }

    private void WriteOptions(TextWriter writer)
    {
        writer.WriteLine($"Usage: {name} [options]");
        writer.WriteLine();
        writer.WriteLine("Options:");
        var lines = new List<(string Left, string Text)>();
        foreach (var o in _options) lines.Add((o.Value is null ? o.Name : $"{o.Name} {o.Value}", o.Description));
        lines.Add(("--help", "show this help and exit"));
        int width = 0;
        foreach (var (left, _) in lines) width = Math.Max(width, left.Length);
        foreach (var (left, text) in lines) writer.WriteLine($"  {left.PadRight(width)}  {text}");
    }

    public static int Int32(string option, string text, int min = int.MinValue, int max = int.MaxValue)
        => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max
            ? value
            : throw new SampleInputException($"{option} needs a whole number{Range(min, max)}, not '{text}'");

    private static string Range(int min, int max) => (min, max) switch
    {
        (int.MinValue, int.MaxValue) => "",
        (_, int.MaxValue) => $" of at least {min}",
        (int.MinValue, _) => $" of at most {max}",
        _ => $" from {min} to {max}",
    };

    public static ulong UInt64(string option, string text)
        => ulong.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong value)
            ? value
            : throw new SampleInputException($"{option} needs a whole number of at least 0, not '{text}'");

    public static double Seconds(string option, string text, double min)
        => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value >= min && double.IsFinite(value)
            ? value
            : throw new SampleInputException($"{option} needs a number of seconds of at least {min.ToString(CultureInfo.InvariantCulture)}, not '{text}'");

    /// <summary>
    /// <paramref name="path"/> if it names a file, or a <see cref="SampleInputException"/> that says what it is instead.
    /// Checked when the sample runs, so that like a file of the wrong kind it is one line, without the usage.
    /// </summary>
    public static string ExistingFile(string option, string path)
    {
        if (Directory.Exists(path)) throw new SampleInputException($"{option} {path}: is a directory, not a file");
        if (!File.Exists(path)) throw new SampleInputException($"{option} {path}: no such file");
        return path;
    }

    /// <summary>Creates the directory <paramref name="path"/> if missing; a <see cref="SampleInputException"/> if a file is in the way.</summary>
    public static string OutputDirectory(string option, string path)
    {
        if (File.Exists(path)) throw new SampleInputException($"{option} {path}: is a file, not a directory");
        Directory.CreateDirectory(path);
        return path;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}

/// <summary>An argument or input file the user gave that the sample cannot use; its message is the whole explanation.</summary>
internal sealed class SampleInputException(string message) : Exception(message);
