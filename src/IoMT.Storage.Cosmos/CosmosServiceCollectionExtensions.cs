using Azure.Core;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IoMT.Storage.Cosmos;

public static class CosmosServiceCollectionExtensions
{
    public const string HealthCheckName = "cosmos";

    /// <summary>
    /// Registers a singleton <see cref="CosmosClient"/> authenticated with the <see cref="TokenCredential"/> the host
    /// registered (a managed identity in Azure), its options (section <see cref="CosmosOptions.SectionName"/>, validated
    /// at start) and the Cosmos health check.
    /// </summary>
    public static IServiceCollection AddCosmosStorage(this IServiceCollection services)
    {
        services.AddOptions<CosmosOptions>()
            .BindConfiguration(CosmosOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddSingleton(provider => new CosmosClient(
            provider.GetRequiredService<IOptions<CosmosOptions>>().Value.AccountEndpoint,
            provider.GetRequiredService<TokenCredential>(),
            new CosmosClientOptions { ApplicationName = IoMT.Core.ProductInfo.Name }));

        services.AddHealthChecks().AddCheck<CosmosHealthCheck>(HealthCheckName);
        return services;
    }
}
