// Mirrors Microsoft.Azure.Functions.Worker (see README.md for version and source).
using IoMT.AzureSdkFacade;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Azure.Functions.Worker.Builder
{
    public class FunctionsApplication
    {
        public static FunctionsApplicationBuilder CreateBuilder(string[] args) => throw Facade.NotSupported();
    }

    public class FunctionsApplicationBuilder : IHostApplicationBuilder
    {
        internal FunctionsApplicationBuilder()
        {
        }

        public IDictionary<object, object> Properties => throw Facade.NotSupported();

        IConfigurationManager IHostApplicationBuilder.Configuration => throw Facade.NotSupported();

        public ConfigurationManager Configuration => throw Facade.NotSupported();

        public IHostEnvironment Environment => throw Facade.NotSupported();

        public ILoggingBuilder Logging => throw Facade.NotSupported();

        public IMetricsBuilder Metrics => throw Facade.NotSupported();

        public IServiceCollection Services => throw Facade.NotSupported();

        public IHost Build() => throw Facade.NotSupported();

        public void ConfigureContainer<TContainerBuilder>(IServiceProviderFactory<TContainerBuilder> factory, Action<TContainerBuilder>? configure = null)
            where TContainerBuilder : notnull => throw Facade.NotSupported();
    }
}
