using IoMT.Core.Validation;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IoMT.Core.Mapping;

/// <summary>A mapping document as loaded: the mapping, or every reason it cannot be used (never both).</summary>
public sealed record MappingLoad(DeviceMapping? Mapping, IReadOnlyList<ValidationError> Errors)
{
    public bool IsValid => Mapping is not null;
}

/// <summary>
/// A device mapping: a MedTech/iomt-fhir <c>CollectionContent</c> document of content templates, compiled. It turns a
/// message in a device's own JSON format into a telemetry contract v1 message (<see cref="Map"/>), which is then
/// validated, enriched and monitored like any native message. Immutable and thread-safe once loaded.
/// </summary>
public sealed partial class DeviceMapping
{
    private const string Collection = "CollectionContent";

    private static readonly ContentTemplateFactory[] Factories = [new JsonPathContentFactory(), new IotJsonPathContentFactory(), new CalculatedContentFactory()];

    /// <summary>iomt-fhir template types this service does not evaluate (named so the error can say so).</summary>
    private static readonly string[] NotSupported = ["IotCentralJsonPathContent", "FhirLookup", "CodeValueFhir"];

    private static readonly JsonLoadSettings LoadSettings = new()
    {
        LineInfoHandling = LineInfoHandling.Load,
        DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error,
        CommentHandling = CommentHandling.Ignore,
    };

    private readonly Utf8Template[]? _utf8Templates;

    private DeviceMapping(IReadOnlyList<ContentTemplate> templates)
    {
        Templates = templates;
        _utf8Templates = Utf8Templates(templates);
    }

    public IReadOnlyList<ContentTemplate> Templates { get; }

    /// <summary>Validates and compiles a mapping document; every error names where it is, which template and which expression.</summary>
    public static MappingLoad Load(string document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var errors = new List<ValidationError>();
        JToken root;
        try
        {
            root = JToken.Parse(document, LoadSettings);
        }
        catch (JsonReaderException e)
        {
            return new MappingLoad(null, [new ValidationError(MappingErrorCodes.Invalid, "", $"The mapping is not valid JSON: {e.Message}")]);
        }

        if (root is not JObject { } collection || !IsType(collection["templateType"], Collection) || collection["template"] is not JArray entries)
        {
            return new MappingLoad(null, [new ValidationError(MappingErrorCodes.Invalid, "",
                "A mapping is an object {\"templateType\": \"CollectionContent\", \"template\": [ … ]} (the MedTech device-mapping format).")]);
        }

        if (entries.Count == 0)
        {
            return new MappingLoad(null, [new ValidationError(MappingErrorCodes.Invalid, "/template", "The mapping has no templates.")]);
        }

        var templates = new List<ContentTemplate>();
        for (var i = 0; i < entries.Count; i++)
        {
            if (Entry(entries[i], i, errors) is { } template)
            {
                templates.Add(template);
            }
        }

        return errors.Count > 0 ? new MappingLoad(null, errors) : new MappingLoad(new DeviceMapping(templates), []);
    }

    private static ContentTemplate? Entry(JToken entry, int index, List<ValidationError> errors)
    {
        var pointer = $"/template/{index}";
        if (entry is not JObject { } container || container["templateType"] is not { Type: JTokenType.String } type || container["template"] is not JObject template)
        {
            errors.Add(new ValidationError(MappingErrorCodes.Invalid, pointer,
                $"Template {index}: each entry is an object {{\"templateType\": …, \"template\": {{ … }}}}{Line(entry)}."));
            return null;
        }

        var factory = Factories.FirstOrDefault(f => IsType(type, f.TemplateType));
        if (factory is null)
        {
            var known = NotSupported.Any(name => IsType(type, name)) ? "is not supported by this service" : "is unknown";
            errors.Add(new ValidationError(MappingErrorCodes.Unsupported, pointer + "/templateType",
                $"Template {index}: template type '{type}' {known}; use {string.Join(", ", Factories.Select(f => f.TemplateType))}{Line(type)}."));
            return null;
        }

        return factory.Create(new TemplateSite(template, index, pointer, factory.TemplateType, errors));
    }

    /// <summary>iomt-fhir accepts a template type with or without the <c>Template</c> suffix, in any case.</summary>
    private static bool IsType(JToken? token, string name) =>
        token is { Type: JTokenType.String } && token.Value<string>() is { } value
        && (value.Equals(name, StringComparison.OrdinalIgnoreCase) || value.Equals(name + "Template", StringComparison.OrdinalIgnoreCase));

    private static string Line(JToken token) => token is IJsonLineInfo info && info.HasLineInfo() ? $" (line {info.LineNumber}, position {info.LinePosition})" : "";
}
