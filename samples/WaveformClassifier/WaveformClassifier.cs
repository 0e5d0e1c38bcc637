using RnnGen;

namespace WaveformClassifierSample;

/// <summary>
/// Reads a 1-channel signal one sample per step and tells sine, square and sawtooth apart from the last step.
/// Trained in PyTorch by train_export.py as nn.LSTM(1, 16) + nn.Linear(16, 3); softmax is applied here.
/// </summary>
[RecurrentModel(InputSize = 1, SequenceLength = 40)]
[Lstm(16)]
[Dense(3, Activation.Softmax, Over = Steps.Last)]
public partial class WaveformClassifier { }
