using IoMT.Core.Devices;

namespace IoMT.Core.Tests.Devices;

public class SasTokenTests
{
    // Vectors computed independently (Python hmac/hashlib/base64/urllib), not with the code under test.
    private const string Key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private const string Resource = "myhub.azure-devices.net/devices/oximeter-0042";
    private const string Vector = "SharedAccessSignature sr=myhub.azure-devices.net%2Fdevices%2Foximeter-0042&sig=mk0AWoweCxv8ugMEH99OoRORI8fe0oKzUJkqto8TLyQ%3D&se=1795000000";
    private const string GroupKey = "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBw==";
    private const string DerivedKey = "LSQxjnHsgGcGlM2cx6ZKT4p0fRET4BDUZp5ytSNcnNU=";
    private const string DpsVector = "SharedAccessSignature sr=0ne00ABCDEF%2Fregistrations%2Fbp-cuff-000001&sig=jLJlTFzO0XvRB5BEgN06otUc9lafcut1eh1kLojeeCo%3D&se=1795000000&skn=registration";
    private static readonly DateTimeOffset Expiry = DateTimeOffset.FromUnixTimeSeconds(1_795_000_000);
    private static readonly DateTimeOffset Now = Expiry.AddHours(-1);

    [Fact]
    public void Create_DeviceToken_MatchesTheKnownVector()
    {
        Assert.Equal(Vector, SasToken.Create(Resource, Key, Expiry));
    }

    [Fact]
    public void Create_DpsRegistrationToken_MatchesTheKnownVector()
    {
        Assert.Equal(DpsVector, SasToken.Create("0ne00ABCDEF/registrations/bp-cuff-000001", DerivedKey, Expiry, "registration"));
    }

    [Fact]
    public void DeriveDeviceKey_GroupKeyAndRegistrationId_MatchesTheKnownVector()
    {
        Assert.Equal(DerivedKey, DpsKeys.DeriveDeviceKey(GroupKey, "bp-cuff-000001"));
    }

    [Fact]
    public void Validate_KnownVector_Accepted()
    {
        var token = SasToken.Parse(Vector)!;

        Assert.Equal((Resource, 1_795_000_000L, null), (token.Resource, token.ExpiresAt, token.KeyName));
        Assert.Equal(SasTokenError.None, token.Validate(Resource, [Key], Now));
        Assert.Equal("registration", SasToken.Parse(DpsVector)!.KeyName);
    }

    [Fact]
    public void Validate_SignedWithTheSecondaryKey_Accepted()
    {
        var secondary = DpsKeys.NewKey();
        var token = SasToken.Parse(SasToken.Create(Resource, secondary, Expiry))!;

        Assert.Equal(SasTokenError.None, token.Validate(Resource, [Key, secondary], Now));
    }

    [Fact]
    public void Validate_AnotherDevicesToken_WrongResource()
    {
        var token = SasToken.Parse(Vector)!;

        Assert.Equal(SasTokenError.WrongResource, token.Validate("myhub.azure-devices.net/devices/oximeter-0043", [Key], Now));
    }

    [Fact]
    public void Validate_HostNameInOtherCase_Accepted()
    {
        Assert.Equal(SasTokenError.None, SasToken.Parse(Vector)!.Validate("MyHub.azure-devices.net/devices/oximeter-0042", [Key], Now));
    }

    [Fact]
    public void Validate_ResourceEncodedWithLowercaseHex_AcceptedBecauseTheSentEncodingIsSigned()
    {
        var lower = "myhub.azure-devices.net%2fdevices%2foximeter-0042";
        var signature = Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(
            Convert.FromBase64String(Key), System.Text.Encoding.UTF8.GetBytes(lower + "\n1795000000")));
        var token = SasToken.Parse($"SharedAccessSignature sr={lower}&sig={Uri.EscapeDataString(signature)}&se=1795000000")!;

        Assert.Equal(SasTokenError.None, token.Validate(Resource, [Key], Now));
    }

    [Theory]
    [InlineData(6, SasTokenError.Expired)]
    [InlineData(4, SasTokenError.None)]
    public void Validate_AfterExpiry_AcceptedOnlyWithinTheClockSkew(int minutesAfterExpiry, SasTokenError expected)
    {
        var token = SasToken.Parse(Vector)!;

        Assert.Equal(expected, token.Validate(Resource, [Key], Expiry.AddMinutes(minutesAfterExpiry)));
    }

    [Theory]
    [InlineData(253_402_300_500)]
    [InlineData(253_402_300_799)]
    [InlineData(long.MaxValue)]
    public void Validate_ExpiryPastTheLastRepresentableTime_AnsweredNotThrown(long expiry)
    {
        var forged = SasToken.Parse(Vector.Replace("se=1795000000", $"se={expiry}", StringComparison.Ordinal))!;

        Assert.Equal(SasTokenError.BadSignature, forged.Validate(Resource, [Key], Now));
        Assert.Equal(DateTimeOffset.MaxValue, forged.AcceptedUntil);
    }

    [Fact]
    public void Validate_SignedForTheLastRepresentableSecond_Accepted()
    {
        var token = SasToken.Parse(SasToken.Create(Resource, Key, DateTimeOffset.MaxValue))!;

        Assert.Equal(SasTokenError.None, token.Validate(Resource, [Key], Now));
    }

    [Fact]
    public void Validate_OtherKeyOrTamperedExpiry_BadSignature()
    {
        var tampered = SasToken.Parse(Vector.Replace("se=1795000000", "se=1895000000", StringComparison.Ordinal))!;

        Assert.Equal(SasTokenError.BadSignature, SasToken.Parse(Vector)!.Validate(Resource, [DpsKeys.NewKey()], Now));
        Assert.Equal(SasTokenError.BadSignature, tampered.Validate(Resource, [Key], Now));
        Assert.Equal(SasTokenError.BadSignature, SasToken.Parse(Vector)!.Validate(Resource, [null, "", "not base64!"], Now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer abc")]
    [InlineData("SharedAccessSignature")]
    [InlineData("SharedAccessSignature sr=a&sig=b")]
    [InlineData("SharedAccessSignature sr=a&sig=mk0AWoweCxv8ugMEH99OoRORI8fe0oKzUJkqto8TLyQ%3D&se=-5")]
    [InlineData("SharedAccessSignature sr=a&sig=mk0AWoweCxv8ugMEH99OoRORI8fe0oKzUJkqto8TLyQ%3D&se=1&se=2")]
    [InlineData("SharedAccessSignature sr=a&sig=AAAA&se=1")]
    [InlineData("SharedAccessSignature sr=a&sig=mk0AWoweCxv8ugMEH99OoRORI8fe0oKzUJkqto8TLyQ%3D&se=1&x=y")]
    [InlineData("SharedAccessSignature sr=a&sig=mk0AWoweCxv8ugMEH99OoRORI8fe0oKzUJkqto8TLyQ%3D&se=99999999999999999999")]
    [InlineData("SharedAccessSignature sr=a&sig=mk0AWoweCxv8ugMEH99OoRORI8fe0oKzUJkqto8TLyQ%3D&se=1e9")]
    [InlineData("SharedAccessSignature sr=a&sig=mk0AWoweCxv8ugMEH99OoRORI8fe0oKzUJkqto8TLyQ%3D&se=")]
    [InlineData("sharedaccesssignature sr=a&sig=mk0AWoweCxv8ugMEH99OoRORI8fe0oKzUJkqto8TLyQ%3D&se=1")]
    public void Parse_Malformed_Null(string? header)
    {
        Assert.Null(SasToken.Parse(header));
    }
}
