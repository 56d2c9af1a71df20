using System.Net;
using System.Reflection;
using IoMT.Core.Devices;
using IoMT.Storage.Sqlite;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IoMT.Local.Tests;

/// <summary>The gateway when its storage fails or a client sends its body too slowly: answered, never an unhandled exception.</summary>
public sealed class GatewayFailureTests
{
    [Fact]
    public async Task SendEvent_StorageFails_503ServiceUnavailableWithRetryAfter()
    {
        using var gateway = new GatewayFixture(new LocalHostFactory
        {
            ReplaceServices = s => s.AddSingleton(sp => FailingFind.Around(sp.GetRequiredService<SqliteDeviceRegistry>())),
        });

        using var response = await gateway.SendEventAsync("oximeter-1", GatewayFixture.SasFor("oximeter-1", DpsKeys.NewKey()), "{}");

        await DeviceGatewayTests.AssertIoTHubErrorAsync(response, HttpStatusCode.ServiceUnavailable, "ServiceUnavailable");
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task SlowRequestBody_OneWarningLine_AnsweredWithItsStatus()
    {
        var logs = new ListLogger();
        var middleware = new BadRequestBodyMiddleware(
            _ => throw new BadHttpRequestException("Reading the request body timed out due to data arriving too slowly.", StatusCodes.Status408RequestTimeout),
            logs);
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/devices/oximeter-1/messages/events";

        await middleware.InvokeAsync(context);

        Assert.Equal(StatusCodes.Status408RequestTimeout, context.Response.StatusCode);
        var (level, message, exception) = Assert.Single(logs.Entries);
        Assert.Equal((LogLevel.Warning, (Exception?)null), (level, exception));
        Assert.DoesNotContain('\n', message);
        Assert.Contains("POST /devices/oximeter-1/messages/events", message, StringComparison.Ordinal);
    }

    /// <summary>A registry whose look-ups fail as a broken disk fails them; everything else goes to the real one.</summary>
    public class FailingFind : DispatchProxy
    {
        private IDeviceRegistry _inner = null!;

        public static IDeviceRegistry Around(IDeviceRegistry inner)
        {
            var proxy = Create<IDeviceRegistry, FailingFind>();
            ((FailingFind)(object)proxy)._inner = inner;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == nameof(IDeviceRegistry.FindAsync))
            {
                throw new IOException("disk I/O error");
            }

            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException e)
            {
                throw e.InnerException!;
            }
        }
    }

    private sealed class ListLogger : ILogger<BadRequestBodyMiddleware>
    {
        public List<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception), exception));
    }
}
