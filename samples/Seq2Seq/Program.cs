using RnnGen;
using RnnGen.Samples;
using RnnGen.Training;

// Encoder–decoder (sequence to sequence): the encoder reads four digits, its final GRU state becomes the decoder's
// initial state, and the decoder writes the digits in reverse order. Both are trained end to end: the decoder's
// gradient with respect to its initial state is the encoder's final-state gradient.
const int Length = 4, Digits = 10, Start = 10, Batch = 32;

var commandLine = new SampleCommandLine("Seq2Seq",
    "An encoder-decoder pair of GRUs trained end to end to reverse four-digit sequences.\n" +
    "It takes no options. Exit code 1 if the exact-match accuracy on new sequences is 90 % or less.");
if (commandLine.Parse(args, Console.Out, Console.Error) is int exit) return exit;

var encoder = new DigitEncoder();
var decoder = new DigitDecoder();
Initializer.Apply(encoder, InitScheme.PyTorchDefault, seed: 1);
Initializer.Apply(decoder, InitScheme.PyTorchDefault, seed: 2);
var decoderTrainer = new Trainer(decoder, new Adam(DigitDecoder.ParameterCount, learningRate: 0.005f),
    new TrainerOptions { ClipNorm = 1f, ResetStateEachSequence = false });
var encoderOptimizer = new Adam(DigitEncoder.ParameterCount, learningRate: 0.005f);

var random = new Random(7);
var source = new int[Length];
var decoderInput = new int[Length];
var target = new int[Length];
var encoderOutputs = new float[Length * DigitEncoder.OutputSize];
var noOutputGradient = new float[Length * DigitEncoder.OutputSize];

Console.WriteLine($"Reversing {Length}-digit sequences: Embedding(10, 16) → GRU(64) encoder, its final state → Embedding(11, 16) → GRU(64) → softmax(10) decoder");
Console.WriteLine($"{DigitEncoder.ParameterCount + DigitDecoder.ParameterCount} parameters, Adam, mini-batches of {Batch}, teacher forcing");
Console.WriteLine();
Console.WriteLine(" step    loss   held-out exact match");
var watch = System.Diagnostics.Stopwatch.StartNew();
for (int step = 1; step <= 1500; step++)
{
    for (int b = 0; b < Batch; b++)
    {
        Example(random, source, decoderInput, target);
        encoder.ResetState();
        encoder.Forward(source, encoderOutputs);
        encoder.State.CopyTo(decoder.State);                                   // hand the encoder's final state over
        decoderTrainer.Forward(decoderInput);
        decoderTrainer.Accumulate(target);
        // Backpropagate through the hand-over: dL/d(decoder initial state) is dL/d(encoder final state).
        encoder.Backward(noOutputGradient, default, decoderTrainer.InitialStateGradient, default);
    }
    var result = decoderTrainer.Apply();
    System.Numerics.Tensors.TensorPrimitives.Multiply(encoder.Gradients, 1f / Batch, encoder.Gradients);
    GradientClipping.ClipByGlobalNorm(encoder.Gradients, 1f);
    if (result.Applied) encoderOptimizer.Step(encoder.Parameters, encoder.Gradients);
    encoder.ZeroGradients();
    if (step % 150 == 0)
        Console.WriteLine($"{step,5}  {result.Loss,6:0.0000}  {Accuracy(encoder, decoder, new Random(99), 500):P1}");
}
Console.WriteLine($"trained in {watch.Elapsed.TotalSeconds:0.0} s");
Console.WriteLine();

var demo = new Random(2024);
for (int i = 0; i < 5; i++)
{
    Example(demo, source, decoderInput, target);
    var answer = Translate(encoder, decoder, source);
    Console.WriteLine($"  {string.Concat(source)} → {string.Concat(answer)}  {(answer.SequenceEqual(target) ? "✓" : $"✗ (expected {string.Concat(target)})")}");
}
double accuracy = Accuracy(encoder, decoder, new Random(12345), 2000);
Console.WriteLine();
Console.WriteLine($"Exact-match accuracy on 2000 new sequences: {accuracy:P1}");
return accuracy > 0.9 ? 0 : 1;

static void Example(Random random, int[] source, int[] decoderInput, int[] target)
{
    for (int i = 0; i < source.Length; i++) source[i] = random.Next(Digits);
    for (int i = 0; i < target.Length; i++) target[i] = source[source.Length - 1 - i];
    decoderInput[0] = Start;                                   // teacher forcing: the decoder sees the previous true digit
    for (int i = 1; i < decoderInput.Length; i++) decoderInput[i] = target[i - 1];
}

// Greedy decoding: encode, hand the state over, then feed each predicted digit back in with Step.
static int[] Translate(DigitEncoder encoder, DigitDecoder decoder, int[] source)
{
    var outputs = new float[Length * DigitEncoder.OutputSize];
    var probabilities = new float[DigitDecoder.OutputSize];
    encoder.ResetState();
    encoder.Forward(source, outputs);
    encoder.State.CopyTo(decoder.State);
    var answer = new int[Length];
    int token = Start;
    for (int i = 0; i < Length; i++)
    {
        decoder.Step(token, probabilities);
        token = answer[i] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(probabilities);
    }
    return answer;
}

static double Accuracy(DigitEncoder encoder, DigitDecoder decoder, Random random, int count)
{
    var source = new int[Length];
    var decoderInput = new int[Length];
    var target = new int[Length];
    int correct = 0;
    for (int i = 0; i < count; i++)
    {
        Example(random, source, decoderInput, target);
        if (Translate(encoder, decoder, source).SequenceEqual(target)) correct++;
    }
    return (double)correct / count;
}

/// <summary>Reads the source digits; only its final state is used.</summary>
[RecurrentModel(SequenceLength = 4)]
[Embedding(10, 16)]
[Gru(64)]
public partial class DigitEncoder { }

/// <summary>Starts from the encoder's final state and writes one digit per step; token 10 is "start".</summary>
[RecurrentModel(SequenceLength = 4)]
[Embedding(11, 16)]
[Gru(64)]
[Dense(10, Activation.Softmax, Over = Steps.Every)]
public partial class DigitDecoder { }
