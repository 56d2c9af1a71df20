using System.Reflection;
using IoMT.Core.Validation;

namespace IoMT.Testing;

/// <summary>Every rejection code <see cref="ErrorCodes"/> declares, to check that what the pipeline says is one of them.</summary>
public static class KnownErrorCodes
{
    public static IReadOnlySet<string> All { get; } =
        typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(field => (string)field.GetValue(null)!).ToHashSet(StringComparer.Ordinal);
}
