namespace RnnGen.Training;

/// <summary>What a parameter tensor is, read from its PyTorch <c>state_dict</c> name.</summary>
internal enum ParameterKind
{
    InputWeight,
    RecurrentWeight,
    InputBias,
    RecurrentBias,
    ProjectionWeight,
    LinearWeight,
    LinearBias,
    Embedding,
}
