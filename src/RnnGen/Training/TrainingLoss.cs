namespace RnnGen.Training;

/// <summary>Which loss a <see cref="Trainer"/> minimises.</summary>
public enum TrainingLoss
{
    /// <summary>Softmax cross-entropy on the logits with integer class targets (one per scored row); use a Linear or Softmax head.</summary>
    SoftmaxCrossEntropy = 0,
    /// <summary>Sigmoid binary cross-entropy on the logits with targets in [0, 1]; use a Linear or Sigmoid head.</summary>
    SigmoidBinaryCrossEntropy = 1,
    /// <summary>Mean squared error on the outputs (after the head's activation) with float targets.</summary>
    MeanSquaredError = 2,
}
