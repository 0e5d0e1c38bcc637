using RnnGen;

[RecurrentModel(SequenceLength = 16)]
[Embedding(30, 8, Module = "embed")]
[Gru(16, Module = "gru")]
[Dense(30, Module = "fc", Over = Steps.Every)]
public partial class Model { }
