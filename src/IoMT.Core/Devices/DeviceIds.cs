namespace IoMT.Core.Devices;

/// <summary>Device ids as Azure IoT Hub accepts them, so every device registered here can also live in IoT Hub.</summary>
public static class DeviceIds
{
    public const int MaxLength = 128;

    private static readonly System.Buffers.SearchValues<char> Allowed =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.%_*?!(),:=@$'");

    /// <summary>1–128 ASCII letters, digits and <c>- . % _ * ? ! ( ) , : = @ $ '</c>.</summary>
    public static bool IsValid(string? id) => !string.IsNullOrEmpty(id) && id.Length <= MaxLength && !id.AsSpan().ContainsAnyExcept(Allowed);

    public const string Rule = "1–128 ASCII letters, digits and - . % _ * ? ! ( ) , : = @ $ '";
}
