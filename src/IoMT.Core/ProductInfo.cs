using System.Reflection;

namespace IoMT.Core;

/// <summary>The product name and the build's version, as stamped by the build (version + source revision).</summary>
public static class ProductInfo
{
    public const string Name = "IoMT.Cloud";

    /// <summary>Informational version, e.g. <c>0.1.0+3f2a9c1…</c>; every assembly of one build carries the same one.</summary>
    public static string Version { get; } =
        typeof(ProductInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ProductInfo).Assembly.GetName().Version?.ToString()
        ?? "unknown";
}
