using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace RnnGen.Weights;

/// <summary>
/// Opens a weights file for reading only when it is a regular file. A directory or a FIFO, socket or terminal is an
/// <see cref="IOException"/> that says so, and the check never blocks: on Unix, opening a FIFO that has no writer waits
/// for one, so the file is opened with O_NONBLOCK (which changes nothing for the reads of a regular file) and refused
/// when it cannot seek.
/// </summary>
internal static partial class RegularFile
{
    private const int LinuxNonBlockCloseOnExec = 0x800 | 0x80000;   // O_NONBLOCK | O_CLOEXEC
    private const int AppleNonBlockCloseOnExec = 0x4 | 0x1000000;   // O_NONBLOCK | O_CLOEXEC

    public static FileStream OpenRead(string path)
    {
        if (Directory.Exists(path))
            throw new IOException($"{path}: is a directory, not a file.");
        FileStream stream = OpenWithoutWaiting(path)
            ?? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        if (!stream.CanSeek)
        {
            stream.Dispose();
            throw new IOException($"{path}: is not a regular file (a FIFO, socket or terminal); weights are read from regular files only.");
        }
        return stream;
    }

    /// <summary>The file opened with O_NONBLOCK on Linux and Apple systems; null elsewhere, or when open(2) fails (then FileStream reports why, as .NET does).</summary>
    private static FileStream? OpenWithoutWaiting(string path)
    {
        int flags;
        if (OperatingSystem.IsLinux())
            flags = LinuxNonBlockCloseOnExec;
        else if (OperatingSystem.IsMacOS() || OperatingSystem.IsMacCatalyst() || OperatingSystem.IsIOS() || OperatingSystem.IsTvOS())
            flags = AppleNonBlockCloseOnExec;
        else
            return null;

        int descriptor = Open(path, flags);
        if (descriptor < 0)
            return null;
        var handle = new SafeFileHandle(descriptor, ownsHandle: true);
        try
        {
            return new FileStream(handle, FileAccess.Read, bufferSize: 1);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);
}
