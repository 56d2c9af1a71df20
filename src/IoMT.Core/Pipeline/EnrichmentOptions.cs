using System.ComponentModel.DataAnnotations;

namespace IoMT.Core.Pipeline;

/// <summary>Enrichment settings (section <c>Enrichment</c>).</summary>
public sealed class EnrichmentOptions : IValidatableObject
{
    public const string SectionName = "Enrichment";

    /// <summary>NEWS2 uses each parameter's latest value no older than this.</summary>
    public TimeSpan News2Window { get; set; } = TimeSpan.FromHours(4);

    /// <summary>Medication fridges' range and excursion limit.</summary>
    public Alerts.ColdChainPolicy ColdChain { get; set; } = new();

    /// <summary>The heart-failure weight-gain rule's default limits and the periods it compares.</summary>
    public Alerts.WeightGainPolicy WeightGain { get; set; } = new();

    /// <summary>Every weight-gain setting error as <c>Enrichment:WeightGain:{setting}: message</c>, so that the start fails naming them.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        WeightGain.Validate().Select(e => new ValidationResult($"{SectionName}:{nameof(WeightGain)}:{e.Setting}: {e.Message}"));
}
