using RnnGen.Streaming;

namespace RnnGen.Tests.Streaming;

public class TimeseriesDatasetTests
{
    private static float[] Range(int from, int count) => Enumerable.Range(from, count).Select(i => (float)i).ToArray();

    [Fact]
    public void NextValueWindowsOfOneToTen()
    {
        // The lecture's TimeseriesGenerator example: data [1..10], window 3 → the next value.
        var ds = TimeseriesDataset.ForNextValue(Range(1, 10), channels: 1, sequenceLength: 3, batchSize: 128);
        Assert.Equal(7, ds.WindowCount);
        Assert.Equal(1, ds.BatchCount);
        var inputs = new float[7 * 3];
        var targets = new float[7];
        Assert.Equal(7, ds.GetBatch(0, inputs, targets));
        Assert.Equal([1, 2, 3, 2, 3, 4, 3, 4, 5, 4, 5, 6, 5, 6, 7, 6, 7, 8, 7, 8, 9], inputs);
        Assert.Equal([4, 5, 6, 7, 8, 9, 10], targets);
    }

    [Fact]
    public void KerasDocumentationExampleWithSamplingRateAndStride()
    {
        // timeseries_dataset_from_array docs, example 1: indices [0..98], sequence_length=10, sampling_rate=2,
        // sequence_stride=3 → [0 2 … 18], [3 5 … 21], [6 8 … 24], …, last [78 80 … 96].
        var ds = new TimeseriesDataset(Range(0, 99), 1, 10, sequenceStride: 3, samplingRate: 2, batchSize: 128);
        Assert.Equal(27, ds.WindowCount); // starts 0, 3, …, 78
        var w = new float[10];
        ds.CopyWindow(0, w);
        Assert.Equal(Range(0, 10).Select(i => 2 * i), w);
        ds.CopyWindow(1, w);
        Assert.Equal(Range(0, 10).Select(i => 3 + 2 * i), w);
        ds.CopyWindow(2, w);
        Assert.Equal(Range(0, 10).Select(i => 6 + 2 * i), w);
        ds.CopyWindow(26, w);
        Assert.Equal(Range(0, 10).Select(i => 78 + 2 * i), w);
        Assert.True(ds.Target(0).IsEmpty);
    }

    [Fact]
    public void TargetsBelongToTheWindowStartAndLimitTheCount()
    {
        // Keras example 2 style: targets shorter than the data; target i goes with the window starting at row i.
        float[] data = Range(0, 20);
        float[] targets = Range(100, 12);
        var ds = new TimeseriesDataset(data, 1, 5, targets, targetSize: 1, batchSize: 5);
        Assert.Equal(12, ds.WindowCount); // 16 windows fit in the data, 12 have targets
        Assert.Equal(3, ds.BatchCount);
        var inputs = new float[5 * 5];
        var t = new float[5];
        Assert.Equal(2, ds.GetBatch(2, inputs, t));
        Assert.Equal([10, 11, 12, 13, 14, 11, 12, 13, 14, 15], inputs[..10]);
        Assert.Equal([110, 111], t[..2]);
    }

    [Fact]
    public void MultichannelRowsStartEndAndHorizon()
    {
        // Rows [i, 10i]; rows 2..11 only; window 2 with sampling rate 2; target 2 sampled steps after the last row.
        float[] data = Enumerable.Range(0, 15).SelectMany(i => new float[] { i, 10 * i }).ToArray();
        var ranged = new TimeseriesDataset(data, 2, 2, samplingRate: 2, startIndex: 2, endIndex: 12);
        Assert.Equal(8, ranged.WindowCount); // starts 2..9 (9 + 2 = 11 < 12)
        var w = new float[4];
        ranged.CopyWindow(7, w);
        Assert.Equal([9, 90, 11, 110], w);

        var ahead = TimeseriesDataset.ForNextValue(data, 2, 2, horizon: 2, samplingRate: 2);
        // Target of the window starting at p is row p + (2 − 1 + 2)·2 = p + 6, so starts 0..8.
        Assert.Equal(9, ahead.WindowCount);
        Assert.Equal([14f, 140f], ahead.Target(8).ToArray());
    }

    [Fact]
    public void TooLittleDataGivesNoWindows()
    {
        Assert.Equal(0, TimeseriesDataset.ForNextValue(Range(0, 3), 1, 3).WindowCount);
        Assert.Equal(0, new TimeseriesDataset(Range(0, 2), 1, 3).WindowCount);
    }

    [Fact]
    public void ShuffleIsASeededPermutationAndBatchesFollowIt()
    {
        var ds = TimeseriesDataset.ForNextValue(Range(0, 50), 1, 4, batchSize: 8, shuffle: true, seed: 42);
        Assert.Equal(46, ds.WindowCount);
        var starts = new List<float>();
        var inputs = new float[8 * 4];
        var targets = new float[8];
        for (int b = 0; b < ds.BatchCount; b++)
        {
            int n = ds.GetBatch(b, inputs, targets);
            for (int i = 0; i < n; i++)
            {
                starts.Add(inputs[i * 4]);
                Assert.Equal(inputs[i * 4] + 4, targets[i]); // still the next value of its own window
            }
        }
        Assert.Equal(Range(0, 46), starts.Order());
        Assert.NotEqual(Range(0, 46), starts);

        var again = TimeseriesDataset.ForNextValue(Range(0, 50), 1, 4, batchSize: 8, shuffle: true, seed: 42);
        again.GetBatch(0, inputs, targets);
        Assert.Equal(starts[0], inputs[0]);

        again.Unshuffle();
        again.GetBatch(0, inputs, targets);
        Assert.Equal(0f, inputs[0]);
    }

    [Fact]
    public void BatchesAllocateNothing()
    {
        var ds = TimeseriesDataset.ForNextValue(Enumerable.Range(0, 3000).Select(i => (float)i).ToArray(), 3, 16, samplingRate: 2, batchSize: 32, shuffle: true);
        var inputs = new float[32 * 16 * 3];
        var targets = new float[32 * 3];
        int b = 0;
        long bytes = Allocations.Measure(() =>
        {
            ds.GetBatch(b, inputs, targets);
            b = (b + 1) % ds.BatchCount;
        }, iterations: 2000);
        Assert.Equal(0, bytes);
    }
}
