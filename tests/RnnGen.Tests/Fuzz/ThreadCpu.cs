using System.Diagnostics;
using System.Runtime.InteropServices;

namespace RnnGen.Tests.Fuzz;

/// <summary>
/// CPU time consumed by the calling thread, for hang guards that must not fire because the machine is busy: on a
/// loaded shared machine wall-clock time includes every moment the thread waited for a core. Linux reads
/// CLOCK_THREAD_CPUTIME_ID; elsewhere it falls back to wall-clock time.
/// </summary>
internal static partial class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>A reading in milliseconds; subtract two readings on the same thread.</summary>
    public static double NowMs()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(ClockThreadCpuTimeId, out TimeSpec t) == 0)
            return t.Seconds * 1e3 + t.Nanoseconds * 1e-6;
        return Stopwatch.GetTimestamp() * 1000.0 / Stopwatch.Frequency;
    }
}
