using System.Runtime.InteropServices;

namespace IoMT.Local;

/// <summary>
/// Files in the data folder that hold secrets (API tokens, keys): readable by the current user only, written beside their
/// target as <c>{name}.partial</c> (a leftover from a crash is replaced), flushed to disk, moved into place whole, and
/// the folder synced so the move itself survives a power loss: after one, the file is the old one or the new one, never empty.
/// </summary>
internal static class OwnerOnlyFiles
{
    /// <summary>Writes the file with <paramref name="write"/>, which must leave the stream open.</summary>
    public static async Task WriteAsync(string path, Func<Stream, Task> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        await using (var file = CreatePartial(path, ownerOnly: true))
        {
            await write(file).ConfigureAwait(false);
            await file.FlushAsync().ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }

        MoveIntoPlace(path);
    }

    /// <summary>Writes <paramref name="contents"/> the same way; <paramref name="ownerOnly"/> false for what others may read (a certificate).</summary>
    public static void Write(string path, ReadOnlySpan<byte> contents, bool ownerOnly)
    {
        using (var file = CreatePartial(path, ownerOnly))
        {
            file.Write(contents);
            file.Flush(flushToDisk: true);
        }

        MoveIntoPlace(path);
    }

    private static FileStream CreatePartial(string path, bool ownerOnly)
    {
        var partial = path + ".partial";
        File.Delete(partial);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (ownerOnly && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(partial, options);
    }

    private static void MoveIntoPlace(string path)
    {
        File.Move(path + ".partial", path, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>
    /// A rename is durable only once its folder is (POSIX): fsync the folder. Windows (NTFS journals renames) and a folder
    /// that cannot be opened for reading are left as they are.
    /// </summary>
    private static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var descriptor = Open(System.Text.Encoding.UTF8.GetBytes(directory + "\0"), 0 /* O_RDONLY */);
        if (descriptor < 0)
        {
            return;
        }

        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw new IOException($"Could not sync the folder {directory} to disk (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Open(byte[] nulTerminatedPath, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Fsync(int descriptor);

    [DllImport("libc", EntryPoint = "close")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Close(int descriptor);
}
