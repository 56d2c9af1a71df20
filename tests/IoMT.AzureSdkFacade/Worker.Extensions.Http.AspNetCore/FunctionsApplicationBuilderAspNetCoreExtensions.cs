// Mirrors Microsoft.Azure.Functions.Worker.Extensions.Http.AspNetCore (see README.md for version and source).
using IoMT.AzureSdkFacade;

namespace Microsoft.Azure.Functions.Worker.Builder
{
    public static class FunctionsApplicationBuilderAspNetCoreExtensions
    {
        public static FunctionsApplicationBuilder ConfigureFunctionsWebApplication(this FunctionsApplicationBuilder builder) =>
            throw Facade.NotSupported();
    }
}
