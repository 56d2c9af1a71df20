using System.Security.Cryptography;
using IoMT.Core.Timeline;

namespace IoMT.Core.Tests.Timeline;

/// <summary>The SHA-256 behind stored ids must be .NET's SHA-256, whichever implementation computes it.</summary>
public class Sha256Tests
{
    [Fact]
    public void Hash_OfInputsUpToThreeBlocks_IsDotNetsSha256()
    {
        var random = new Random(28);
        Span<byte> expected = stackalloc byte[Sha256.HashBytes];
        Span<byte> actual = stackalloc byte[Sha256.HashBytes];
        for (var i = 0; i < 20_000; i++)
        {
            var data = new byte[random.Next(0, 200)];
            random.NextBytes(data);

            SHA256.HashData(data, expected);
            Sha256.Hash(data, actual);

            Assert.True(expected.SequenceEqual(actual), $"input of {data.Length} bytes");
        }
    }

    [Fact]
    public void UsesOpenSsl_OnLinux_IsTrue() =>
        Assert.Equal(OperatingSystem.IsLinux(), Sha256.UsesOpenSsl);
}
