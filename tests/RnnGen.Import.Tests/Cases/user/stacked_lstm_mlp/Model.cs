using RnnGen;

[RecurrentModel(InputSize = 4, SequenceLength = 16)]
[Lstm(20, Module = "lstm")]
[Lstm(20, Module = "lstm")]
[Dense(32, Activation.Relu, Module = "head.0", Over = Steps.Last)]
[Dense(3, Module = "head.2")]
public partial class Model { }
