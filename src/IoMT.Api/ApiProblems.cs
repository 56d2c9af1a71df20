using IoMT.Core.Api;

namespace IoMT.Api;

/// <summary>An <see cref="ApiError"/> as RFC 7807 problem details, with its <c>code</c> and <c>field</c> as extensions.</summary>
public static class ApiProblems
{
    public static IResult ToResult(ApiError error)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = error.Code };
        if (error.Field is not null)
        {
            extensions["field"] = error.Field;
        }

        return Results.Problem(error.Detail, statusCode: error.Status, title: error.Title, extensions: extensions);
    }

    public static Task Write(HttpContext context, ApiError error) => ToResult(error).ExecuteAsync(context);
}
