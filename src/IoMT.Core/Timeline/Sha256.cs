using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace IoMT.Core.Timeline;

/// <summary>
/// SHA-256 of short inputs, as <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/> computes it, at a quarter of
/// its cost where OpenSSL 3 is the platform's cryptography (Linux): .NET's hash objects go through OpenSSL's provider
/// layer (fetching, error queue, a context per call), which costs four times the hash of an id's 70 bytes; OpenSSL's own
/// SHA-256 functions on a context on the stack do not. Elsewhere, or should those functions be missing or answer
/// otherwise than .NET on a known input, one <see cref="IncrementalHash"/> per thread.
/// </summary>
internal static class Sha256
{
    public const int HashBytes = 32;

    // SHA256_CTX is 112 bytes in every OpenSSL release; room to spare.
    private const int ContextBytes = 256;
    private const string OpenSsl = "libcrypto.so.3";

    [ThreadStatic]
    private static IncrementalHash? _managed;

    /// <summary>Whether OpenSSL's functions are used (false on platforms without them).</summary>
    public static bool UsesOpenSsl { get; } = ProbeOpenSsl();

    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (UsesOpenSsl)
        {
            HashWithOpenSsl(data, destination);
            return;
        }

        var sha256 = _managed ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha256.AppendData(data);
        sha256.GetHashAndReset(destination);
    }

    private static void HashWithOpenSsl(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        Span<byte> context = stackalloc byte[ContextBytes];
        ref var ctx = ref MemoryMarshal.GetReference(context);
        if (SHA256_Init(ref ctx) != 1
            || SHA256_Update(ref ctx, ref MemoryMarshal.GetReference(data), (nuint)data.Length) != 1
            || SHA256_Final(ref MemoryMarshal.GetReference(destination[..HashBytes]), ref ctx) != 1)
        {
            throw new CryptographicException("OpenSSL's SHA-256 failed.");
        }
    }

    private static bool ProbeOpenSsl()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            var probe = "iomt.sha256.probe"u8;
            Span<byte> expected = stackalloc byte[HashBytes];
            Span<byte> actual = stackalloc byte[HashBytes];
            SHA256.HashData(probe, expected);
            HashWithOpenSsl(probe, actual);
            return actual.SequenceEqual(expected);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or CryptographicException)
        {
            return false;
        }
    }

    [DllImport(OpenSsl)]
    private static extern int SHA256_Init(ref byte context);

    [DllImport(OpenSsl)]
    private static extern int SHA256_Update(ref byte context, ref byte data, nuint length);

    [DllImport(OpenSsl)]
    private static extern int SHA256_Final(ref byte hash, ref byte context);
}
