using RnnGen.Training;

namespace RnnGen.Tests.Training;

public class SeededRandomTests
{
    [Fact]
    public void SplitMix64MatchesPublishedSequence()
    {
        // Rosetta Code "Pseudo-random numbers/Splitmix64", seed 1234567.
        ulong state = 1234567;
        ulong[] want = [6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821];
        foreach (ulong w in want)
            Assert.Equal(w, SeededRandom.SplitMix64(ref state));
    }

    [Fact]
    public void NextUInt64MatchesReferenceXoshiro256StarStar()
    {
        // The reference C (prng.di.unimi.it/xoshiro256starstar.c) compiled with gcc, state = four SplitMix64 outputs of 1234567.
        var random = new SeededRandom(1234567);
        ulong[] want = [3504822795582309479, 1819558768956484042, 1250851346055027673, 16940231675099994102, 11585879347611423030, 8134400763355999650];
        foreach (ulong w in want)
            Assert.Equal(w, random.NextUInt64());
    }

    [Fact]
    public void SameSeedSameSequenceOtherSeedOtherSequence()
    {
        var a = new SeededRandom(42);
        var b = new SeededRandom(42);
        var c = new SeededRandom(43);
        int same = 0;
        for (int i = 0; i < 100; i++)
        {
            double x = a.NextNormal();
            Assert.Equal(x, b.NextNormal());
            if (x == c.NextNormal()) same++;
        }
        Assert.Equal(0, same);
    }

    [Fact]
    public void NextDoubleAndNextUniformStayInRange()
    {
        var random = new SeededRandom(7);
        double min = 1, max = 0;
        for (int i = 0; i < 100_000; i++)
        {
            double u = random.NextDouble();
            Assert.InRange(u, 0.0, 0.9999999999999999);
            min = Math.Min(min, u);
            max = Math.Max(max, u);
            Assert.InRange(random.NextUniform(-0.25f, 0.5f), -0.25f, 0.5f);
        }
        Assert.True(min < 1e-4 && max > 1 - 1e-4, $"range [{min}, {max}] does not cover [0, 1)");
    }

    [Fact]
    public void NextNormalHasStandardNormalMoments()
    {
        var random = new SeededRandom(2024);
        const int n = 200_000;
        double sum = 0, sumSquares = 0, sumFourth = 0;
        int withinOneSigma = 0;
        for (int i = 0; i < n; i++)
        {
            double x = random.NextNormal();
            sum += x;
            sumSquares += x * x;
            sumFourth += x * x * x * x;
            if (Math.Abs(x) < 1) withinOneSigma++;
        }
        // Standard errors: mean 0.0022, variance 0.0032, fourth moment 0.022, P(|x| < 1) 0.001.
        Assert.InRange(sum / n, -0.01, 0.01);
        Assert.InRange(sumSquares / n, 0.985, 1.015);
        Assert.InRange(sumFourth / n, 2.9, 3.1);
        Assert.InRange(withinOneSigma / (double)n, 0.6827 - 0.005, 0.6827 + 0.005);
    }

    [Fact]
    public void LogAgreesWithTheCLibraryToAFewUlps()
    {
        var random = new SeededRandom(99);
        double[] special = [1.0, 2.0, 0.5, Math.Sqrt(2), Math.Sqrt(0.5), 1e-300, double.Epsilon, 4.9e-320, double.MaxValue, 1 - 1e-16, 1 + 2.2e-16];
        foreach (double x in special)
            NumericAssert.Close(Math.Log(x), SeededRandom.Log(x), 1e-300, 4e-16, $"ln {x:R}");
        for (int i = 0; i < 100_000; i++)
        {
            double x = random.NextDouble() * Math.Pow(2, random.NextDouble() * 200 - 100);
            if (x == 0) continue;
            NumericAssert.Close(Math.Log(x), SeededRandom.Log(x), 4e-16, 4e-16, $"ln {x:R}");
        }
    }
}
