using BenchmarkDotNet.Attributes;

namespace RnnGen.Benchmarks;

// One line per model: every cell kind at hidden sizes on the vector grid (multiples of 8) and beside
// it. I = 8 throughout (input sizes off the grid cost the same per FLOP); LSTM with projection has P = H / 2.
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Lstm(8)][Dense(1)] public partial class UniformLstm8 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Lstm(10)][Dense(1)] public partial class UniformLstm10 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Lstm(13)][Dense(1)] public partial class UniformLstm13 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Lstm(16)][Dense(1)] public partial class UniformLstm16 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Lstm(20)][Dense(1)] public partial class UniformLstm20 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Lstm(37)][Dense(1)] public partial class UniformLstm37 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Lstm(40)][Dense(1)] public partial class UniformLstm40 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Lstm(48)][Dense(1)] public partial class UniformLstm48 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Lstm(50)][Dense(1)] public partial class UniformLstm50 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Lstm(96)][Dense(1)] public partial class UniformLstm96 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Lstm(100)][Dense(1)] public partial class UniformLstm100 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Lstm(192)][Dense(1)] public partial class UniformLstm192 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Lstm(200)][Dense(1)] public partial class UniformLstm200 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Lstm(8, ProjectionSize = 4)][Dense(1)] public partial class UniformLstmProj8 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Lstm(10, ProjectionSize = 5)][Dense(1)] public partial class UniformLstmProj10 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Lstm(13, ProjectionSize = 6)][Dense(1)] public partial class UniformLstmProj13 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Lstm(16, ProjectionSize = 8)][Dense(1)] public partial class UniformLstmProj16 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Lstm(20, ProjectionSize = 10)][Dense(1)] public partial class UniformLstmProj20 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Lstm(37, ProjectionSize = 18)][Dense(1)] public partial class UniformLstmProj37 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Lstm(40, ProjectionSize = 20)][Dense(1)] public partial class UniformLstmProj40 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Lstm(48, ProjectionSize = 24)][Dense(1)] public partial class UniformLstmProj48 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Lstm(50, ProjectionSize = 25)][Dense(1)] public partial class UniformLstmProj50 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Lstm(96, ProjectionSize = 48)][Dense(1)] public partial class UniformLstmProj96 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Lstm(100, ProjectionSize = 50)][Dense(1)] public partial class UniformLstmProj100 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Lstm(192, ProjectionSize = 96)][Dense(1)] public partial class UniformLstmProj192 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Lstm(200, ProjectionSize = 100)][Dense(1)] public partial class UniformLstmProj200 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Gru(8)][Dense(1)] public partial class UniformGru8 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Gru(10)][Dense(1)] public partial class UniformGru10 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Gru(13)][Dense(1)] public partial class UniformGru13 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Gru(16)][Dense(1)] public partial class UniformGru16 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Gru(20)][Dense(1)] public partial class UniformGru20 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Gru(37)][Dense(1)] public partial class UniformGru37 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Gru(40)][Dense(1)] public partial class UniformGru40 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Gru(48)][Dense(1)] public partial class UniformGru48 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Gru(50)][Dense(1)] public partial class UniformGru50 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Gru(96)][Dense(1)] public partial class UniformGru96 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Gru(100)][Dense(1)] public partial class UniformGru100 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Gru(192)][Dense(1)] public partial class UniformGru192 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Gru(200)][Dense(1)] public partial class UniformGru200 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Gru(8, ResetAfter = false)][Dense(1)] public partial class UniformGruResetBefore8 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Gru(10, ResetAfter = false)][Dense(1)] public partial class UniformGruResetBefore10 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Gru(13, ResetAfter = false)][Dense(1)] public partial class UniformGruResetBefore13 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Gru(16, ResetAfter = false)][Dense(1)] public partial class UniformGruResetBefore16 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Gru(20, ResetAfter = false)][Dense(1)] public partial class UniformGruResetBefore20 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Gru(37, ResetAfter = false)][Dense(1)] public partial class UniformGruResetBefore37 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Gru(40, ResetAfter = false)][Dense(1)] public partial class UniformGruResetBefore40 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Gru(48, ResetAfter = false)][Dense(1)] public partial class UniformGruResetBefore48 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Gru(50, ResetAfter = false)][Dense(1)] public partial class UniformGruResetBefore50 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Gru(96, ResetAfter = false)][Dense(1)] public partial class UniformGruResetBefore96 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Gru(100, ResetAfter = false)][Dense(1)] public partial class UniformGruResetBefore100 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Gru(192, ResetAfter = false)][Dense(1)] public partial class UniformGruResetBefore192 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Gru(200, ResetAfter = false)][Dense(1)] public partial class UniformGruResetBefore200 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Rnn(8)][Dense(1)] public partial class UniformRnn8 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Rnn(10)][Dense(1)] public partial class UniformRnn10 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Rnn(13)][Dense(1)] public partial class UniformRnn13 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Rnn(16)][Dense(1)] public partial class UniformRnn16 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Rnn(20)][Dense(1)] public partial class UniformRnn20 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Rnn(37)][Dense(1)] public partial class UniformRnn37 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Rnn(40)][Dense(1)] public partial class UniformRnn40 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Rnn(48)][Dense(1)] public partial class UniformRnn48 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Rnn(50)][Dense(1)] public partial class UniformRnn50 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Rnn(96)][Dense(1)] public partial class UniformRnn96 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Rnn(100)][Dense(1)] public partial class UniformRnn100 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Rnn(192)][Dense(1)] public partial class UniformRnn192 { }
[RecurrentModel(InputSize = 8, SequenceLength = 1)][Rnn(200)][Dense(1)] public partial class UniformRnn200 { }

/// <summary>
/// Speed uniformity (issue 13, goal 1): one stateful Step of every cell kind (+ Dense(1)) at hidden sizes on the vector
/// grid (8, 16, 40, 48, 96, 192) and the sizes users pick beside them (10, 13, 20, 37, 50, 100, 200), all in one process.
/// <see cref="Report"/> divides each size's time per multiply-add by that of its nearest on-grid size
/// (<see cref="Pairs"/>). The same models' inference copies (<c>ToInference()</c>, made in <see cref="CopyAndCheck"/>) get
/// a table of their own. Method names are <c>Uniform_{Kind}_{H}</c> (the model's Step) and <c>Inference_{Kind}_{H}</c>
/// (its copy's); every call is direct.
/// </summary>
[MemoryDiagnoser]
public class Uniformity
{
    /// <summary>Method-name prefixes: the model's Step, and its inference copy's.</summary>
    public const string Model = "Uniform", Copy = "Inference";

    /// <summary>Each off-grid hidden size and the on-grid size nearest to it.</summary>
    public static readonly (int OffGrid, int OnGrid)[] Pairs = [(10, 8), (13, 16), (20, 16), (37, 40), (50, 48), (100, 96), (200, 192)];

    /// <summary>The cell kinds: method-name part and label.</summary>
    public static readonly (string Kind, string Label)[] Kinds =
        [("Lstm", "LSTM"), ("LstmProj", "LSTM with projection P = H/2"), ("Gru", "GRU reset-after"), ("GruResetBefore", "GRU reset-before"), ("Rnn", "RNN tanh")];

    private readonly float[] _x = Setup.Inputs(8), _y = new float[1];

    private readonly UniformLstm8 _lstm8 = Setup.Randomised(new UniformLstm8());
    private readonly UniformLstm10 _lstm10 = Setup.Randomised(new UniformLstm10());
    private readonly UniformLstm13 _lstm13 = Setup.Randomised(new UniformLstm13());
    private readonly UniformLstm16 _lstm16 = Setup.Randomised(new UniformLstm16());
    private readonly UniformLstm20 _lstm20 = Setup.Randomised(new UniformLstm20());
    private readonly UniformLstm37 _lstm37 = Setup.Randomised(new UniformLstm37());
    private readonly UniformLstm40 _lstm40 = Setup.Randomised(new UniformLstm40());
    private readonly UniformLstm48 _lstm48 = Setup.Randomised(new UniformLstm48());
    private readonly UniformLstm50 _lstm50 = Setup.Randomised(new UniformLstm50());
    private readonly UniformLstm96 _lstm96 = Setup.Randomised(new UniformLstm96());
    private readonly UniformLstm100 _lstm100 = Setup.Randomised(new UniformLstm100());
    private readonly UniformLstm192 _lstm192 = Setup.Randomised(new UniformLstm192());
    private readonly UniformLstm200 _lstm200 = Setup.Randomised(new UniformLstm200());
    private readonly UniformLstmProj8 _lstmProj8 = Setup.Randomised(new UniformLstmProj8());
    private readonly UniformLstmProj10 _lstmProj10 = Setup.Randomised(new UniformLstmProj10());
    private readonly UniformLstmProj13 _lstmProj13 = Setup.Randomised(new UniformLstmProj13());
    private readonly UniformLstmProj16 _lstmProj16 = Setup.Randomised(new UniformLstmProj16());
    private readonly UniformLstmProj20 _lstmProj20 = Setup.Randomised(new UniformLstmProj20());
    private readonly UniformLstmProj37 _lstmProj37 = Setup.Randomised(new UniformLstmProj37());
    private readonly UniformLstmProj40 _lstmProj40 = Setup.Randomised(new UniformLstmProj40());
    private readonly UniformLstmProj48 _lstmProj48 = Setup.Randomised(new UniformLstmProj48());
    private readonly UniformLstmProj50 _lstmProj50 = Setup.Randomised(new UniformLstmProj50());
    private readonly UniformLstmProj96 _lstmProj96 = Setup.Randomised(new UniformLstmProj96());
    private readonly UniformLstmProj100 _lstmProj100 = Setup.Randomised(new UniformLstmProj100());
    private readonly UniformLstmProj192 _lstmProj192 = Setup.Randomised(new UniformLstmProj192());
    private readonly UniformLstmProj200 _lstmProj200 = Setup.Randomised(new UniformLstmProj200());
    private readonly UniformGru8 _gru8 = Setup.Randomised(new UniformGru8());
    private readonly UniformGru10 _gru10 = Setup.Randomised(new UniformGru10());
    private readonly UniformGru13 _gru13 = Setup.Randomised(new UniformGru13());
    private readonly UniformGru16 _gru16 = Setup.Randomised(new UniformGru16());
    private readonly UniformGru20 _gru20 = Setup.Randomised(new UniformGru20());
    private readonly UniformGru37 _gru37 = Setup.Randomised(new UniformGru37());
    private readonly UniformGru40 _gru40 = Setup.Randomised(new UniformGru40());
    private readonly UniformGru48 _gru48 = Setup.Randomised(new UniformGru48());
    private readonly UniformGru50 _gru50 = Setup.Randomised(new UniformGru50());
    private readonly UniformGru96 _gru96 = Setup.Randomised(new UniformGru96());
    private readonly UniformGru100 _gru100 = Setup.Randomised(new UniformGru100());
    private readonly UniformGru192 _gru192 = Setup.Randomised(new UniformGru192());
    private readonly UniformGru200 _gru200 = Setup.Randomised(new UniformGru200());
    private readonly UniformGruResetBefore8 _gruResetBefore8 = Setup.Randomised(new UniformGruResetBefore8());
    private readonly UniformGruResetBefore10 _gruResetBefore10 = Setup.Randomised(new UniformGruResetBefore10());
    private readonly UniformGruResetBefore13 _gruResetBefore13 = Setup.Randomised(new UniformGruResetBefore13());
    private readonly UniformGruResetBefore16 _gruResetBefore16 = Setup.Randomised(new UniformGruResetBefore16());
    private readonly UniformGruResetBefore20 _gruResetBefore20 = Setup.Randomised(new UniformGruResetBefore20());
    private readonly UniformGruResetBefore37 _gruResetBefore37 = Setup.Randomised(new UniformGruResetBefore37());
    private readonly UniformGruResetBefore40 _gruResetBefore40 = Setup.Randomised(new UniformGruResetBefore40());
    private readonly UniformGruResetBefore48 _gruResetBefore48 = Setup.Randomised(new UniformGruResetBefore48());
    private readonly UniformGruResetBefore50 _gruResetBefore50 = Setup.Randomised(new UniformGruResetBefore50());
    private readonly UniformGruResetBefore96 _gruResetBefore96 = Setup.Randomised(new UniformGruResetBefore96());
    private readonly UniformGruResetBefore100 _gruResetBefore100 = Setup.Randomised(new UniformGruResetBefore100());
    private readonly UniformGruResetBefore192 _gruResetBefore192 = Setup.Randomised(new UniformGruResetBefore192());
    private readonly UniformGruResetBefore200 _gruResetBefore200 = Setup.Randomised(new UniformGruResetBefore200());
    private readonly UniformRnn8 _rnn8 = Setup.Randomised(new UniformRnn8());
    private readonly UniformRnn10 _rnn10 = Setup.Randomised(new UniformRnn10());
    private readonly UniformRnn13 _rnn13 = Setup.Randomised(new UniformRnn13());
    private readonly UniformRnn16 _rnn16 = Setup.Randomised(new UniformRnn16());
    private readonly UniformRnn20 _rnn20 = Setup.Randomised(new UniformRnn20());
    private readonly UniformRnn37 _rnn37 = Setup.Randomised(new UniformRnn37());
    private readonly UniformRnn40 _rnn40 = Setup.Randomised(new UniformRnn40());
    private readonly UniformRnn48 _rnn48 = Setup.Randomised(new UniformRnn48());
    private readonly UniformRnn50 _rnn50 = Setup.Randomised(new UniformRnn50());
    private readonly UniformRnn96 _rnn96 = Setup.Randomised(new UniformRnn96());
    private readonly UniformRnn100 _rnn100 = Setup.Randomised(new UniformRnn100());
    private readonly UniformRnn192 _rnn192 = Setup.Randomised(new UniformRnn192());
    private readonly UniformRnn200 _rnn200 = Setup.Randomised(new UniformRnn200());
    private UniformLstm8.Inference _lstm8Inference = null!;
    private UniformLstm10.Inference _lstm10Inference = null!;
    private UniformLstm13.Inference _lstm13Inference = null!;
    private UniformLstm16.Inference _lstm16Inference = null!;
    private UniformLstm20.Inference _lstm20Inference = null!;
    private UniformLstm37.Inference _lstm37Inference = null!;
    private UniformLstm40.Inference _lstm40Inference = null!;
    private UniformLstm48.Inference _lstm48Inference = null!;
    private UniformLstm50.Inference _lstm50Inference = null!;
    private UniformLstm96.Inference _lstm96Inference = null!;
    private UniformLstm100.Inference _lstm100Inference = null!;
    private UniformLstm192.Inference _lstm192Inference = null!;
    private UniformLstm200.Inference _lstm200Inference = null!;
    private UniformLstmProj8.Inference _lstmProj8Inference = null!;
    private UniformLstmProj10.Inference _lstmProj10Inference = null!;
    private UniformLstmProj13.Inference _lstmProj13Inference = null!;
    private UniformLstmProj16.Inference _lstmProj16Inference = null!;
    private UniformLstmProj20.Inference _lstmProj20Inference = null!;
    private UniformLstmProj37.Inference _lstmProj37Inference = null!;
    private UniformLstmProj40.Inference _lstmProj40Inference = null!;
    private UniformLstmProj48.Inference _lstmProj48Inference = null!;
    private UniformLstmProj50.Inference _lstmProj50Inference = null!;
    private UniformLstmProj96.Inference _lstmProj96Inference = null!;
    private UniformLstmProj100.Inference _lstmProj100Inference = null!;
    private UniformLstmProj192.Inference _lstmProj192Inference = null!;
    private UniformLstmProj200.Inference _lstmProj200Inference = null!;
    private UniformGru8.Inference _gru8Inference = null!;
    private UniformGru10.Inference _gru10Inference = null!;
    private UniformGru13.Inference _gru13Inference = null!;
    private UniformGru16.Inference _gru16Inference = null!;
    private UniformGru20.Inference _gru20Inference = null!;
    private UniformGru37.Inference _gru37Inference = null!;
    private UniformGru40.Inference _gru40Inference = null!;
    private UniformGru48.Inference _gru48Inference = null!;
    private UniformGru50.Inference _gru50Inference = null!;
    private UniformGru96.Inference _gru96Inference = null!;
    private UniformGru100.Inference _gru100Inference = null!;
    private UniformGru192.Inference _gru192Inference = null!;
    private UniformGru200.Inference _gru200Inference = null!;
    private UniformGruResetBefore8.Inference _gruResetBefore8Inference = null!;
    private UniformGruResetBefore10.Inference _gruResetBefore10Inference = null!;
    private UniformGruResetBefore13.Inference _gruResetBefore13Inference = null!;
    private UniformGruResetBefore16.Inference _gruResetBefore16Inference = null!;
    private UniformGruResetBefore20.Inference _gruResetBefore20Inference = null!;
    private UniformGruResetBefore37.Inference _gruResetBefore37Inference = null!;
    private UniformGruResetBefore40.Inference _gruResetBefore40Inference = null!;
    private UniformGruResetBefore48.Inference _gruResetBefore48Inference = null!;
    private UniformGruResetBefore50.Inference _gruResetBefore50Inference = null!;
    private UniformGruResetBefore96.Inference _gruResetBefore96Inference = null!;
    private UniformGruResetBefore100.Inference _gruResetBefore100Inference = null!;
    private UniformGruResetBefore192.Inference _gruResetBefore192Inference = null!;
    private UniformGruResetBefore200.Inference _gruResetBefore200Inference = null!;
    private UniformRnn8.Inference _rnn8Inference = null!;
    private UniformRnn10.Inference _rnn10Inference = null!;
    private UniformRnn13.Inference _rnn13Inference = null!;
    private UniformRnn16.Inference _rnn16Inference = null!;
    private UniformRnn20.Inference _rnn20Inference = null!;
    private UniformRnn37.Inference _rnn37Inference = null!;
    private UniformRnn40.Inference _rnn40Inference = null!;
    private UniformRnn48.Inference _rnn48Inference = null!;
    private UniformRnn50.Inference _rnn50Inference = null!;
    private UniformRnn96.Inference _rnn96Inference = null!;
    private UniformRnn100.Inference _rnn100Inference = null!;
    private UniformRnn192.Inference _rnn192Inference = null!;
    private UniformRnn200.Inference _rnn200Inference = null!;

    /// <summary>Each model's inference copy, made after its weights are set and checked against its Step.</summary>
    [GlobalSetup]
    public void CopyAndCheck()
    {
        _lstm8Inference = Setup.Checked(_lstm8, _lstm8.ToInference());
        _lstm10Inference = Setup.Checked(_lstm10, _lstm10.ToInference());
        _lstm13Inference = Setup.Checked(_lstm13, _lstm13.ToInference());
        _lstm16Inference = Setup.Checked(_lstm16, _lstm16.ToInference());
        _lstm20Inference = Setup.Checked(_lstm20, _lstm20.ToInference());
        _lstm37Inference = Setup.Checked(_lstm37, _lstm37.ToInference());
        _lstm40Inference = Setup.Checked(_lstm40, _lstm40.ToInference());
        _lstm48Inference = Setup.Checked(_lstm48, _lstm48.ToInference());
        _lstm50Inference = Setup.Checked(_lstm50, _lstm50.ToInference());
        _lstm96Inference = Setup.Checked(_lstm96, _lstm96.ToInference());
        _lstm100Inference = Setup.Checked(_lstm100, _lstm100.ToInference());
        _lstm192Inference = Setup.Checked(_lstm192, _lstm192.ToInference());
        _lstm200Inference = Setup.Checked(_lstm200, _lstm200.ToInference());
        _lstmProj8Inference = Setup.Checked(_lstmProj8, _lstmProj8.ToInference());
        _lstmProj10Inference = Setup.Checked(_lstmProj10, _lstmProj10.ToInference());
        _lstmProj13Inference = Setup.Checked(_lstmProj13, _lstmProj13.ToInference());
        _lstmProj16Inference = Setup.Checked(_lstmProj16, _lstmProj16.ToInference());
        _lstmProj20Inference = Setup.Checked(_lstmProj20, _lstmProj20.ToInference());
        _lstmProj37Inference = Setup.Checked(_lstmProj37, _lstmProj37.ToInference());
        _lstmProj40Inference = Setup.Checked(_lstmProj40, _lstmProj40.ToInference());
        _lstmProj48Inference = Setup.Checked(_lstmProj48, _lstmProj48.ToInference());
        _lstmProj50Inference = Setup.Checked(_lstmProj50, _lstmProj50.ToInference());
        _lstmProj96Inference = Setup.Checked(_lstmProj96, _lstmProj96.ToInference());
        _lstmProj100Inference = Setup.Checked(_lstmProj100, _lstmProj100.ToInference());
        _lstmProj192Inference = Setup.Checked(_lstmProj192, _lstmProj192.ToInference());
        _lstmProj200Inference = Setup.Checked(_lstmProj200, _lstmProj200.ToInference());
        _gru8Inference = Setup.Checked(_gru8, _gru8.ToInference());
        _gru10Inference = Setup.Checked(_gru10, _gru10.ToInference());
        _gru13Inference = Setup.Checked(_gru13, _gru13.ToInference());
        _gru16Inference = Setup.Checked(_gru16, _gru16.ToInference());
        _gru20Inference = Setup.Checked(_gru20, _gru20.ToInference());
        _gru37Inference = Setup.Checked(_gru37, _gru37.ToInference());
        _gru40Inference = Setup.Checked(_gru40, _gru40.ToInference());
        _gru48Inference = Setup.Checked(_gru48, _gru48.ToInference());
        _gru50Inference = Setup.Checked(_gru50, _gru50.ToInference());
        _gru96Inference = Setup.Checked(_gru96, _gru96.ToInference());
        _gru100Inference = Setup.Checked(_gru100, _gru100.ToInference());
        _gru192Inference = Setup.Checked(_gru192, _gru192.ToInference());
        _gru200Inference = Setup.Checked(_gru200, _gru200.ToInference());
        _gruResetBefore8Inference = Setup.Checked(_gruResetBefore8, _gruResetBefore8.ToInference());
        _gruResetBefore10Inference = Setup.Checked(_gruResetBefore10, _gruResetBefore10.ToInference());
        _gruResetBefore13Inference = Setup.Checked(_gruResetBefore13, _gruResetBefore13.ToInference());
        _gruResetBefore16Inference = Setup.Checked(_gruResetBefore16, _gruResetBefore16.ToInference());
        _gruResetBefore20Inference = Setup.Checked(_gruResetBefore20, _gruResetBefore20.ToInference());
        _gruResetBefore37Inference = Setup.Checked(_gruResetBefore37, _gruResetBefore37.ToInference());
        _gruResetBefore40Inference = Setup.Checked(_gruResetBefore40, _gruResetBefore40.ToInference());
        _gruResetBefore48Inference = Setup.Checked(_gruResetBefore48, _gruResetBefore48.ToInference());
        _gruResetBefore50Inference = Setup.Checked(_gruResetBefore50, _gruResetBefore50.ToInference());
        _gruResetBefore96Inference = Setup.Checked(_gruResetBefore96, _gruResetBefore96.ToInference());
        _gruResetBefore100Inference = Setup.Checked(_gruResetBefore100, _gruResetBefore100.ToInference());
        _gruResetBefore192Inference = Setup.Checked(_gruResetBefore192, _gruResetBefore192.ToInference());
        _gruResetBefore200Inference = Setup.Checked(_gruResetBefore200, _gruResetBefore200.ToInference());
        _rnn8Inference = Setup.Checked(_rnn8, _rnn8.ToInference());
        _rnn10Inference = Setup.Checked(_rnn10, _rnn10.ToInference());
        _rnn13Inference = Setup.Checked(_rnn13, _rnn13.ToInference());
        _rnn16Inference = Setup.Checked(_rnn16, _rnn16.ToInference());
        _rnn20Inference = Setup.Checked(_rnn20, _rnn20.ToInference());
        _rnn37Inference = Setup.Checked(_rnn37, _rnn37.ToInference());
        _rnn40Inference = Setup.Checked(_rnn40, _rnn40.ToInference());
        _rnn48Inference = Setup.Checked(_rnn48, _rnn48.ToInference());
        _rnn50Inference = Setup.Checked(_rnn50, _rnn50.ToInference());
        _rnn96Inference = Setup.Checked(_rnn96, _rnn96.ToInference());
        _rnn100Inference = Setup.Checked(_rnn100, _rnn100.ToInference());
        _rnn192Inference = Setup.Checked(_rnn192, _rnn192.ToInference());
        _rnn200Inference = Setup.Checked(_rnn200, _rnn200.ToInference());
    }

    [Benchmark] public void Uniform_Lstm_8() => _lstm8.Step(_x, _y);
    [Benchmark] public void Uniform_Lstm_10() => _lstm10.Step(_x, _y);
    [Benchmark] public void Uniform_Lstm_13() => _lstm13.Step(_x, _y);
    [Benchmark] public void Uniform_Lstm_16() => _lstm16.Step(_x, _y);
    [Benchmark] public void Uniform_Lstm_20() => _lstm20.Step(_x, _y);
    [Benchmark] public void Uniform_Lstm_37() => _lstm37.Step(_x, _y);
    [Benchmark] public void Uniform_Lstm_40() => _lstm40.Step(_x, _y);
    [Benchmark] public void Uniform_Lstm_48() => _lstm48.Step(_x, _y);
    [Benchmark] public void Uniform_Lstm_50() => _lstm50.Step(_x, _y);
    [Benchmark] public void Uniform_Lstm_96() => _lstm96.Step(_x, _y);
    [Benchmark] public void Uniform_Lstm_100() => _lstm100.Step(_x, _y);
    [Benchmark] public void Uniform_Lstm_192() => _lstm192.Step(_x, _y);
    [Benchmark] public void Uniform_Lstm_200() => _lstm200.Step(_x, _y);
    [Benchmark] public void Uniform_LstmProj_8() => _lstmProj8.Step(_x, _y);
    [Benchmark] public void Uniform_LstmProj_10() => _lstmProj10.Step(_x, _y);
    [Benchmark] public void Uniform_LstmProj_13() => _lstmProj13.Step(_x, _y);
    [Benchmark] public void Uniform_LstmProj_16() => _lstmProj16.Step(_x, _y);
    [Benchmark] public void Uniform_LstmProj_20() => _lstmProj20.Step(_x, _y);
    [Benchmark] public void Uniform_LstmProj_37() => _lstmProj37.Step(_x, _y);
    [Benchmark] public void Uniform_LstmProj_40() => _lstmProj40.Step(_x, _y);
    [Benchmark] public void Uniform_LstmProj_48() => _lstmProj48.Step(_x, _y);
    [Benchmark] public void Uniform_LstmProj_50() => _lstmProj50.Step(_x, _y);
    [Benchmark] public void Uniform_LstmProj_96() => _lstmProj96.Step(_x, _y);
    [Benchmark] public void Uniform_LstmProj_100() => _lstmProj100.Step(_x, _y);
    [Benchmark] public void Uniform_LstmProj_192() => _lstmProj192.Step(_x, _y);
    [Benchmark] public void Uniform_LstmProj_200() => _lstmProj200.Step(_x, _y);
    [Benchmark] public void Uniform_Gru_8() => _gru8.Step(_x, _y);
    [Benchmark] public void Uniform_Gru_10() => _gru10.Step(_x, _y);
    [Benchmark] public void Uniform_Gru_13() => _gru13.Step(_x, _y);
    [Benchmark] public void Uniform_Gru_16() => _gru16.Step(_x, _y);
    [Benchmark] public void Uniform_Gru_20() => _gru20.Step(_x, _y);
    [Benchmark] public void Uniform_Gru_37() => _gru37.Step(_x, _y);
    [Benchmark] public void Uniform_Gru_40() => _gru40.Step(_x, _y);
    [Benchmark] public void Uniform_Gru_48() => _gru48.Step(_x, _y);
    [Benchmark] public void Uniform_Gru_50() => _gru50.Step(_x, _y);
    [Benchmark] public void Uniform_Gru_96() => _gru96.Step(_x, _y);
    [Benchmark] public void Uniform_Gru_100() => _gru100.Step(_x, _y);
    [Benchmark] public void Uniform_Gru_192() => _gru192.Step(_x, _y);
    [Benchmark] public void Uniform_Gru_200() => _gru200.Step(_x, _y);
    [Benchmark] public void Uniform_GruResetBefore_8() => _gruResetBefore8.Step(_x, _y);
    [Benchmark] public void Uniform_GruResetBefore_10() => _gruResetBefore10.Step(_x, _y);
    [Benchmark] public void Uniform_GruResetBefore_13() => _gruResetBefore13.Step(_x, _y);
    [Benchmark] public void Uniform_GruResetBefore_16() => _gruResetBefore16.Step(_x, _y);
    [Benchmark] public void Uniform_GruResetBefore_20() => _gruResetBefore20.Step(_x, _y);
    [Benchmark] public void Uniform_GruResetBefore_37() => _gruResetBefore37.Step(_x, _y);
    [Benchmark] public void Uniform_GruResetBefore_40() => _gruResetBefore40.Step(_x, _y);
    [Benchmark] public void Uniform_GruResetBefore_48() => _gruResetBefore48.Step(_x, _y);
    [Benchmark] public void Uniform_GruResetBefore_50() => _gruResetBefore50.Step(_x, _y);
    [Benchmark] public void Uniform_GruResetBefore_96() => _gruResetBefore96.Step(_x, _y);
    [Benchmark] public void Uniform_GruResetBefore_100() => _gruResetBefore100.Step(_x, _y);
    [Benchmark] public void Uniform_GruResetBefore_192() => _gruResetBefore192.Step(_x, _y);
    [Benchmark] public void Uniform_GruResetBefore_200() => _gruResetBefore200.Step(_x, _y);
    [Benchmark] public void Uniform_Rnn_8() => _rnn8.Step(_x, _y);
    [Benchmark] public void Uniform_Rnn_10() => _rnn10.Step(_x, _y);
    [Benchmark] public void Uniform_Rnn_13() => _rnn13.Step(_x, _y);
    [Benchmark] public void Uniform_Rnn_16() => _rnn16.Step(_x, _y);
    [Benchmark] public void Uniform_Rnn_20() => _rnn20.Step(_x, _y);
    [Benchmark] public void Uniform_Rnn_37() => _rnn37.Step(_x, _y);
    [Benchmark] public void Uniform_Rnn_40() => _rnn40.Step(_x, _y);
    [Benchmark] public void Uniform_Rnn_48() => _rnn48.Step(_x, _y);
    [Benchmark] public void Uniform_Rnn_50() => _rnn50.Step(_x, _y);
    [Benchmark] public void Uniform_Rnn_96() => _rnn96.Step(_x, _y);
    [Benchmark] public void Uniform_Rnn_100() => _rnn100.Step(_x, _y);
    [Benchmark] public void Uniform_Rnn_192() => _rnn192.Step(_x, _y);
    [Benchmark] public void Uniform_Rnn_200() => _rnn200.Step(_x, _y);

    [Benchmark] public void Inference_Lstm_8() => _lstm8Inference.Step(_x, _y);
    [Benchmark] public void Inference_Lstm_10() => _lstm10Inference.Step(_x, _y);
    [Benchmark] public void Inference_Lstm_13() => _lstm13Inference.Step(_x, _y);
    [Benchmark] public void Inference_Lstm_16() => _lstm16Inference.Step(_x, _y);
    [Benchmark] public void Inference_Lstm_20() => _lstm20Inference.Step(_x, _y);
    [Benchmark] public void Inference_Lstm_37() => _lstm37Inference.Step(_x, _y);
    [Benchmark] public void Inference_Lstm_40() => _lstm40Inference.Step(_x, _y);
    [Benchmark] public void Inference_Lstm_48() => _lstm48Inference.Step(_x, _y);
    [Benchmark] public void Inference_Lstm_50() => _lstm50Inference.Step(_x, _y);
    [Benchmark] public void Inference_Lstm_96() => _lstm96Inference.Step(_x, _y);
    [Benchmark] public void Inference_Lstm_100() => _lstm100Inference.Step(_x, _y);
    [Benchmark] public void Inference_Lstm_192() => _lstm192Inference.Step(_x, _y);
    [Benchmark] public void Inference_Lstm_200() => _lstm200Inference.Step(_x, _y);
    [Benchmark] public void Inference_LstmProj_8() => _lstmProj8Inference.Step(_x, _y);
    [Benchmark] public void Inference_LstmProj_10() => _lstmProj10Inference.Step(_x, _y);
    [Benchmark] public void Inference_LstmProj_13() => _lstmProj13Inference.Step(_x, _y);
    [Benchmark] public void Inference_LstmProj_16() => _lstmProj16Inference.Step(_x, _y);
    [Benchmark] public void Inference_LstmProj_20() => _lstmProj20Inference.Step(_x, _y);
    [Benchmark] public void Inference_LstmProj_37() => _lstmProj37Inference.Step(_x, _y);
    [Benchmark] public void Inference_LstmProj_40() => _lstmProj40Inference.Step(_x, _y);
    [Benchmark] public void Inference_LstmProj_48() => _lstmProj48Inference.Step(_x, _y);
    [Benchmark] public void Inference_LstmProj_50() => _lstmProj50Inference.Step(_x, _y);
    [Benchmark] public void Inference_LstmProj_96() => _lstmProj96Inference.Step(_x, _y);
    [Benchmark] public void Inference_LstmProj_100() => _lstmProj100Inference.Step(_x, _y);
    [Benchmark] public void Inference_LstmProj_192() => _lstmProj192Inference.Step(_x, _y);
    [Benchmark] public void Inference_LstmProj_200() => _lstmProj200Inference.Step(_x, _y);
    [Benchmark] public void Inference_Gru_8() => _gru8Inference.Step(_x, _y);
    [Benchmark] public void Inference_Gru_10() => _gru10Inference.Step(_x, _y);
    [Benchmark] public void Inference_Gru_13() => _gru13Inference.Step(_x, _y);
    [Benchmark] public void Inference_Gru_16() => _gru16Inference.Step(_x, _y);
    [Benchmark] public void Inference_Gru_20() => _gru20Inference.Step(_x, _y);
    [Benchmark] public void Inference_Gru_37() => _gru37Inference.Step(_x, _y);
    [Benchmark] public void Inference_Gru_40() => _gru40Inference.Step(_x, _y);
    [Benchmark] public void Inference_Gru_48() => _gru48Inference.Step(_x, _y);
    [Benchmark] public void Inference_Gru_50() => _gru50Inference.Step(_x, _y);
    [Benchmark] public void Inference_Gru_96() => _gru96Inference.Step(_x, _y);
    [Benchmark] public void Inference_Gru_100() => _gru100Inference.Step(_x, _y);
    [Benchmark] public void Inference_Gru_192() => _gru192Inference.Step(_x, _y);
    [Benchmark] public void Inference_Gru_200() => _gru200Inference.Step(_x, _y);
    [Benchmark] public void Inference_GruResetBefore_8() => _gruResetBefore8Inference.Step(_x, _y);
    [Benchmark] public void Inference_GruResetBefore_10() => _gruResetBefore10Inference.Step(_x, _y);
    [Benchmark] public void Inference_GruResetBefore_13() => _gruResetBefore13Inference.Step(_x, _y);
    [Benchmark] public void Inference_GruResetBefore_16() => _gruResetBefore16Inference.Step(_x, _y);
    [Benchmark] public void Inference_GruResetBefore_20() => _gruResetBefore20Inference.Step(_x, _y);
    [Benchmark] public void Inference_GruResetBefore_37() => _gruResetBefore37Inference.Step(_x, _y);
    [Benchmark] public void Inference_GruResetBefore_40() => _gruResetBefore40Inference.Step(_x, _y);
    [Benchmark] public void Inference_GruResetBefore_48() => _gruResetBefore48Inference.Step(_x, _y);
    [Benchmark] public void Inference_GruResetBefore_50() => _gruResetBefore50Inference.Step(_x, _y);
    [Benchmark] public void Inference_GruResetBefore_96() => _gruResetBefore96Inference.Step(_x, _y);
    [Benchmark] public void Inference_GruResetBefore_100() => _gruResetBefore100Inference.Step(_x, _y);
    [Benchmark] public void Inference_GruResetBefore_192() => _gruResetBefore192Inference.Step(_x, _y);
    [Benchmark] public void Inference_GruResetBefore_200() => _gruResetBefore200Inference.Step(_x, _y);
    [Benchmark] public void Inference_Rnn_8() => _rnn8Inference.Step(_x, _y);
    [Benchmark] public void Inference_Rnn_10() => _rnn10Inference.Step(_x, _y);
    [Benchmark] public void Inference_Rnn_13() => _rnn13Inference.Step(_x, _y);
    [Benchmark] public void Inference_Rnn_16() => _rnn16Inference.Step(_x, _y);
    [Benchmark] public void Inference_Rnn_20() => _rnn20Inference.Step(_x, _y);
    [Benchmark] public void Inference_Rnn_37() => _rnn37Inference.Step(_x, _y);
    [Benchmark] public void Inference_Rnn_40() => _rnn40Inference.Step(_x, _y);
    [Benchmark] public void Inference_Rnn_48() => _rnn48Inference.Step(_x, _y);
    [Benchmark] public void Inference_Rnn_50() => _rnn50Inference.Step(_x, _y);
    [Benchmark] public void Inference_Rnn_96() => _rnn96Inference.Step(_x, _y);
    [Benchmark] public void Inference_Rnn_100() => _rnn100Inference.Step(_x, _y);
    [Benchmark] public void Inference_Rnn_192() => _rnn192Inference.Step(_x, _y);
    [Benchmark] public void Inference_Rnn_200() => _rnn200Inference.Step(_x, _y);
}
