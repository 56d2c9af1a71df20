namespace IoMT.Core.Api;

/// <summary>What an application service returns: a value, or the refusal the API sends instead.</summary>
public readonly record struct ApiResult<T>(T? Value, ApiError? Error)
{
    public bool IsSuccess => Error is null;

    public static implicit operator ApiResult<T>(T value) => new(value, null);

    public static implicit operator ApiResult<T>(ApiError error) => new(default, error);
}
