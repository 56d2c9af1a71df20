using Azure.Core;
using Azure.Identity;
using IoMT.Storage.Cosmos;
using Microsoft.Extensions.DependencyInjection;

namespace IoMT.Functions;

public static class FunctionsServiceCollectionExtensions
{
    /// <summary>Everything the function classes need. Identity-based access only: no connection strings, no keys.</summary>
    public static IServiceCollection AddIoMTFunctions(this IServiceCollection services)
    {
        // In Azure, AZURE_CLIENT_ID selects the app's user-assigned managed identity; locally, developer sign-in is used.
        services.AddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        services.AddSingleton(TimeProvider.System);
        services.AddCosmosStorage();
        return services;
    }
}
