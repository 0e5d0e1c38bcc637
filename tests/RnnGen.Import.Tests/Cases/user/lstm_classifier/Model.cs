using RnnGen;

[RecurrentModel(InputSize = 6, SequenceLength = 16)]
[Lstm(16, Module = "lstm")]
[Dense(4, Module = "fc", Over = Steps.Last)]
public partial class Model { }
