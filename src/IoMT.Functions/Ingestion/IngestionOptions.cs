using System.ComponentModel.DataAnnotations;

namespace IoMT.Functions.Ingestion;

/// <summary>How the Event Hubs ingestion function retries a batch and where it puts one it cannot store (section <c>Ingestion</c>).</summary>
public sealed class AzureIngestionOptions
{
    public const string SectionName = "Ingestion";

    /// <summary>Attempts at a batch before it is dead-lettered (transient Cosmos DB or Durable failures pass meanwhile).</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 6;

    /// <summary>The first pause between attempts; it doubles each time (1 s, 2 s, … 32 s by default: about a minute in all).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Blob container for batches that could not be stored, e.g. <c>https://{account}.blob.core.windows.net/ingestion-dead-letter</c>.</summary>
    [Required, Url]
    public string DeadLetterContainerUri { get; set; } = "";
}
