namespace IoMT.Core.Telemetry;

/// <summary>UCUM unit codes used by the telemetry contract (case-sensitive, as UCUM defines them).</summary>
public static class Ucum
{
    public const string PerMinute = "/min";
    public const string BeatsPerMinute = "{beats}/min";
    public const string BreathsPerMinute = "{breaths}/min";
    public const string Percent = "%";
    public const string Celsius = "Cel";
    public const string Fahrenheit = "[degF]";
    public const string MillimetreOfMercury = "mm[Hg]";
    public const string MilligramsPerDecilitre = "mg/dL";
    public const string MillimolesPerLitre = "mmol/L";
    public const string Kilogram = "kg";
    public const string Pound = "[lb_av]";
    public const string Litre = "L";
    public const string LitresPerMinute = "L/min";
    public const string Steps = "{steps}";

    /// <summary>Glucose: 1 mmol/L = 18.016 mg/dL (molar mass of glucose 180.16 g/mol).</summary>
    public const double MgPerDlPerMmolPerL = 18.016;

    /// <summary>Avoirdupois pound in kilograms (exact by definition).</summary>
    public const double KilogramsPerPound = 0.45359237;
}
