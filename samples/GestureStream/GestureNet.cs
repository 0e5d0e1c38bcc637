using RnnGen;

namespace GestureStreamSample;

/// <summary>
/// Reads one normalised 6-axis IMU frame per step (100 Hz) and outputs, at every step, the probabilities of
/// idle, shake, circle, double tap and twist. Trained with truncated BPTT over one-second chunks of a long stream,
/// so the state carries across chunks exactly as it does while streaming.
/// </summary>
[RecurrentModel(InputSize = 6, SequenceLength = 100)]
[Lstm(32)]
[Dense(5, Activation.Softmax, Over = Steps.Every)]
public partial class GestureNet { }
