using RnnGen;

[RecurrentModel(InputSize = 7, SequenceLength = 16)]
[Gru(50, Module = "gru")]
[Dense(5, Activation.Softmax, Module = "fc", Over = Steps.Last)]
public partial class Model { }
