using IoMT.Core.Mapping;
using IoMT.Core.Telemetry;

namespace IoMT.Core.Tests.Mapping;

public sealed class MappingLoadTests
{
    private const string ValidTemplate = """
        "typeName":"heartrate","typeMatchExpression":"$..[?(@hr)]","deviceIdExpression":"$.id","timestampExpression":"$.t",
        "values":[{"valueName":"hr","valueExpression":"$.hr","required":true}]
        """;

    [Theory]
    [InlineData("""{"templateType":"CollectionContent","template":[{"templateType":"JsonPathContent","template":{"typeName":"heartrate","deviceIdExpression":"$.id","timestampExpression":"$.t","values":[]}}]}""",
        MappingErrorCodes.Invalid, "/template/0/template/typeMatchExpression", "'typeMatchExpression' is required")]
    [InlineData("""{"templateType":"CollectionContent","template":[{"templateType":"JsonPathContent","template":{"typeName":"heartrate","typeMatchExpression":"$..[?(@hr","deviceIdExpression":"$.id","timestampExpression":"$.t","values":[{"valueName":"hr","valueExpression":"$.hr"}]}}]}""",
        MappingErrorCodes.ExpressionInvalid, "/template/0/template/typeMatchExpression", "expression '$..[?(@hr' is not valid JSONPath")]
    [InlineData("""{"templateType":"CollectionContent","template":[{"templateType":"CalculatedContent","template":{"typeName":"heartrate","typeMatchExpression":"$..[?(@hr)]","deviceIdExpression":"$.id","timestampExpression":"$.t","values":[{"valueName":"hr","valueExpression":{"value":"length(matchedToken.hr)","language":"JmesPath"}}]}}]}""",
        MappingErrorCodes.Unsupported, "/template/0/template/values/0/valueExpression/value", "the function 'length'")]
    [InlineData("""{"templateType":"CollectionContent","template":[{"templateType":"JsonPathContent","template":{"typeName":"heartbeat-ish","typeMatchExpression":"$..[?(@hr)]","deviceIdExpression":"$.id","timestampExpression":"$.t","values":[{"valueName":"hr","valueExpression":"$.hr"}]}}]}""",
        MappingErrorCodes.TypeUnknown, "/template/0/template/typeName", "typeName 'heartbeat-ish' is not in the type table")]
    [InlineData("""{"templateType":"CollectionContent","template":[{"templateType":"JsonPathContent","template":{"typeName":"bloodpressure","typeMatchExpression":"$..[?(@sys)]","deviceIdExpression":"$.id","timestampExpression":"$.t","values":[{"valueName":"systolic","valueExpression":"$.sys"}]}}]}""",
        MappingErrorCodes.TypeUnknown, "/template/0/template/values", "needs values named 'diastolic'")]
    [InlineData("""{"templateType":"CollectionContent","template":[{"templateType":"IotCentralJsonPathContent","template":{}}]}""",
        MappingErrorCodes.Unsupported, "/template/0/templateType", "'IotCentralJsonPathContent' is not supported")]
    [InlineData("""{"templateType":"CollectionContent","template":[{"templateType":"JsonPathContent","template":{"typeName":"heartrate","typeMatchExpresion":"$..[?(@hr)]","typeMatchExpression":"$..[?(@hr)]","deviceIdExpression":"$.id","timestampExpression":"$.t","values":[{"valueName":"hr","valueExpression":"$.hr"}]}}]}""",
        MappingErrorCodes.Invalid, "/template/0/template/typeMatchExpresion", "unknown member 'typeMatchExpresion'")]
    [InlineData("""{"templateType":"CollectionContent","template":[{"templateType":"CalculatedContent","template":{"typeName":"heartrate","typeMatchExpression":"$..[?(@hr)]","deviceIdExpression":"$.id","timestampExpression":"$.t","defaultExpressionLanguage":"XPath","values":[{"valueName":"hr","valueExpression":"$.hr"}]}}]}""",
        MappingErrorCodes.Invalid, "/template/0/template/defaultExpressionLanguage", "\"JsonPath\" or \"JmesPath\"")]
    [InlineData("""{"templateType":"CollectionContent","template":[{"templateType":"JsonPathContent","template":{"typeName":"heartrate","typeMatchExpression":"$..[?(@hr)]","deviceIdExpression":"$.id","timestampExpression":"$.t","values":[{"valueName":"hr","valueExpression":"$.hr","required":"yes"}]}}]}""",
        MappingErrorCodes.Invalid, "/template/0/template/values/0/required", "'required' must be true or false")]
    [InlineData("""{"templateType":"CollectionContent","template":[{"templateType":"JsonPathContent","template":{"typeName":"heartrate","kind":"heartbeat","typeMatchExpression":"$..[?(@hr)]","deviceIdExpression":"$.id","timestampExpression":"$.t","values":[{"valueName":"hr","valueExpression":"$.hr"}]}}]}""",
        MappingErrorCodes.TypeUnknown, "/template/0/template/kind", "'heartbeat' is not a reading kind")]
    [InlineData("""{"templateType":"JsonPathContent","template":{}}""", MappingErrorCodes.Invalid, "", "CollectionContent")]
    [InlineData("""{"templateType":"CollectionContent","template":[]}""", MappingErrorCodes.Invalid, "/template", "no templates")]
    [InlineData("""{"templateType":"CollectionContent","template":[""", MappingErrorCodes.Invalid, "", "not valid JSON")]
    [InlineData("""{"templateType":"CollectionContent","template":[42]}""", MappingErrorCodes.Invalid, "/template/0", "each entry is an object")]
    public void Load_MalformedDocument_NamesTheCodePointerAndReason(string document, string code, string pointer, string reason)
    {
        var load = DeviceMapping.Load(document);

        Assert.False(load.IsValid);
        var error = Assert.Single(load.Errors);
        Assert.Equal((code, pointer), (error.Code, error.Pointer));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TemplateError_NamesTemplateTypeNameAndLine()
    {
        var document = "{\"templateType\":\"CollectionContent\",\"template\":[\n{\"templateType\":\"JsonPathContent\",\"template\":{" + ValidTemplate + "}},\n"
            + "{\"templateType\":\"JsonPathContent\",\"template\":{\"typeName\":\"spo2\",\"typeMatchExpression\":\"$..[?(@spo2)]\",\n\"deviceIdExpression\":\"$.[\","
            + "\"timestampExpression\":\"$.t\",\"values\":[{\"valueName\":\"v\",\"valueExpression\":\"$.spo2\"}]}}]}";

        var error = Assert.Single(DeviceMapping.Load(document).Errors);

        Assert.StartsWith("Template 1 (JsonPathContent 'spo2'): expression '$.['", error.Message, StringComparison.Ordinal);
        Assert.Contains("(line 5,", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SeveralErrors_ReportsEachOne()
    {
        var document = """
            {"templateType":"CollectionContent","template":[
              {"templateType":"JsonPathContent","template":{"typeName":"nope","typeMatchExpression":"$..[?(@x)]","deviceIdExpression":"$.id","timestampExpression":"$.t","values":[{"valueName":"x","valueExpression":"$.x"}]}},
              {"templateType":"Mystery","template":{}}]}
            """;

        Assert.Equal(2, DeviceMapping.Load(document).Errors.Count);
    }

    [Fact]
    public void Load_TemplateTypeSuffixAndCase_AreAcceptedAsIomtFhirDoes()
    {
        var load = DeviceMapping.Load("{\"templateType\":\"collectioncontenttemplate\",\"template\":[{\"templateType\":\"JsonPathContentTemplate\",\"template\":{" + ValidTemplate + "}}]}");

        Assert.True(load.IsValid);
        Assert.Equal(ReadingKind.HeartRate, Assert.Single(load.Mapping!.Templates).Target.Kind);
    }

    [Theory]
    [InlineData("HeartRate", ReadingKind.HeartRate, "/min")]
    [InlineData("blood_pressure", ReadingKind.BloodPressure, "mm[Hg]")]
    [InlineData("Oxygen Saturation", ReadingKind.Spo2, "%")]
    [InlineData("bodyweight", ReadingKind.Weight, "kg")]
    [InlineData("steps", ReadingKind.Steps, "{steps}")]
    public void MappedTypes_TypeNames_MapToKindAndUnit(string typeName, ReadingKind kind, string unit)
    {
        var type = MappedTypes.Find(typeName)!;

        Assert.Equal((kind, unit), (type.Kind, type.Unit));
    }

    [Fact]
    public void Load_KindAndUnitExtension_WinsOverTheTable()
    {
        var load = DeviceMapping.Load("{\"templateType\":\"CollectionContent\",\"template\":[{\"templateType\":\"JsonPathContent\",\"template\":{"
            + ValidTemplate.Replace("\"typeName\":\"heartrate\"", "\"typeName\":\"tempF\",\"kind\":\"bodyTemperature\",\"unit\":\"[degF]\"", StringComparison.Ordinal) + "}}]}");

        var target = Assert.Single(load.Mapping!.Templates).Target;
        Assert.Equal((ReadingKind.BodyTemperature, "[degF]"), (target.Kind, target.Unit));
    }
}
