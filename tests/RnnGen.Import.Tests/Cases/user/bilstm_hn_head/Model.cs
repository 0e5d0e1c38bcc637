using RnnGen;

[RecurrentModel(InputSize = 5, SequenceLength = 16)]
[Lstm(12, Bidirectional = true, Module = "lstm")]
[Dense(3, Module = "fc", Over = Steps.Final)]
public partial class Model { }
