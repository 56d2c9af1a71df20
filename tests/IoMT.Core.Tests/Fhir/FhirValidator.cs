using System.Text.Json.Nodes;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace IoMT.Core.Tests.Fhir;

/// <summary>
/// The official HL7 .NET validator (Firely) over the R4 specification package: the core resource definitions, the
/// vital-signs profiles and the code systems and value sets shipped with the specification, checked offline.
/// </summary>
internal static class FhirValidator
{
    private static readonly Lazy<Validator> Instance = new(Create);

    /// <summary>Every issue the parser or the validator reports on <paramref name="resource"/> (a bundle validates its entries), as "severity location: message".</summary>
    public static IReadOnlyList<string> Issues(JsonObject resource)
    {
        Resource parsed;
        try
        {
            parsed = new FhirJsonDeserializer().DeserializeResource(resource.ToJsonString());
        }
        catch (DeserializationFailedException e)
        {
            // The SDK's parser checks structure and primitive values first; what it rejects is an error of the instance.
            return [.. e.Exceptions.Select(x => $"Error (parse): {x.Message}")];
        }

        var outcome = Instance.Value.Validate(parsed);
        return [.. outcome.Issue.Where(i => i.Severity is not OperationOutcome.IssueSeverity.Information)
            .Select(i => $"{i.Severity} {string.Join(",", i.Expression)}: {i.Details?.Text ?? i.Diagnostics}")];
    }

    private static Validator Create()
    {
        var resolver = new CachedResolver(ZipSource.CreateValidationSource());
        var terminology = LocalTerminologyService.CreateDefaultForCore(resolver);
        // The CGM IG's profiles are not in the R4 package: CgmConstraints checks those readings instead.
        var settings = new ValidationSettings
        {
            SelectValidationProfiles = (_, profiles, _, _) => [.. profiles.Where(p => !p.ToString().StartsWith(CgmConstraints.ProfileBase, StringComparison.Ordinal))],
        };
        return new Validator(resolver, terminology, settings: settings);
    }
}
