namespace IoMT.Core.Mapping;

/// <summary>
/// Why a mapping document does not load. Each error also carries a JSON pointer into the document and a message that
/// names the template, the expression and the line. (Codes for messages a mapping rejects are in <c>ErrorCodes</c>.)
/// </summary>
public static class MappingErrorCodes
{
    /// <summary>Not JSON, or not the MedTech/iomt-fhir structure (a member missing, of the wrong type, or unknown).</summary>
    public const string Invalid = "mapping.invalid";

    /// <summary>An expression that does not parse.</summary>
    public const string ExpressionInvalid = "mapping.expression-invalid";

    /// <summary>A template type or a JMESPath feature this service does not evaluate.</summary>
    public const string Unsupported = "mapping.unsupported";

    /// <summary>A <c>typeName</c> that is not in the table and no <c>kind</c> of ours, or values that do not fit the kind.</summary>
    public const string TypeUnknown = "mapping.type-unknown";
}
