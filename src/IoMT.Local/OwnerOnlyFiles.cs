namespace IoMT.Local;

/// <summary>
/// Files in the data folder that hold secrets (API tokens): readable by the current user only, written beside their
/// target as <c>{name}.partial</c> (a leftover from a crash is replaced) and moved into place whole.
/// </summary>
internal static class OwnerOnlyFiles
{
    public static async Task WriteAsync(string path, Func<Stream, Task> write)
    {
        var partial = path + ".partial";
        File.Delete(partial);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var file = new FileStream(partial, options))
        {
            await write(file).ConfigureAwait(false);
        }

        File.Move(partial, path, overwrite: true);
    }
}
