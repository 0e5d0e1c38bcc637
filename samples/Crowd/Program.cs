using CrowdSample;

// A headless game loop: a few hundred agents steer to their goals around obstacles with one LSTM policy, trained on the
// device by imitating a scripted expert, all agents decided by one batched Step per frame. Exit code 1 if the policy's
// quality check fails, 2 for bad arguments.
CrowdOptions options;
try
{
    options = CrowdOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
if (options.Help)
{
    Console.WriteLine(CrowdOptions.Usage);
    return 0;
}
CrowdReport report = CrowdDemo.Run(options, Console.Out);
return report.Passed ? 0 : 1;
