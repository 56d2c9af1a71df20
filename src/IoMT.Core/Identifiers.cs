namespace IoMT.Core;

/// <summary>
/// Ids the product creates or accepts for its own entities (patients, rules, care teams): 1–64 ASCII letters, digits,
/// '-', '_' or '.', so they are safe inside Cosmos DB ids, Durable Functions instance ids and URLs.
/// </summary>
public static class Identifiers
{
    public const int MaxLength = 64;

    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
