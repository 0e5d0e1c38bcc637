using RnnGen;

[RecurrentModel(InputSize = 3, SequenceLength = 16)]
[Lstm(8)]
[Dense(2, Over = Steps.Last)]
public partial class Model { }
