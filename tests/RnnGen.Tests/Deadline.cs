using System.Runtime.ExceptionServices;

namespace RnnGen.Tests;

/// <summary>
/// Runs code that must not hang on a thread of its own and fails the test when it overruns a generous deadline, so a
/// regression shows up as a failure instead of a suite that never ends. The deadline is a hang guard, not a timing:
/// the code under test is expected to finish orders of magnitude sooner.
/// </summary>
internal static class Deadline
{
    public static T Run<T>(TimeSpan limit, Func<T> body)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = body();
            }
            catch (Exception ex)
            {
                failure = ExceptionDispatchInfo.Capture(ex);
            }
        })
        { IsBackground = true, Name = "deadline" };
        thread.Start();
        if (!thread.Join(limit))
            Assert.Fail($"Did not finish within {limit.TotalSeconds:0.#} s: a hang (the thread is left running in the background).");
        failure?.Throw();
        return result;
    }

    public static void Run(TimeSpan limit, Action body) => Run(limit, () =>
    {
        body();
        return 0;
    });
}
