using RnnGen;

[RecurrentModel(InputSize = 2, SequenceLength = 16)]
[Lstm(8, Bias = false, Module = "lstm")]
[Dense(3, Bias = false, Module = "proj", Over = Steps.Every)]
public partial class Model { }
