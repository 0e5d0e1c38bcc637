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

    /// <summary>Emitted lines longer than this (indentation included) are wrapped by <see cref="Wrapped"/>.</summary>
    public const int MaxWidth = 130;

    /// <summary>
    /// Writes <c>{head}({items}){tail}</c>, a signature or a call, on one line when it fits in <see cref="MaxWidth"/>
    /// columns, else with one item a line below the head.
    /// </summary>
    public void Wrapped(string head, IReadOnlyList<string> items, string tail = "")
    {
        string single = $"{head}({string.Join(", ", items)}){tail}";
        if (_indent * 4 + single.Length <= MaxWidth || items.Count == 0)
        {
            Line(single);
            return;
        }
        Line(head + "(");
        _indent++;
        for (int i = 0; i < items.Count; i++)
            Line(items[i] + (i < items.Count - 1 ? "," : ")" + tail));
        _indent--;
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

    /// <summary>Removes a blank line just written, so a block's last member is not followed by one before its brace.</summary>
    public void TrimTrailingBlankLine()
    {
        if (_text.Length >= 2 && _text[_text.Length - 1] == '\n' && _text[_text.Length - 2] == '\n')
            _text.Length--;
    }

    public static string Number(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public override string ToString() => _text.ToString();
}
