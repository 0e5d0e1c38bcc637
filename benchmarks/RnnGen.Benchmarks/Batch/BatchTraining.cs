using BenchmarkDotNet.Attributes;
using RnnGen.Training;
using RnnGen.Weights;

namespace RnnGen.Benchmarks;

/// <summary>
/// One mini-batch training step of 32 sequences, T = 50, LSTM 8→32 + Dense(4) on the last step, softmax cross-entropy,
/// Adam, through <see cref="BatchTrainer"/> (one batched Forward and Backward). With the peers' directory the weights and
/// the mini-batch are PyTorch's (batch_peers.py) and the logits are checked against PyTorch's before timing; the
/// PyTorch single-thread step on the same data is in pytorch.json.
/// </summary>
[MemoryDiagnoser]
public class BatchTraining
{
    public const int Sequences = 32, Steps = 50;
    private BatchTrainer _trainer = null!;
    private float[] _inputs = [];
    private int[] _targets = [];

    [GlobalSetup]
    public void Prepare()
    {
        var model = Setup.Randomised(new LstmTrain8x32());
        _inputs = Setup.Inputs(Sequences * Steps * LstmTrain8x32.InputSize);
        _targets = [.. Enumerable.Range(0, Sequences).Select(i => i % LstmTrain8x32.OutputSize)];
        var batch = new LstmTrain8x32.Batch(model, Sequences);
        if (BatchPeers.Directory is { } directory)
        {
            model.LoadWeights(Path.Combine(directory, "train8x32.safetensors"));
            var check = PeerCheck.Read(Path.Combine(directory, "train8x32_check.json"));
            _inputs = check.Floats("x");
            _targets = check.Ints("targets");
            for (int e = 0; e < Sequences; e++) batch.Add();
            var logits = new float[Sequences * LstmTrain8x32.OutputSize];
            batch.Forward(_inputs, logits);
            PeerCheck.Equal("RnnGen batch logits vs PyTorch (train8x32)", check.Floats("logits"), logits);
            batch.Clear();
        }
        _trainer = new BatchTrainer(batch, new Adam(LstmTrain8x32.ParameterCount));
        BatchWarmUp.Run(() => _trainer.Train(_inputs, _targets, Sequences));
    }

    [Benchmark] public TrainingStep TrainBatch32_Lstm8x32() => _trainer.Train(_inputs, _targets, Sequences);
}
