using RnnGen.Streaming;

namespace RnnGen.Tests.Streaming;

public class SlidingWindowTests
{
    [Fact]
    public void WindowsOfTEverySFramesAreTheLastTFramesInOrder()
    {
        // T = 4, S = 3, 2 channels; frame i = [i, −i]. Windows are due after frames 4, 7, 10, 13.
        var w = new SlidingWindow(length: 4, stride: 3, channels: 2);
        var due = new List<int>();
        for (int i = 1; i <= 14; i++)
        {
            if (w.Push([i, -i]))
            {
                due.Add(i);
                float[] expected = Enumerable.Range(i - 3, 4).SelectMany(k => new float[] { k, -k }).ToArray();
                Assert.Equal(expected, w.Window.ToArray());
            }
        }
        Assert.Equal([4, 7, 10, 13], due);
    }

    [Fact]
    public void BeforeItIsFullTheWindowHoldsWhatThereIs()
    {
        var w = new SlidingWindow(3, 1, 1);
        Assert.True(w.Window.IsEmpty);
        Assert.False(w.Push([5f]));
        Assert.Equal([5f], w.Window.ToArray());
        Assert.False(w.Push([6f]));
        Assert.Equal([5f, 6f], w.Window.ToArray());
        Assert.True(w.Push([7f]));
        Assert.True(w.IsFull);
        w.Clear();
        Assert.True(w.Window.IsEmpty);
        Assert.False(w.Push([8f]));
        Assert.Equal([8f], w.Window.ToArray());
    }

    [Fact]
    public void TheWindowIsAViewNotACopy()
    {
        var w = new SlidingWindow(8, 1, 4);
        for (int i = 0; i < 20; i++) w.Push([i, i, i, i]);
        ReadOnlySpan<float> a = w.Window;
        ReadOnlySpan<float> b = w.Window;
        Assert.True(a.Overlaps(b));
    }

    [Fact]
    public void PushAndWindowAllocateNothing()
    {
        var w = new SlidingWindow(32, 4, 6);
        float[] frame = new float[6];
        float sum = 0;
        long bytes = Allocations.Measure(() =>
        {
            frame[0]++;
            if (w.Push(frame)) sum += w.Window[0];
        });
        Assert.Equal(0, bytes);
        Assert.True(sum > 0);
    }
}
