namespace IoMT.Core.Pipeline;

/// <summary>Enrichment settings (section <c>Enrichment</c>).</summary>
public sealed class EnrichmentOptions
{
    public const string SectionName = "Enrichment";

    /// <summary>NEWS2 uses each parameter's latest value no older than this.</summary>
    public TimeSpan News2Window { get; set; } = TimeSpan.FromHours(4);

    /// <summary>Medication fridges' range and excursion limit.</summary>
    public Alerts.ColdChainPolicy ColdChain { get; set; } = new();
}
