using IoMT.Functions.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace IoMT.Functions.Tests.Api;

public class ConsoleFunctionTests
{
    [Theory]
    [InlineData("", 200, "text/html")]
    [InlineData("console.js", 200, "text/javascript")]
    [InlineData("../host.json", 404, null)]
    public async Task Console_ServesItsFilesUnderTheirContentSecurityPolicy(string file, int status, string? type)
    {
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        http.Response.Body = new MemoryStream();

        await ConsoleFunction.Serve(http.Request, file).ExecuteResultAsync(new Microsoft.AspNetCore.Mvc.ActionContext { HttpContext = http });

        Assert.Equal(status, http.Response.StatusCode);
        if (type is not null)
        {
            Assert.StartsWith(type, http.Response.ContentType, StringComparison.Ordinal);
            Assert.Contains("default-src 'self'", http.Response.Headers.ContentSecurityPolicy.ToString(), StringComparison.Ordinal);
        }
    }
}
