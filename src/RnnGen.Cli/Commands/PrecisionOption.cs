using System.CommandLine;
using RnnGen.Cli.Conformance;

namespace RnnGen.Cli.Commands;

/// <summary>The <c>--precision float32|int8|bf16</c> option verify, bench and quantize share.</summary>
internal static class PrecisionOption
{
    public static Option<string> Create(string description, bool required = false)
    {
        var option = new Option<string>("--precision", "-p") { Description = description, Required = required };
        if (!required) option.DefaultValueFactory = _ => "float32";
        option.AcceptOnlyFromAmong([.. DeclarationPrecision.Names, "f32", "i8", "bfloat16"]);
        return option;
    }

    public static WeightPrecision Read(ParseResult parse, Option<string> option) => DeclarationPrecision.Parse(parse.GetValue(option) ?? "float32");
}
