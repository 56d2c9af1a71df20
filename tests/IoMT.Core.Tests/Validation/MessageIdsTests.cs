using System.Text;
using IoMT.Core.Validation;

namespace IoMT.Core.Tests.Validation;

public class MessageIdsTests
{
    [Theory]
    [InlineData("""{"schema":"iomt.telemetry/1","readings":[{"messageId":"inner"}],"messageId":"m-1"}""", "m-1")]
    [InlineData("""{"messageId":"m\u002D2"}""", "m-2")]
    [InlineData("""{"messageId":42}""", null)]
    [InlineData("""{"deviceId":"d"}""", null)]
    [InlineData("""["messageId"]""", null)]
    [InlineData("""{"messageId":""", null)]
    [InlineData("not json", null)]
    public void TryRead_TopLevelStringOnly(string body, string? expected)
    {
        Assert.Equal(expected, MessageIds.TryRead(Encoding.UTF8.GetBytes(body)));
    }
}
