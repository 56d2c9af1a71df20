using System.CommandLine;
using IoMT.Core.Validation;

namespace IoMT.Cli;

/// <summary>Options that take an instant: RFC 3339 with an explicit offset, as everywhere in the product.</summary>
internal static class InstantOption
{
    public static Option<DateTimeOffset?> Create(string name, string description) => new(name)
    {
        Description = description + " RFC 3339 with an offset, e.g. 2026-11-21T08:30:00Z.",
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (Rfc3339.TryParse(text, out var value))
            {
                return value;
            }

            result.AddError($"{name} must be a date-time with an offset, e.g. 2026-11-21T08:30:00Z or 2026-11-21T09:30:00+01:00; got '{text}'.");
            return null;
        },
    };
}
