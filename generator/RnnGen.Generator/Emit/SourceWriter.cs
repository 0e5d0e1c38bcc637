using System.Text;

namespace RnnGen.Generator.Emit;

/// <summary>
/// Writes indented C# text. Emitted code refers to sizes through named constants; the only numbers written as
/// literals are those constants' values, formatted with the invariant culture by <see cref="Number"/>.
/// </summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    public SourceWriter(int indent = 0) => _indent = indent;

    public int Indent => _indent;

    /// <summary>Appends text another writer produced at this writer's indentation.</summary>
    public void Append(string text) => _text.Append(text);

    public void Line(string line = "")
    {
        if (line.Length > 0) _text.Append(' ', _indent * 4).Append(line);
        _text.Append('\n');
    }

    /// <summary>Writes several lines (a raw string literal), each at the current indentation.</summary>
    public void Lines(string lines)
    {
        foreach (string line in lines.Replace("\r\n", "\n").Split('\n'))
            Line(line);
    }

    /// <summary>Writes <paramref name="header"/> (if any) and opens a brace block.</summary>
    public void Open(string header = "")
    {
        if (header.Length > 0) Line(header);
        Line("{");
        _indent++;
    }

    public void Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
    }

    public static string Number(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public override string ToString() => _text.ToString();
}
