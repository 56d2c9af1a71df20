namespace IoMT.Local;

/// <summary>
/// A request whose body the server stopped reading (too slow, too large, cut off) is the client's fault, not the host's:
/// answered with the status Kestrel chose (408, 413, 400) and logged as one warning line, never as an unhandled exception
/// with its stack.
/// </summary>
internal sealed partial class BadRequestBodyMiddleware(RequestDelegate next, ILogger<BadRequestBodyMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            Log.BodyNotRead(logger, context.Request.Method, Core.Access.SecurityAudit.Shorten(context.Request.Path.Value ?? "", Core.Access.SecurityAudit.MaxRequestLength), e.StatusCode, e.Message);
            if (!context.Response.HasStarted)
            {
                context.Response.Clear();
                context.Response.StatusCode = e.StatusCode;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path}: the request body was not read ({Status}): {Reason}")]
        public static partial void BodyNotRead(ILogger logger, string method, string path, int status, string reason);
    }
}
