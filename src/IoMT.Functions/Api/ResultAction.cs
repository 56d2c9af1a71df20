using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace IoMT.Functions.Api;

/// <summary>
/// The Functions ASP.NET Core integration runs <see cref="IActionResult"/>s only; the shared handlers answer with
/// minimal-API <see cref="IResult"/>s. This runs one as the other.
/// </summary>
public sealed class ResultAction(IResult result) : IActionResult
{
    public IResult Result { get; } = result;

    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Result.ExecuteAsync(context.HttpContext);
    }
}
