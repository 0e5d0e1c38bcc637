using RnnGen;

[RecurrentModel(InputSize = 5, SequenceLength = 16)]
[Lstm(24, Module = "lstm1")]
[Lstm(16, Module = "lstm2")]
[Dense(2, Module = "fc", Over = Steps.Last)]
public partial class Model { }
