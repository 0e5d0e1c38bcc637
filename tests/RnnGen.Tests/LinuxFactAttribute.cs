namespace RnnGen.Tests;

/// <summary>A fact that needs Linux (e.g. mkfifo); elsewhere it reports Skipped rather than Passed.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
            Skip = "Needs Linux.";
    }
}
