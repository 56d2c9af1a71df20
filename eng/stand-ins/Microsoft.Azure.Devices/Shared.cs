// Mirrors Microsoft.Azure.Devices.Shared 1.30.4, which comes with Microsoft.Azure.Devices: see README.md.
#nullable disable

namespace Microsoft.Azure.Devices
{
    public enum DeviceStatus
    {
        Enabled = 0,
        Disabled,
    }

    public enum AuthenticationType
    {
        Sas = 0,
        SelfSigned = 1,
        CertificateAuthority = 2,
        None = 3,
    }

    public sealed class X509Thumbprint
    {
        public string PrimaryThumbprint { get; set; }

        public string SecondaryThumbprint { get; set; }
    }
}

namespace Microsoft.Azure.Devices.Shared
{
    public interface IETagHolder
    {
        string ETag { get; set; }
    }
}
