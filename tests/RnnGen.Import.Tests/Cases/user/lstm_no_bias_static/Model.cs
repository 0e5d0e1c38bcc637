using RnnGen;

[RecurrentModel(InputSize = 2, SequenceLength = 16)]
[Lstm(8, Bias = false, Module = "lstm")]
[Dense(3, Module = "proj", Over = Steps.Every, Bias = false)]
public partial class Model { }
