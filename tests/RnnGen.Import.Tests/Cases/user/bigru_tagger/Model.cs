using RnnGen;

[RecurrentModel(InputSize = 3, SequenceLength = 16)]
[Gru(8, Bidirectional = true, Module = "gru")]
[Gru(8, Bidirectional = true, Module = "gru")]
[Dense(4, Activation.Softmax, Module = "tagger", Over = Steps.Every)]
public partial class Model { }
