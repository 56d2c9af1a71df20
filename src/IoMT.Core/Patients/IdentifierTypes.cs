namespace IoMT.Core.Patients;

/// <summary>
/// The identifier types a patient's identifier may name: the codes of HL7 table v2-0203 that FHIR R4's
/// <c>identifier-type</c> value set lists and that identify a person, with their displays from that table.
/// </summary>
public static class IdentifierTypes
{
    public const string System = "http://terminology.hl7.org/CodeSystem/v2-0203";

    private static readonly Dictionary<string, string> Displays = new(StringComparer.Ordinal)
    {
        ["MR"] = "Medical record number",
        ["JHN"] = "Jurisdictional health number (Canada)",
        ["NIIP"] = "National Insurance Payor Identifier (Payor)",
        ["SB"] = "Social Beneficiary Identifier",
        ["TAX"] = "Tax ID number",
        ["PPN"] = "Passport number",
        ["DL"] = "Driver's license number",
    };

    public static IReadOnlyCollection<string> Codes => Displays.Keys;

    /// <summary>The display of <paramref name="code"/>, or null when it is not one of <see cref="Codes"/>.</summary>
    public static string? DisplayOf(string code) => Displays.GetValueOrDefault(code);
}
