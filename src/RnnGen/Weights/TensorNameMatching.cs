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

/// <summary>
/// What a missing tensor's error message offers: the file's names that look closest, and the module names under which
/// the file holds a tensor of the same kind and shape, i.e. the <c>Module = "…"</c> that would make the declaration load
/// it. Shared by <c>LoadWeights</c> and the build-time check (RNN018), which word it each their own way.
/// </summary>
internal static class TensorNameSuggestions
{
    private static readonly string[] RecurrentKinds = { "weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr" };
    private const string Reverse = "_reverse";

    /// <summary>
    /// Up to <paramref name="count"/> of <paramref name="fileNames"/> nearest to <paramref name="name"/> by edit distance
    /// (insertions, deletions, substitutions), nearest first, ties in file order; only names within
    /// max(4, length / 2) edits count (<c>head.weight</c> finds <c>fc.weight</c>), so an unrelated file suggests nothing.
    /// </summary>
    public static IReadOnlyList<string> Closest(string name, IReadOnlyList<string> fileNames, int count = 3)
    {
        int limit = Math.Max(4, name.Length / 2);
        var found = new List<KeyValuePair<int, string>>();
        var row = new int[name.Length + 1];
        var previous = new int[name.Length + 1];
        foreach (string candidate in fileNames)
        {
            if (Math.Abs(candidate.Length - name.Length) > limit)
                continue;
            int distance = Distance(name, candidate, limit, previous, row);
            if (distance <= limit)
                found.Add(new KeyValuePair<int, string>(distance, candidate));
        }
        // A stable sort by distance keeps ties in file order.
        var ordered = new List<string>();
        for (int d = 0; d <= limit && ordered.Count < count; d++)
        {
            foreach (var pair in found)
            {
                if (pair.Key == d && ordered.Count < count)
                    ordered.Add(pair.Value);
            }
        }
        return ordered;
    }

    /// <summary>Levenshtein distance, or a value above <paramref name="limit"/> as soon as every path exceeds it.</summary>
    private static int Distance(string a, string b, int limit, int[] previous, int[] row)
    {
        for (int i = 0; i <= a.Length; i++)
            previous[i] = i;
        for (int j = 1; j <= b.Length; j++)
        {
            row[0] = j;
            int best = j;
            for (int i = 1; i <= a.Length; i++)
            {
                int substitute = previous[i - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                int value = Math.Min(substitute, Math.Min(previous[i] + 1, row[i - 1] + 1));
                row[i] = value;
                if (value < best)
                    best = value;
            }
            if (best > limit)
                return limit + 1;
            for (int i = 0; i <= a.Length; i++)
                previous[i] = row[i];
        }
        return previous[a.Length];
    }

    /// <summary>
    /// The modules under which the file holds a tensor of the same kind and shape as the wanted tensor
    /// <paramref name="name"/> [<paramref name="shape"/>]: for a recurrent tensor (<c>weight_ih_l{j}[_reverse]</c> …) the
    /// same kind and direction at any layer index, for any other the same last segment (<c>weight</c>, <c>bias</c>). Names
    /// the model itself wants (<paramref name="wanted"/>) are skipped: another part already takes them. At most
    /// <paramref name="count"/>, in file order; a tensor with no module before its leaf suggests nothing.
    /// </summary>
    public static IReadOnlyList<string> Modules(string name, IReadOnlyList<int> shape, IReadOnlyList<string> fileNames, IReadOnlyList<IReadOnlyList<int>> fileShapes,
        ICollection<string> wanted, int count = 3)
    {
        Split(name, out _, out string leaf, out _);
        var modules = new List<string>();
        for (int i = 0; i < fileNames.Count && modules.Count < count; i++)
        {
            string candidate = fileNames[i];
            if (wanted.Contains(candidate) || !SameShape(shape, fileShapes[i]))
                continue;
            Split(candidate, out string module, out string candidateLeaf, out _);
            if (candidateLeaf == leaf && module.Length > 0 && !modules.Contains(module))
                modules.Add(module);
        }
        return modules;
    }

    /// <summary>
    /// Splits a tensor name into its module (before the leaf, without the dot; "" if none) and its leaf: for a recurrent
    /// layer's tensor (<c>…weight_ih_l0</c>, <c>…bias_hh_l1_reverse</c>; the result is true) the kind and direction without
    /// the layer index (<c>weight_ih</c>, <c>bias_hh_reverse</c>) and that index in <paramref name="layer"/>; for any other
    /// tensor the last segment, with <paramref name="layer"/> −1.
    /// </summary>
    public static bool Split(string name, out string module, out string leaf, out int layer)
    {
        string rest = name;
        string direction = "";
        if (rest.EndsWith(Reverse, StringComparison.Ordinal))
        {
            rest = rest.Substring(0, rest.Length - Reverse.Length);
            direction = Reverse;
        }
        int digits = rest.Length;
        while (digits > 0 && rest[digits - 1] >= '0' && rest[digits - 1] <= '9')
            digits--;
        if (digits < rest.Length && rest.Length - digits < 9 && digits >= 2 && rest[digits - 1] == 'l' && rest[digits - 2] == '_')
        {
            string head = rest.Substring(0, digits - 2);
            foreach (string kind in RecurrentKinds)
            {
                if (head.EndsWith(kind, StringComparison.Ordinal) && (head.Length == kind.Length || head[head.Length - kind.Length - 1] == '.'))
                {
                    module = head.Length == kind.Length ? "" : head.Substring(0, head.Length - kind.Length - 1);
                    leaf = kind + direction;
                    layer = int.Parse(rest.Substring(digits), System.Globalization.CultureInfo.InvariantCulture);
                    return true;
                }
            }
        }
        int dot = name.LastIndexOf('.');
        module = dot < 0 ? "" : name.Substring(0, dot);
        leaf = dot < 0 ? name : name.Substring(dot + 1);
        layer = -1;
        return false;
    }

    private static bool SameShape(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        if (a.Count != b.Count)
            return false;
        for (int i = 0; i < a.Count; i++)
        {
            if (a[i] != b[i])
                return false;
        }
        return true;
    }
}
