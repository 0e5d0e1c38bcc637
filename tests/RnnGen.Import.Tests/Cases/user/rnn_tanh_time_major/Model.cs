using RnnGen;

[RecurrentModel(InputSize = 3, SequenceLength = 16)]
[Rnn(10, Module = "rnn")]
[Dense(2, Activation.Tanh, Module = "out", Over = Steps.Every)]
public partial class Model { }
