using System.CommandLine;

namespace IoMT.Cli;

/// <summary>The FILE|- argument: a file path, or "-" for standard input.</summary>
internal static class InputFiles
{
    public static Argument<string> Argument(string description) => new("FILE") { Description = description + " Use - for standard input." };

    /// <summary>Opens the input, or writes why not and returns null (a usage error).</summary>
    public static TextReader? Open(string path, CliEnvironment environment)
    {
        if (path == "-")
        {
            return environment.Input;
        }

        try
        {
            return new StreamReader(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            environment.Error.WriteLine($"Cannot read '{path}': {e.Message}");
            return null;
        }
    }
}
