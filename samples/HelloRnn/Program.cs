using RnnGen;
using RnnGen.Samples;
using RnnGen.Training;

// The lecture's character-level language model: vocabulary {h, e, l, o}, one-hot inputs, a tanh RNN with 3 hidden
// units and a softmax over the next character. It learns "hell" → "ello" with BPTT and cross-entropy, then writes
// "hello" by feeding each most probable character back in.
const string Vocabulary = "helo";
const string Text = "hello";

var commandLine = new SampleCommandLine("HelloRnn",
    "The lecture's character-level RNN: learns \"hell\" -> \"ello\" with BPTT and Adam, then generates \"hello\".\n" +
    "It takes no options. Exit code 1 if it did not learn the word.");
if (commandLine.Parse(args, Console.Out, Console.Error) is int exit) return exit;

var model = new CharRnn();
Initializer.Apply(model, InitScheme.PyTorchDefault, seed: 42);
var trainer = new Trainer(model, new Adam(CharRnn.ParameterCount, learningRate: 0.03f), new TrainerOptions { ClipNorm = 5f });

var inputs = new float[(Text.Length - 1) * Vocabulary.Length];
var targets = new int[Text.Length - 1];
for (int t = 0; t < Text.Length - 1; t++)
{
    inputs[t * Vocabulary.Length + Vocabulary.IndexOf(Text[t])] = 1f;   // one-hot x_t
    targets[t] = Vocabulary.IndexOf(Text[t + 1]);                        // the next character
}

Console.WriteLine($"Training a character RNN (4 → RNN(3, tanh) → softmax(4), {CharRnn.ParameterCount} parameters) on \"{Text}\" with BPTT + Adam");
Console.WriteLine();
Console.WriteLine(" step    loss");
for (int step = 1; step <= 300; step++)
{
    float loss = trainer.Train(inputs, targets).Loss;
    if (step == 1 || step % 25 == 0)
        Console.WriteLine($"{step,5}  {loss,6:0.0000}  {new string('#', (int)Math.Ceiling(loss * 20))}");
}

Console.WriteLine();
Console.WriteLine("Generating from 'h', feeding back the most probable character:");
Span<float> x = stackalloc float[Vocabulary.Length];
Span<float> probabilities = stackalloc float[Vocabulary.Length];
model.ResetState();
char current = 'h';
string generated = "h";
for (int t = 0; t < Text.Length - 1; t++)
{
    x.Clear();
    x[Vocabulary.IndexOf(current)] = 1f;
    model.Step(x, probabilities);
    current = Vocabulary[TensorArgMax(probabilities)];
    Console.WriteLine($"  after '{generated[^1]}': p(h,e,l,o) = [{string.Join(", ", probabilities.ToArray().Select(p => p.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)))}] → '{current}'");
    generated += current;
}
Console.WriteLine();
Console.WriteLine($"Generated: \"{generated}\" {(generated == Text ? "(learned)" : "(not learned yet)")}");
return generated == Text ? 0 : 1;

static int TensorArgMax(ReadOnlySpan<float> values) => System.Numerics.Tensors.TensorPrimitives.IndexOfMax(values);

/// <summary>x_t one-hot over {h, e, l, o}; h_t = tanh(W_ih x_t + W_hh h_{t−1} + b); y_t = softmax(V h_t + c).</summary>
[RecurrentModel(InputSize = 4, SequenceLength = 4)]
[Rnn(3)]
[Dense(4, Activation.Softmax, Over = Steps.Every)]
public partial class CharRnn { }
