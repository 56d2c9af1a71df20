using System.Text;
using System.Text.Json.Nodes;
using IoMT.Core.Api;
using IoMT.Core.Devices;

namespace IoMT.Core.Tests.Devices;

public class DeviceTwinsTests
{
    private static JsonObject Json(string json) => (JsonObject)JsonNode.Parse(json)!;

    [Fact]
    public void Apply_MergePatch_SetsMergesAndRemoves_LeavesTheInputsAlone()
    {
        var target = Json("""{"interval":30,"alarm":{"low":88,"high":100},"mode":"home","list":[1,2]}""");
        var patch = Json("""{"interval":60,"alarm":{"low":90,"high":null},"mode":null,"list":[3],"new":{"a":null,"b":1}}""");

        var result = DeviceTwins.Apply(target, patch).Value!;

        Assert.Equal("""{"interval":60,"alarm":{"low":90},"list":[3],"new":{"b":1}}""", result.ToJsonString());
        Assert.Equal("""{"interval":30,"alarm":{"low":88,"high":100},"mode":"home","list":[1,2]}""", target.ToJsonString());
        Assert.Equal("""{"interval":60,"alarm":{"low":90,"high":null},"mode":null,"list":[3],"new":{"a":null,"b":1}}""", patch.ToJsonString());
    }

    [Fact]
    public void Apply_ObjectReplacesAValue_AndAValueReplacesAnObject()
    {
        var result = DeviceTwins.Apply(Json("""{"a":1,"b":{"c":2}}"""), Json("""{"a":{"x":1},"b":5}""")).Value!;

        Assert.Equal("""{"a":{"x":1},"b":5}""", result.ToJsonString());
    }

    [Fact]
    public void Apply_ResultOver32KB_Refused()
    {
        var target = new JsonObject();
        for (var i = 0; i < 9; i++)
        {
            target["p" + i] = new string('x', 4000);
        }

        var error = DeviceTwins.Apply(target, Json("""{"more":"x"}"""), "/properties/desired").Error!;

        Assert.Equal((400, ApiError.BodyInvalid, "/properties/desired"), (error.Status, error.Code, error.Field));
    }

    [Theory]
    [InlineData("[1]", "")]
    [InlineData("42", "")]
    [InlineData("""{"a.b":1}""", "/a.b")]
    [InlineData("""{"$version":3}""", "/$version")]
    [InlineData("""{"has space":1}""", "/has space")]
    [InlineData("""{"":1}""", "/")]
    [InlineData("""{"a":{"b/c":{"d e":1}}}""", "/a/b~1c/d e")]
    [InlineData("""{"a":[{"x.y":1}]}""", "/a/0/x.y")]
    public void ReadPatch_NotAnObjectOrABadName_RefusedWithThePointer(string json, string pointer)
    {
        var error = DeviceTwins.ReadPatch(Encoding.UTF8.GetBytes(json)).Error!;

        Assert.Equal((400, pointer), (error.Status, error.Field));
    }

    [Fact]
    public void ReadPatch_NotJson_Refused()
    {
        Assert.Equal(400, DeviceTwins.ReadPatch("{\"a\":"u8).Error!.Status);
    }

    [Fact]
    public void ReadPatch_TenLevels_Accepted_Eleven_Refused()
    {
        static string Nested(int levels) => string.Concat(Enumerable.Repeat("{\"a\":", levels)) + "1" + new string('}', levels);

        Assert.True(DeviceTwins.ReadPatch(Encoding.UTF8.GetBytes(Nested(10))).IsSuccess);
        Assert.Equal(400, DeviceTwins.ReadPatch(Encoding.UTF8.GetBytes(Nested(11))).Error!.Status);
    }

    [Fact]
    public void ReadPatch_StringOver4KB_Refused()
    {
        var json = "{\"note\":\"" + new string('x', 4097) + "\"}";

        Assert.Equal("/note", DeviceTwins.ReadPatch(Encoding.UTF8.GetBytes(json)).Error!.Field);
    }

    [Fact]
    public void DeviceDocument_BothSectionsWithTheirVersions()
    {
        var twin = new DeviceTwin("d", 3, Json("""{"interval":30}"""), 2, Json("""{"battery":80}"""), 4);

        Assert.Equal("""{"desired":{"interval":30,"$version":2},"reported":{"battery":80,"$version":4}}""", DeviceTwins.DeviceDocument(twin).ToJsonString());
        Assert.Equal("""{"desired":{"$version":1},"reported":{"$version":1}}""", DeviceTwins.DeviceDocument(DeviceTwin.Empty("d")).ToJsonString());
    }

    [Fact]
    public void DesiredNotification_ThePatchWithTheNewVersion_NullsKept()
    {
        Assert.Equal("""{"interval":60,"mode":null,"$version":7}""", DeviceTwins.DesiredNotification(Json("""{"interval":60,"mode":null}"""), 7).ToJsonString());
    }
}
