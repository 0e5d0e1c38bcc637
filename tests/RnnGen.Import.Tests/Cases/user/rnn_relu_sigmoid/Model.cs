using RnnGen;

[RecurrentModel(InputSize = 4, SequenceLength = 16)]
[Rnn(12, Activation = Activation.Relu, Module = "rnn")]
[Dense(1, Activation.Sigmoid, Module = "classifier", Over = Steps.Last)]
public partial class Model { }
