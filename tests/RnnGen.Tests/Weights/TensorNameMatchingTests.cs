using RnnGen.Weights;

namespace RnnGen.Tests.Weights;

/// <summary>The prefix rule shared by LoadWeights and the build-time check, on names alone.</summary>
public class TensorNameMatchingTests
{
    private static readonly string[] Wanted = ["rnn.weight_ih_l0", "rnn.bias_ih_l0", "head.weight"];

    [Fact]
    public void TheCanonicalNamesThemselvesWinOverAnyPrefix()
    {
        PrefixMatch match = TensorNameMatching.FindPrefix(Wanted, [.. Wanted, .. Wanted.Select(n => "copy." + n)]);

        Assert.Equal((PrefixMatchKind.Found, "", 3), (match.Kind, match.Prefix, match.Present));
    }

    [Fact]
    public void OneCompleteModulePathIsFoundEvenBesideIncompleteOnes()
    {
        PrefixMatch match = TensorNameMatching.FindPrefix(Wanted, ["a.rnn.weight_ih_l0", .. Wanted.Select(n => "model.net." + n), "other"]);

        Assert.Equal((PrefixMatchKind.Found, "model.net.", 3), (match.Kind, match.Prefix, match.Present));
    }

    [Fact]
    public void TwoCompleteModulePathsAreAmbiguousAndListedInFileOrder()
    {
        PrefixMatch match = TensorNameMatching.FindPrefix(Wanted, [.. Wanted.Select(n => "decoder." + n), .. Wanted.Select(n => "encoder." + n)]);

        Assert.Equal(PrefixMatchKind.Ambiguous, match.Kind);
        Assert.Equal(["decoder.", "encoder."], match.Candidates);
        Assert.Equal("the model's tensors are all present under several prefixes ('decoder.', 'encoder.')", match.AmbiguityMessage);
    }

    [Fact]
    public void WithoutACompletePrefixTheNearestIsTheOneHoldingMostNamesFirstInFileOrder()
    {
        PrefixMatch match = TensorNameMatching.FindPrefix(Wanted, ["x.head.weight", "y.rnn.bias_ih_l0", "y.head.weight", "z.rnn.bias_ih_l0", "z.head.weight"]);

        Assert.Equal((PrefixMatchKind.Missing, "y.", 2), (match.Kind, match.Prefix, match.Present));
        Assert.Empty(match.Candidates);
    }

    [Fact]
    public void APrefixEndsAtADotAndPartialWordsDoNotCount()
    {
        PrefixMatch match = TensorNameMatching.FindPrefix(Wanted, Wanted.Select(n => "my_" + n));

        Assert.Equal((PrefixMatchKind.Missing, "", 0), (match.Kind, match.Prefix, match.Present));
    }

    [Fact]
    public void ManyCandidatesAreSummarisedInTheMessage()
    {
        string[] wanted = ["w"];
        PrefixMatch match = TensorNameMatching.FindPrefix(wanted, Enumerable.Range(0, 20).Select(i => $"m{i}.w"));

        Assert.Equal(20, match.Candidates.Count);
        Assert.EndsWith("'m7.', … and 12 more)", match.AmbiguityMessage);
    }

    [Theory]
    [InlineData("lstm.weight_ih_l0", true, "lstm", "weight_ih", 0)]
    [InlineData("encoder.rnn.bias_hh_l12_reverse", true, "encoder.rnn", "bias_hh_reverse", 12)]
    [InlineData("weight_hr_l1", true, "", "weight_hr", 1)]
    [InlineData("head.0.weight", false, "head.0", "weight", -1)]
    [InlineData("my_weight_ih_l0", false, "", "my_weight_ih_l0", -1)]
    public void SplitFindsARecurrentTensorsKindAndLayerIndex(string name, bool recurrent, string module, string leaf, int layer)
    {
        Assert.Equal(recurrent, TensorNameSuggestions.Split(name, out string m, out string l, out int k));
        Assert.Equal((module, leaf, layer), (m, l, k));
    }

    [Fact]
    public void ClosestNamesAreOrderedByEditDistanceAndUnrelatedOnesAreLeftOut()
    {
        string[] file = ["fc.bias", "lstm.weight_hh_l0", "lstm.weight_ih_l0", "fc.weight", "tokenizer.vocabulary_table"];
        Assert.Equal(["lstm.weight_ih_l0", "lstm.weight_hh_l0"], TensorNameSuggestions.Closest("rnn.weight_ih_l0", file));
        Assert.Equal(["fc.weight"], TensorNameSuggestions.Closest("head.weight", file, count: 1));
        Assert.Empty(TensorNameSuggestions.Closest("embedding.weight", ["x", "completely.different.name"]));
    }

    [Fact]
    public void ModulesOfferTheModulesHoldingATensorOfTheSameKindAndShape()
    {
        string[] names = ["lstm1.weight_ih_l0", "lstm2.weight_ih_l0", "lstm2.weight_ih_l0_reverse", "fc.weight", "rnn.weight_ih_l0"];
        IReadOnlyList<int>[] shapes = [new[] { 96, 5 }, new[] { 64, 24 }, new[] { 64, 24 }, new[] { 2, 16 }, new[] { 64, 24 }];
        var wanted = new HashSet<string> { "rnn.weight_ih_l0", "rnn.weight_ih_l1" };
        // Same kind, direction and shape at any layer index; a name the model itself wants is not offered.
        Assert.Equal(["lstm2"], TensorNameSuggestions.Modules("rnn.weight_ih_l1", [64, 24], names, shapes, wanted));
        Assert.Equal(["lstm2"], TensorNameSuggestions.Modules("rnn.weight_ih_l0_reverse", [64, 24], names, shapes, wanted));
        Assert.Equal(["fc"], TensorNameSuggestions.Modules("head.weight", [2, 16], names, shapes, wanted));
        Assert.Empty(TensorNameSuggestions.Modules("head.weight", [3, 16], names, shapes, wanted));
    }
}
