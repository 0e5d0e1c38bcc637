// One source file, compiled into the runtime (LoadWeights) and linked into the generator (build-time weights), so that a
// file the build accepts is a file the constructor loads. Keep it BCL-only and netstandard2.0-compatible: no
// System.Text.Json, no ranges on strings, no Dictionary.TryAdd, no LINQ MinBy.
using System.Text;

namespace RnnGen.Weights;

/// <summary>How <see cref="TensorNameMatching.FindPrefix"/> ended.</summary>
internal enum PrefixMatchKind
{
    /// <summary>Every wanted name is in the file under <see cref="PrefixMatch.Prefix"/>.</summary>
    Found,

    /// <summary>No prefix holds every wanted name; <see cref="PrefixMatch.Prefix"/> is the one that holds the most.</summary>
    Missing,

    /// <summary>Several prefixes hold every wanted name (<see cref="PrefixMatch.Candidates"/>), e.g. an encoder and a decoder of one shape.</summary>
    Ambiguous,
}

/// <summary>The outcome of prefix detection: the prefix, or a structured failure.</summary>
internal sealed class PrefixMatch
{
    /// <summary>How many candidates an error message lists before it says how many more there are.</summary>
    private const int ListedCandidates = 8;

    internal PrefixMatch(PrefixMatchKind kind, string prefix, int present, IReadOnlyList<string> candidates)
    {
        Kind = kind;
        Prefix = prefix;
        Present = present;
        Candidates = candidates;
    }

    /// <summary>Found, missing or ambiguous.</summary>
    public PrefixMatchKind Kind { get; }

    /// <summary>Found: the prefix ("" for the canonical names themselves). Missing: the nearest prefix. Ambiguous: "".</summary>
    public string Prefix { get; }

    /// <summary>How many of the wanted names the file has under <see cref="Prefix"/>.</summary>
    public int Present { get; }

    /// <summary>Ambiguous: every prefix under which all wanted names are present, in file order. Otherwise empty.</summary>
    public IReadOnlyList<string> Candidates { get; }

    /// <summary>The problem in words, shared by the run-time exception and the build-time diagnostic (each adds its own remedy).</summary>
    public string AmbiguityMessage
    {
        get
        {
            var text = new StringBuilder("the model's tensors are all present under several prefixes (");
            for (int i = 0; i < Candidates.Count && i < ListedCandidates; i++)
                text.Append(i == 0 ? "'" : ", '").Append(Candidates[i]).Append('\'');
            if (Candidates.Count > ListedCandidates)
                text.Append(", … and ").Append(Candidates.Count - ListedCandidates).Append(" more");
            return text.Append(')').ToString();
        }
    }
}

/// <summary>
/// Finds the module prefix a weights file puts before a model's canonical tensor names: "" when every canonical name is
/// in the file as it is; otherwise the one prefix ending in '.' under which all of them are (<c>model.</c>,
/// <c>encoder.rnn.</c>); otherwise a failure naming the nearest prefix or the competing ones.
/// </summary>
/// <remarks>
/// Linear in the total length of the names: each file name is split only where a wanted name of that length could
/// end it (after a '.'), and each split is one hash lookup. The file's names must be distinct, as safetensors requires.
/// </remarks>
internal static class TensorNameMatching
{
    /// <summary>
    /// The suffix naming the F32 per-row scales that belong to an I8 tensor (<c>rnn.weight_ih_l0_scale</c> for
    /// <c>rnn.weight_ih_l0</c>): part of the I8 tensor, never a tensor of the model's own.
    /// </summary>
    public const string ScaleSuffix = "_scale";

    /// <summary>Detects the prefix of <paramref name="wanted"/> (the model's canonical names) among <paramref name="fileNames"/>.</summary>
    public static PrefixMatch FindPrefix(IEnumerable<string> wanted, IEnumerable<string> fileNames)
    {
        var wantedSet = new HashSet<string>(wanted, StringComparer.Ordinal);
        var lengths = new List<int>();
        foreach (string name in wantedSet)
        {
            if (!lengths.Contains(name.Length))
                lengths.Add(name.Length);
        }

        int bare = 0;
        var present = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (string name in fileNames)
        {
            foreach (int length in lengths)
            {
                if (name.Length == length)
                {
                    if (wantedSet.Contains(name))
                        bare++;
                }
                else if (name.Length > length && name[name.Length - length - 1] == '.' && wantedSet.Contains(name.Substring(name.Length - length)))
                {
                    string prefix = name.Substring(0, name.Length - length);
                    present.TryGetValue(prefix, out int count);
                    if (count == 0)
                        order.Add(prefix);
                    present[prefix] = count + 1;
                }
            }
        }

        int all = wantedSet.Count;
        if (bare == all)
            return new PrefixMatch(PrefixMatchKind.Found, "", bare, Array.Empty<string>());

        var complete = new List<string>();
        string nearest = "";
        int most = bare;
        foreach (string prefix in order)
        {
            int count = present[prefix];
            if (count == all)
                complete.Add(prefix);
            if (count > most)
            {
                nearest = prefix;
                most = count;
            }
        }
        if (complete.Count == 1)
            return new PrefixMatch(PrefixMatchKind.Found, complete[0], all, Array.Empty<string>());
        if (complete.Count > 1)
            return new PrefixMatch(PrefixMatchKind.Ambiguous, "", all, complete);
        return new PrefixMatch(PrefixMatchKind.Missing, nearest, most, Array.Empty<string>());
    }
}
