using System.Globalization;

namespace IoMT.Load;

/// <summary><c>--name value</c> pairs, each read once with a default.</summary>
public sealed class Arguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public Arguments(IEnumerable<string> args)
    {
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var name = e.Current;
            if (!name.StartsWith("--", StringComparison.Ordinal) || !e.MoveNext())
            {
                throw new ArgumentException($"Expected '--name value', got '{name}'.");
            }

            _values[name[2..]] = e.Current;
        }
    }

    public string? Text(string name) => _values.GetValueOrDefault(name);

    public double Number(string name, double fallback) =>
        _values.TryGetValue(name, out var text) ? double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture) : fallback;

    public int Whole(string name, int fallback) => (int)Number(name, fallback);

    /// <summary><c>90s</c>, <c>10m</c> or a number of seconds.</summary>
    public TimeSpan Duration(string name, TimeSpan fallback) => _values.TryGetValue(name, out var text)
        ? text.EndsWith('m') ? TimeSpan.FromMinutes(double.Parse(text[..^1], CultureInfo.InvariantCulture))
        : TimeSpan.FromSeconds(double.Parse(text.TrimEnd('s'), CultureInfo.InvariantCulture))
        : fallback;
}
