namespace IoMT.Core.Mapping;

/// <summary>One value a template extracts: its MedTech <c>valueName</c>, the reading member it fills, and whether it must be there.</summary>
public sealed record TemplateValue(string ValueName, string Member, MappingExpression Expression, bool Required);

/// <summary>
/// A compiled content template: which parts of a message it matches (<see cref="TypeMatch"/>), and for each match the
/// device, the time and the values of one reading of <see cref="Target"/>'s kind.
/// </summary>
public sealed class ContentTemplate
{
    public required int Index { get; init; }

    /// <summary><c>JsonPathContent</c>, <c>IotJsonPathContent</c> or <c>CalculatedContent</c>.</summary>
    public required string TemplateType { get; init; }

    public required string TypeName { get; init; }

    public required MappedType Target { get; init; }

    /// <summary>
    /// CalculatedContent evaluates its expressions on the whole message with the match added as <c>matchedToken</c>;
    /// the JSONPath kinds evaluate them on the match itself (iomt-fhir's two behaviours, kept for compatibility).
    /// </summary>
    public required bool WrapsMatch { get; init; }

    public required MappingExpression TypeMatch { get; init; }

    public required MappingExpression DeviceId { get; init; }

    /// <summary>Where the time is, tried in order (IotJsonPathContent falls back from the creation time to the enqueued time).</summary>
    public required IReadOnlyList<MappingExpression> Timestamps { get; init; }

    public required IReadOnlyList<TemplateValue> Values { get; init; }

    /// <summary>Where the template is in its document, e.g. <c>/template/2</c>.</summary>
    public required string Pointer { get; init; }

    public override string ToString() => $"Template {Index} ({TemplateType} '{TypeName}')";
}
