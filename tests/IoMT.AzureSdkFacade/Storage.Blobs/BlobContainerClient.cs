// Mirrors Azure.Storage.Blobs (see README.md for version and source).
using Azure.Core;

namespace Azure.Storage.Blobs
{
    public class BlobContainerClient
    {
        protected BlobContainerClient()
        {
        }

        public BlobContainerClient(Uri blobContainerUri, TokenCredential credential, BlobClientOptions? options = null)
        {
            throw IoMT.AzureSdkFacade.Facade.NotSupported();
        }

        public virtual Task<Response<Models.BlobContentInfo>> UploadBlobAsync(string blobName, BinaryData content, CancellationToken cancellationToken = default) =>
            throw IoMT.AzureSdkFacade.Facade.NotSupported();
    }

    public class BlobClientOptions : ClientOptions
    {
    }
}

namespace Azure.Storage.Blobs.Models
{
    public class BlobContentInfo
    {
        internal BlobContentInfo()
        {
        }
    }
}
