// Mirrors Microsoft.Azure.Devices 1.41.1 (IoT Hub service SDK v1): see README.md for the source of each member.
#nullable disable
using Azure.Core;

namespace Microsoft.Azure.Devices
{
    public class RegistryManager : IDisposable
    {
        public RegistryManager()
        {
        }

        public static RegistryManager Create(string hostName, TokenCredential credential, HttpTransportSettings transportSettings = default) => throw StandIn.NotSupported();

        public virtual Task<Device> AddDeviceAsync(Device device, CancellationToken cancellationToken) => throw StandIn.NotSupported();

        public virtual Task<BulkRegistryOperationResult> AddDevices2Async(IEnumerable<Device> devices, CancellationToken cancellationToken) => throw StandIn.NotSupported();

        public virtual Task<Device> UpdateDeviceAsync(Device device, bool forceUpdate, CancellationToken cancellationToken) => throw StandIn.NotSupported();

        public virtual Task<BulkRegistryOperationResult> UpdateDevices2Async(IEnumerable<Device> devices, bool forceUpdate, CancellationToken cancellationToken) =>
            throw StandIn.NotSupported();

        public virtual Task RemoveDeviceAsync(string deviceId, CancellationToken cancellationToken) => throw StandIn.NotSupported();

        public virtual Task<Shared.Twin> GetTwinAsync(string deviceId, CancellationToken cancellationToken) => throw StandIn.NotSupported();

        public virtual Task<Shared.Twin> UpdateTwinAsync(string deviceId, Shared.Twin twinPatch, string etag, CancellationToken cancellationToken) =>
            throw StandIn.NotSupported();

        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        protected virtual void Dispose(bool disposing)
        {
        }
    }

    public sealed class HttpTransportSettings
    {
    }

    public class Device : Shared.IETagHolder
    {
        public Device()
        {
        }

        public Device(string id)
        {
            Id = id;
        }

        public string Id { get; internal set; }

        public string ETag { get; set; }

        public DeviceStatus Status { get; set; }

        public string StatusReason { get; set; }

        public AuthenticationMechanism Authentication { get; set; }
    }

    public sealed class AuthenticationMechanism
    {
        private SymmetricKey _symmetricKey = new();
        private X509Thumbprint _x509Thumbprint = new();

        public SymmetricKey SymmetricKey
        {
            get => _symmetricKey;
            set
            {
                _symmetricKey = value;
                if (value is not null)
                {
                    Type = AuthenticationType.Sas;
                }
            }
        }

        public X509Thumbprint X509Thumbprint
        {
            get => _x509Thumbprint;
            set
            {
                _x509Thumbprint = value;
                if (value is not null)
                {
                    Type = AuthenticationType.SelfSigned;
                }
            }
        }

        public AuthenticationType Type { get; set; } = AuthenticationType.Sas;
    }

    public sealed class SymmetricKey
    {
        public string PrimaryKey { get; set; }

        public string SecondaryKey { get; set; }
    }

    public sealed class BulkRegistryOperationResult
    {
        public bool IsSuccessful { get; set; }

        public DeviceRegistryOperationError[] Errors { get; set; }
    }

    public sealed class DeviceRegistryOperationError
    {
        public string DeviceId { get; set; }

        public string ModuleId { get; set; }

        public Common.Exceptions.ErrorCode ErrorCode { get; set; }

        public string ErrorStatus { get; set; }
    }
}

namespace Microsoft.Azure.Devices.Common.Exceptions
{
    public enum ErrorCode
    {
        InvalidErrorCode = 0,
        DeviceNotFound = 404001,
        DeviceAlreadyExists = 409001,
    }

    public class IotHubException : Exception
    {
        internal IotHubException()
        {
        }

        public IotHubException(string message)
            : base(message)
        {
        }

        public IotHubException(string message, Exception innerException)
            : base(message, innerException)
        {
        }
    }

    public sealed class PreconditionFailedException : IotHubException
    {
        public PreconditionFailedException(string message)
            : base($"Precondition failed: {message}")
        {
        }
    }

    public sealed class DeviceNotFoundException : IotHubException
    {
        public DeviceNotFoundException(string deviceId)
            : base($"Device {deviceId} not registered.")
        {
        }

        public DeviceNotFoundException(string message, Exception innerException)
            : base(message, innerException)
        {
        }
    }
}

namespace Microsoft.Azure.Devices
{
    /// <summary>What every stand-in member that would call IoT Hub throws.</summary>
    internal static class StandIn
    {
        public static NotSupportedException NotSupported() =>
            new("Stand-in for Microsoft.Azure.Devices (the NuGet feed of this build lacks the package): it type-checks the app but cannot call IoT Hub.");
    }
}
