using RnnGen.Weights;

namespace RnnGen.Tests.Weights;

/// <summary>The prefix rule shared by LoadWeights and the build-time check, on names alone.</summary>
public class TensorNameMatchingTests
{
    private static readonly string[] Wanted = ["rnn.weight_ih_l0", "rnn.bias_ih_l0", "head.weight"];

    [Fact]
    public void The_canonical_names_themselves_win_over_any_prefix()
    {
        PrefixMatch match = TensorNameMatching.FindPrefix(Wanted, [.. Wanted, .. Wanted.Select(n => "copy." + n)]);

        Assert.Equal((PrefixMatchKind.Found, "", 3), (match.Kind, match.Prefix, match.Present));
    }

    [Fact]
    public void One_complete_module_path_is_found_even_beside_incomplete_ones()
    {
        PrefixMatch match = TensorNameMatching.FindPrefix(Wanted, ["a.rnn.weight_ih_l0", .. Wanted.Select(n => "model.net." + n), "other"]);

        Assert.Equal((PrefixMatchKind.Found, "model.net.", 3), (match.Kind, match.Prefix, match.Present));
    }

    [Fact]
    public void Two_complete_module_paths_are_ambiguous_and_listed_in_file_order()
    {
        PrefixMatch match = TensorNameMatching.FindPrefix(Wanted, [.. Wanted.Select(n => "decoder." + n), .. Wanted.Select(n => "encoder." + n)]);

        Assert.Equal(PrefixMatchKind.Ambiguous, match.Kind);
        Assert.Equal(["decoder.", "encoder."], match.Candidates);
        Assert.Equal("the model's tensors are all present under several prefixes ('decoder.', 'encoder.')", match.AmbiguityMessage);
    }

    [Fact]
    public void Without_a_complete_prefix_the_nearest_is_the_one_holding_most_names_first_in_file_order()
    {
        PrefixMatch match = TensorNameMatching.FindPrefix(Wanted, ["x.head.weight", "y.rnn.bias_ih_l0", "y.head.weight", "z.rnn.bias_ih_l0", "z.head.weight"]);

        Assert.Equal((PrefixMatchKind.Missing, "y.", 2), (match.Kind, match.Prefix, match.Present));
        Assert.Empty(match.Candidates);
    }

    [Fact]
    public void A_prefix_ends_at_a_dot_and_partial_words_do_not_count()
    {
        PrefixMatch match = TensorNameMatching.FindPrefix(Wanted, Wanted.Select(n => "my_" + n));

        Assert.Equal((PrefixMatchKind.Missing, "", 0), (match.Kind, match.Prefix, match.Present));
    }

    [Fact]
    public void Many_candidates_are_summarised_in_the_message()
    {
        string[] wanted = ["w"];
        PrefixMatch match = TensorNameMatching.FindPrefix(wanted, Enumerable.Range(0, 20).Select(i => $"m{i}.w"));

        Assert.Equal(20, match.Candidates.Count);
        Assert.EndsWith("'m7.', … and 12 more)", match.AmbiguityMessage);
    }
}
