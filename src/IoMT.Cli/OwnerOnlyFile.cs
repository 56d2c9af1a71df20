namespace IoMT.Cli;

/// <summary>
/// Files that hold health data or secrets: written beside their target, readable by the current user only, and renamed
/// into place only when the whole content was written (an interruption leaves no partial file behind).
/// </summary>
internal static class OwnerOnlyFile
{
    public static async Task<T> WriteAsync<T>(FileInfo target, Func<FileStream, Task<T>> write)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(write);
        var partial = Path.Combine(target.DirectoryName ?? ".", $".{target.Name}.{Guid.NewGuid():N}.partial");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            T result;
            await using (var stream = new FileStream(partial, options))
            {
                result = await write(stream).ConfigureAwait(false);
            }

            File.Move(partial, target.FullName, overwrite: true);
            return result;
        }
        finally
        {
            File.Delete(partial);
        }
    }
}
