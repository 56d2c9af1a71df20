using IoMT.Core.Validation;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IoMT.Core.Mapping;

/// <summary>
/// Builds one kind of content template from its JSON (the <c>template</c> object of a MedTech/iomt-fhir device mapping),
/// or reports precisely why it cannot: the member, the expression, the line.
/// </summary>
internal abstract class ContentTemplateFactory
{
    private static readonly string[] CommonMembers =
    [
        "typeName", "typeMatchExpression", "deviceIdExpression", "timestampExpression", "values",

        // Evaluated by MedTech, ignored here: the device's binding decides the patient (a device cannot write to another
        // patient's timeline by naming one), and readings are not grouped into encounters or correlation windows.
        "patientIdExpression", "encounterIdExpression", "correlationIdExpression",

        // Our extensions: the reading kind, unit and glucose method, when the typeName table does not say.
        "kind", "unit", "method",
    ];

    private static readonly string[] ValueMembers = ["valueName", "valueExpression", "required"];

    public abstract string TemplateType { get; }

    protected abstract bool WrapsMatch { get; }

    protected virtual IEnumerable<string> Members => CommonMembers;

    public ContentTemplate? Create(TemplateSite site)
    {
        foreach (var property in site.Template.Properties().Where(p => !Members.Contains(p.Name, StringComparer.Ordinal)))
        {
            site.Error(MappingErrorCodes.Invalid, "/" + property.Name, property, $"unknown member '{property.Name}'");
        }

        Prepare(site);
        var typeName = site.String(site.Template, "typeName", "/typeName", required: true);
        var typeMatch = Expression(site, "typeMatchExpression", required: true);
        var (deviceId, timestamps) = DeviceAndTime(site);
        var target = typeName is null ? null : Target(site, typeName);
        var values = target is null ? null : Values(site, target);
        if (site.HasErrors || typeName is null || typeMatch is null || deviceId is null || timestamps.Count == 0 || target is null || values is null)
        {
            return null;
        }

        return new ContentTemplate
        {
            Index = site.Index,
            TemplateType = TemplateType,
            TypeName = typeName,
            Target = target,
            WrapsMatch = WrapsMatch,
            TypeMatch = typeMatch,
            DeviceId = deviceId,
            Timestamps = timestamps,
            Values = values,
            Pointer = site.Pointer,
        };
    }

    /// <summary>Reads what the template's expressions depend on, before them.</summary>
    protected virtual void Prepare(TemplateSite site)
    {
    }

    protected virtual (MappingExpression? DeviceId, IReadOnlyList<MappingExpression> Timestamps) DeviceAndTime(TemplateSite site)
    {
        var deviceId = Expression(site, "deviceIdExpression", required: true);
        var timestamp = Expression(site, "timestampExpression", required: true);
        return (deviceId, timestamp is null ? [] : [timestamp]);
    }

    /// <summary>Reads and compiles the expression in <paramref name="member"/> of <paramref name="owner"/> (the template by default).</summary>
    protected abstract MappingExpression? Expression(TemplateSite site, string member, bool required, JObject? owner = null, string pointer = "");

    private static MappedType? Target(TemplateSite site, string typeName)
    {
        var unit = site.String(site.Template, "unit", "/unit", required: false);
        var method = site.String(site.Template, "method", "/method", required: false);
        var kind = site.String(site.Template, "kind", "/kind", required: false);
        var target = kind is not null ? MappedTypes.ForKind(kind, unit) : MappedTypes.Find(typeName);
        if (target is null)
        {
            var (pointer, token, what) = kind is not null
                ? ("/kind", site.Template["kind"], $"'{kind}' is not a reading kind of telemetry contract v1")
                : ("/typeName", site.Template["typeName"], $"typeName '{typeName}' is not in the type table; add \"kind\" (and \"unit\") to say what it measures");
            site.Error(MappingErrorCodes.TypeUnknown, pointer, token ?? site.Template, what);
            return null;
        }

        return target with { Unit = unit ?? target.Unit, Method = method ?? target.Method };
    }

    private List<TemplateValue>? Values(TemplateSite site, MappedType target)
    {
        if (site.Template["values"] is not JArray array)
        {
            site.Error(MappingErrorCodes.Invalid, "/values", site.Template["values"] ?? site.Template, "'values' must be an array of {valueName, valueExpression, required}");
            return null;
        }

        var values = new List<TemplateValue>();
        for (var i = 0; i < array.Count; i++)
        {
            var pointer = $"/values/{i}";
            if (array[i] is not JObject value)
            {
                site.Error(MappingErrorCodes.Invalid, pointer, array[i], "each value must be an object {valueName, valueExpression, required}");
                continue;
            }

            foreach (var property in value.Properties().Where(p => !ValueMembers.Contains(p.Name, StringComparer.Ordinal)))
            {
                site.Error(MappingErrorCodes.Invalid, $"{pointer}/{property.Name}", property, $"unknown member '{property.Name}'");
            }

            var name = site.String(value, "valueName", pointer + "/valueName", required: true);
            var expression = Expression(site, "valueExpression", required: true, value, pointer);
            var required = value["required"] switch
            {
                null => false,
                { Type: JTokenType.Boolean } flag => flag.Value<bool>(),
                var other => site.Error(MappingErrorCodes.Invalid, pointer + "/required", other, "'required' must be true or false"),
            };
            if (name is not null && expression is not null)
            {
                values.Add(new TemplateValue(name, name, expression, required));
            }
        }

        return site.HasErrors ? null : NameMembers(site, target, values);
    }

    /// <summary>
    /// Values fill the reading's members by their names (<c>systolic</c>, <c>unit</c>, <c>medicationId</c>…); a kind with one
    /// <c>value</c> takes the template's only measurement value, whatever MedTech called it (<c>hr</c>, <c>spo2</c>).
    /// </summary>
    private static List<TemplateValue>? NameMembers(TemplateSite site, MappedType target, List<TemplateValue> values)
    {
        var named = values.Select(v => v with { Member = Canonical(v.ValueName, target) }).ToList();
        var measurements = named.Where(v => v.Member is not ("unit" or "method" or "at")).ToList();
        if (target.RequiredMembers is ["value"] && !measurements.Any(v => v.Member == "value") && measurements.Count == 1)
        {
            named[named.IndexOf(measurements[0])] = measurements[0] with { Member = "value" };
        }

        var missing = target.RequiredMembers.Where(m => !named.Any(v => v.Member == m)).ToList();
        if (missing.Count > 0)
        {
            var kind = Telemetry.ReadingKinds.ContractName(target.Kind);
            site.Error(MappingErrorCodes.TypeUnknown, "/values", site.Template["values"]!, target.RequiredMembers is ["value"]
                ? $"a {kind} reading takes one measurement value; name it \"value\" when the template has several ({string.Join(", ", measurements.Select(v => v.ValueName))})"
                : $"a {kind} reading needs values named {string.Join(" and ", missing.Select(m => $"'{m}'"))}");
            return null;
        }

        return named;
    }

    /// <summary>Value names match reading members without regard to case (MedTech samples use <c>Systolic</c> and <c>systolic</c>).</summary>
    private static string Canonical(string valueName, MappedType target) =>
        target.RequiredMembers.Concat(["value", "unit", "method"]).FirstOrDefault(m => string.Equals(m, valueName, StringComparison.OrdinalIgnoreCase)) ?? valueName;

    protected static MappingExpression? Compile(TemplateSite site, string text, ExpressionLanguage language, string pointer, JToken token)
    {
        var expression = MappingExpression.Compile(text, language, site.Pointer + pointer, out var error);
        if (expression is null)
        {
            var code = language == ExpressionLanguage.JmesPath ? MappingErrorCodes.Unsupported : MappingErrorCodes.ExpressionInvalid;
            site.Error(code, pointer, token, $"expression '{text}' {error}");
        }

        return expression;
    }
}

/// <summary><c>JsonPathContent</c>: JSONPath strings, evaluated on each match.</summary>
internal class JsonPathContentFactory : ContentTemplateFactory
{
    public override string TemplateType => "JsonPathContent";

    protected override bool WrapsMatch => false;

    protected override MappingExpression? Expression(TemplateSite site, string member, bool required, JObject? owner = null, string pointer = "")
    {
        var text = site.String(owner ?? site.Template, member, $"{pointer}/{member}", required);
        return text is null ? null : Compile(site, text, ExpressionLanguage.JsonPath, $"{pointer}/{member}", (owner ?? site.Template)[member]!);
    }
}

/// <summary>
/// <c>IotJsonPathContent</c>: JsonPathContent for messages routed from IoT Hub, the device being the one IoT Hub
/// authenticated and the time the device's creation time, or when it set none, the time IoT Hub enqueued the message.
/// </summary>
internal sealed class IotJsonPathContentFactory : JsonPathContentFactory
{
    public override string TemplateType => "IotJsonPathContent";

    protected override IEnumerable<string> Members => base.Members.Except(["deviceIdExpression", "timestampExpression"]);

    private static readonly MappingExpression AuthenticatedDevice = Fixed("$.SystemProperties.iothub-connection-device-id");

    private static readonly MappingExpression[] CreatedElseEnqueued =
        [Fixed("$.Properties.iothub-creation-time-utc"), Fixed("$.SystemProperties.iothub-enqueuedtime")];

    protected override (MappingExpression? DeviceId, IReadOnlyList<MappingExpression> Timestamps) DeviceAndTime(TemplateSite site) =>
        (AuthenticatedDevice, CreatedElseEnqueued);

    private static MappingExpression Fixed(string path) => MappingExpression.Compile(path, ExpressionLanguage.JsonPath, "", out _)!;
}

/// <summary>
/// <c>CalculatedContent</c>: expressions as strings in the template's <c>defaultExpressionLanguage</c> (JSONPath unless
/// it says JmesPath) or as <c>{"value": …, "language": …}</c>, evaluated on the message with the match as <c>matchedToken</c>.
/// </summary>
internal sealed class CalculatedContentFactory : ContentTemplateFactory
{
    public override string TemplateType => "CalculatedContent";

    protected override bool WrapsMatch => true;

    protected override IEnumerable<string> Members => base.Members.Append("defaultExpressionLanguage");

    protected override MappingExpression? Expression(TemplateSite site, string member, bool required, JObject? owner = null, string pointer = "")
    {
        owner ??= site.Template;
        var token = owner[member];
        var path = $"{pointer}/{member}";
        if (token is JObject expression)
        {
            var text = site.String(expression, "value", path + "/value", required: true);
            var language = Language(site, expression["language"], path + "/language");
            return text is null || language is null ? null : Compile(site, text, language.Value, path + "/value", expression["value"]!);
        }

        var plain = site.String(owner, member, path, required);
        return plain is null || site.DefaultLanguage is null ? null : Compile(site, plain, site.DefaultLanguage.Value, path, token!);
    }

    protected override void Prepare(TemplateSite site) =>
        site.DefaultLanguage = Language(site, site.Template["defaultExpressionLanguage"], "/defaultExpressionLanguage");

    private static ExpressionLanguage? Language(TemplateSite site, JToken? token, string pointer)
    {
        if (token is null)
        {
            return ExpressionLanguage.JsonPath;
        }

        if (token.Type == JTokenType.String && Enum.TryParse<ExpressionLanguage>(token.Value<string>(), ignoreCase: true, out var language)
            && Enum.IsDefined(language))
        {
            return language;
        }

        site.Error(MappingErrorCodes.Invalid, pointer, token, "the expression language must be \"JsonPath\" or \"JmesPath\"");
        return null;
    }
}

/// <summary>One template being built: its JSON, where it is, and the errors found so far (shared by the whole document).</summary>
internal sealed class TemplateSite(JObject template, int index, string pointer, string templateType, List<ValidationError> errors)
{
    private readonly int _errorsBefore = errors.Count;

    public JObject Template { get; } = template;

    public int Index { get; } = index;

    public string Pointer { get; } = pointer + "/template";

    public bool HasErrors => errors.Count > _errorsBefore;

    /// <summary>The language of expressions given as plain strings; null when the template names an unknown one.</summary>
    public ExpressionLanguage? DefaultLanguage { get; set; } = ExpressionLanguage.JsonPath;

    public string? String(JObject owner, string member, string pointer, bool required)
    {
        switch (owner[member])
        {
            case null when !required:
                return null;
            case null:
                Error(MappingErrorCodes.Invalid, pointer, owner, $"'{member}' is required");
                return null;
            case { Type: JTokenType.String } text when !string.IsNullOrWhiteSpace(text.Value<string>()):
                return text.Value<string>();
            case var other:
                Error(MappingErrorCodes.Invalid, pointer, other, $"'{member}' must be a non-empty string");
                return null;
        }
    }

    /// <summary>Records an error (returns false so a caller can use it as the value of a failed boolean).</summary>
    public bool Error(string code, string pointer, JToken token, string message)
    {
        var name = Template["typeName"] is { Type: JTokenType.String } typeName ? $" '{typeName}'" : "";
        var line = token is IJsonLineInfo info && info.HasLineInfo() ? $" (line {info.LineNumber}, position {info.LinePosition})" : "";
        errors.Add(new ValidationError(code, Pointer + pointer, $"Template {Index} ({templateType}{name}): {message}{line}."));
        return false;
    }
}
