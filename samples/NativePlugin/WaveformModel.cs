using RnnGen;

namespace NativePlugin;

/// <summary>
/// The model the plugin exports (PluginModel in NativePlugin.csproj): one signal sample per step in, probabilities of
/// sine, square and sawtooth out (nn.LSTM(1, 16) + nn.Linear(16, 3) trained in PyTorch by
/// samples/WaveformClassifier/train_export.py, softmax here). The weights are embedded at build time, so the library
/// needs no file; their metadata's "classes" become the output labels.
/// </summary>
[RecurrentModel(InputSize = 1, SequenceLength = 40, Weights = "waveform.safetensors")]
[Lstm(16)]
[Dense(3, Activation.Softmax, Over = Steps.Last)]
public partial class WaveformModel { }
