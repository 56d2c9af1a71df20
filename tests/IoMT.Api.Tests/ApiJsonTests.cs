using System.Text;
using IoMT.Core.Api;
using Microsoft.AspNetCore.Http;

namespace IoMT.Api.Tests;

/// <summary>A body that is not the expected JSON is refused with a JSON pointer (RFC 6901) to the member at fault.</summary>
public class ApiJsonTests
{
    public sealed record Override(int RaiseAt);

    public sealed record Settings(Dictionary<string, Override>? Limits, int[]? Values);

    [Theory]
    [InlineData("""{"limits": {"spo2-low": {"raiseAt": "x"}}}""", "/limits/spo2-low/raiseAt")]
    [InlineData("""{"limits": {"device-silent.monitor-1": {"raiseAt": "x"}}}""", "/limits/device-silent.monitor-1/raiseAt")]
    [InlineData("""{"limits": {"a/b~c": {"raiseAt": "x"}}}""", "/limits/a~1b~0c/raiseAt")]
    [InlineData("""{"limits": {"it's": {"raiseAt": "x"}}}""", "/limits/it's/raiseAt")]
    [InlineData("""{"values": [1, 2, "x"]}""", "/values/2")]
    [InlineData("""{"limits": "x"}""", "/limits")]
    public async Task ReadAsync_WrongType_PointsAtTheMember_WhateverItsNameHolds(string body, string pointer)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));

        var result = await ApiJson.ReadAsync<Settings>(context.Request, CancellationToken.None);

        Assert.False(result.IsSuccess);
        Assert.Equal(ApiError.BodyInvalid, result.Error!.Code);
        Assert.Equal(pointer, result.Error.Field);
    }
}
