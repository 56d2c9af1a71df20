using System.Runtime.InteropServices;

namespace IoMT.Load;

/// <summary>The machine a run was measured on, for the results file.</summary>
public sealed record Machine(string Cpu, int Cores, string Memory, string OperatingSystem, string Runtime)
{
    public static Machine Current() => new(
        Proc("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        Environment.ProcessorCount,
        Proc("/proc/meminfo", "MemTotal") ?? "unknown",
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription);

    private static string? Proc(string file, string key) =>
        File.Exists(file) ? File.ReadLines(file).Where(l => l.StartsWith(key, StringComparison.Ordinal)).Select(l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()).FirstOrDefault() : null;
}
