// Mirrors the twin types of Microsoft.Azure.Devices.Shared 1.30.4, which comes with Microsoft.Azure.Devices: see README.md.
// Data holders only: TwinCollection keeps its real behaviour over a Newtonsoft.Json JObject, as the real one does.
#nullable disable
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Microsoft.Azure.Devices.Shared
{
    public class Twin : IETagHolder
    {
        public Twin(string deviceId)
        {
            Tags = new TwinCollection();
            Properties = new TwinProperties();
            DeviceId = deviceId;
        }

        public Twin(TwinProperties twinProperties)
        {
            Tags = new TwinCollection();
            Properties = twinProperties;
        }

        public string DeviceId { get; set; }

        public TwinCollection Tags { get; set; }

        public TwinProperties Properties { get; set; }

        public string ETag { get; set; }

        public long? Version { get; set; }
    }

    public class TwinProperties
    {
        public TwinProperties()
        {
            Desired = new TwinCollection();
            Reported = new TwinCollection();
        }

        public TwinCollection Desired { get; set; }

        public TwinCollection Reported { get; set; }
    }

    public class TwinCollection
    {
        private const string MetadataName = "$metadata";
        private const string VersionName = "$version";

        // The real constructor from a string reads dates as plain strings (JsonSerializerSettingsInitializer).
        private static readonly JsonSerializerSettings Settings = new() { DateParseHandling = DateParseHandling.None };

        public TwinCollection()
        {
            JObject = new JObject();
        }

        public TwinCollection(string twinJson)
        {
            JObject = JsonConvert.DeserializeObject<JObject>(twinJson, Settings) ?? new JObject();
        }

        /// <summary>The collection's <c>$version</c>; 0 when it has none.</summary>
        public long Version => JObject.TryGetValue(VersionName, out var version) ? (long)version : default;

        /// <summary>The properties, without <c>$metadata</c> and <c>$version</c>.</summary>
        public int Count
        {
            get
            {
                var count = JObject.Count;
                if (count > 0)
                {
                    if (JObject.TryGetValue(MetadataName, out _))
                    {
                        count--;
                    }

                    if (JObject.TryGetValue(VersionName, out _))
                    {
                        count--;
                    }
                }

                return count;
            }
        }

        internal JObject JObject { get; }

        /// <summary>The whole JSON document, <c>$metadata</c> and <c>$version</c> included.</summary>
        public string ToJson(Formatting formatting = Formatting.None) => JsonConvert.SerializeObject(JObject, formatting);
    }
}
