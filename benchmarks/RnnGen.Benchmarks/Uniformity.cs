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
/// (<see cref="Pairs"/>). Method names are <c>Uniform_{Kind}_{H}</c>; every call is direct.
/// </summary>
[MemoryDiagnoser]
public class Uniformity
{
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
}
