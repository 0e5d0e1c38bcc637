using RnnGen;

namespace PluginTemplateTest;

/// <summary>
/// The second model NativePluginTests exports through the plugin template, of another shape than the waveform
/// classifier: 6 inputs, two stacked GRU(17) layers, 3 outputs read from the last step. Its weights are the PyTorch
/// reference case extra/gru_L2_head_many_to_one, whose metadata names no outputs. In int8: the template publishes it with
/// -p:RnnGenWeightsPrecision=Int8, so the library embeds int8 weights. The test compiles this file into the template's
/// copy, and into this project (whose item says Precision="Int8") for the managed reference.
/// </summary>
[RecurrentModel(InputSize = 6, SequenceLength = 24, Weights = "model.safetensors", Precision = WeightPrecision.Int8)]
[Gru(17)]
[Gru(17)]
[Dense(3, Over = Steps.Last)]
public partial class SensorTagger { }
