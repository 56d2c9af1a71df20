using Microsoft.Extensions.Options;

namespace IoMT.Testing;

/// <summary>Options that never change, for services that read <see cref="IOptionsMonitor{TOptions}"/>.</summary>
public sealed class FixedOptions<TOptions>(TOptions value) : IOptionsMonitor<TOptions>
{
    public TOptions CurrentValue => value;

    public TOptions Get(string? name) => value;

    public IDisposable? OnChange(Action<TOptions, string?> listener) => null;
}
