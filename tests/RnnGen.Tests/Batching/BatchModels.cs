namespace RnnGen.Tests.Batching;

// Models for the batch tests, compiled by the generator as a user's project compiles them. Sizes are chosen to reach
// every branch of the lanes path: a full chunk of 16 units and a partial one, 4-block groups and leftover blocks,
// inputs of one float and of several, stacked layers, both directions, tokens, every head.

[RecurrentModel(InputSize = 16, SequenceLength = 6)]
[Lstm(128)]
[Dense(1)]
public partial class WideLstm { }

[RecurrentModel(InputSize = 5, SequenceLength = 7)]
[Gru(24)]
[Dense(3, Activation.Softmax, Over = Steps.Every)]
public partial class OddGru { }

[RecurrentModel(InputSize = 1, SequenceLength = 5)]
[Lstm(20, Bias = false)]
[Rnn(7, Activation = Activation.Relu)]
[Dense(2, Activation.Sigmoid)]
public partial class MixedBatchStack { }

[RecurrentModel(InputSize = 3, SequenceLength = 6)]
[Rnn(9, Bidirectional = true)]
[Gru(6, Bidirectional = true, Bias = false)]
public partial class BidirectionalBatch { }

[RecurrentModel(SequenceLength = 5)]
[Embedding(11, 5)]
[Lstm(12)]
[Dense(11, Activation.Softmax, Over = Steps.Every)]
public partial class TokenBatch { }

[RecurrentModel(SequenceLength = 4)]
[Embedding(6, 3)]
[Gru(5, Bidirectional = true)]
[Dense(2, Activation.Tanh)]
public partial class TokenBidirectional { }

// Heads the lanes path does not cover (an MLP, a head over the final state): the batch runs them per entity.
[RecurrentModel(InputSize = 4, SequenceLength = 6)]
[Lstm(16)]
[Dense(8, Activation.Relu)]
[Dense(3, Activation.Softmax)]
public partial class MlpBatch { }

[RecurrentModel(InputSize = 3, SequenceLength = 5)]
[Gru(6, Bidirectional = true)]
[Dense(2, Over = Steps.Final)]
public partial class FinalStateBatch { }
