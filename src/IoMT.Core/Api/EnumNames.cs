namespace IoMT.Core.Api;

/// <summary>Enum values as the API names them.</summary>
public static class EnumNames
{
    /// <summary>Exactly one of the enum's names, in any case: not a number, not a comma-separated list (as <see cref="Enum.TryParse{TEnum}(string, out TEnum)"/> allows).</summary>
    public static bool TryParse<TEnum>(string text, out TEnum value)
        where TEnum : struct, Enum
    {
        var names = Enum.GetNames<TEnum>();
        var index = Array.FindIndex(names, name => string.Equals(name, text, StringComparison.OrdinalIgnoreCase));
        value = index < 0 ? default : Enum.GetValues<TEnum>()[index];
        return index >= 0;
    }
}
