using IoMT.Core.Enrichment;
using IoMT.Core.Telemetry;

namespace IoMT.Core.Alerts;

/// <summary>
/// The rules an organization starts with. Every default has a clinical source; organizations and patients override
/// thresholds, delays, priorities and enablement (see docs/alerts.md). Heart rate, respiration, temperature, pressure
/// and consciousness limits follow the NEWS2 score-3 ("red") bands, so a single-parameter alert and the early-warning
/// score agree on the whole-number readings devices send (NEWS2 rounds a fractional value first; the rules do not); SpO2 uses the common 90 % monitoring limit with a 15 s delay (scale 1 patients; see docs/alerts.md
/// for scale 2).
/// </summary>
public static class DefaultAlertRules
{
    /// <summary>The NEWS2 response bands (urgent, emergency): one deterioration is one alert.</summary>
    public const string News2Family = "news2";

    /// <summary>Hypoglycaemia, level 1 and level 2 (glucose low, urgent low).</summary>
    public const string GlucoseLowFamily = "glucose-low";

    /// <summary>COPD zones by lung function against personal best: yellow, red.</summary>
    public const string CopdZoneFamily = "copd-zone";

    private const string CopdZoneSource = "zones of personal best from the NHLBI/NAEPP asthma action plan (Expert Panel Report 3, 2007, NIH publication 07-4051; Asthma Action Plan, NIH publication 07-5251): "
        + "green 80–100 %, yellow 50–79 %, red (medical alert) < 50 %; action points on % of personal best are consistently beneficial (Gibson & Powell, Thorax 2004;59:94). "
        + "COPD action plans (American Lung Association, My COPD Action Plan) grade the same zones by symptoms; applied here to FEV1 and peak flow (docs/alerts.md)";

    private const string News2Source = "Royal College of Physicians, National Early Warning Score (NEWS) 2, 2017: chart 1 score-3 band";

    public static IReadOnlyList<AlertRule> All { get; } =
    [
        new()
        {
            Id = "spo2-low", Title = "SpO2 low", Signal = Signal.Spo2, Priority = AlertPriority.High, Category = AlertCategory.VitalSign,
            Direction = AlertDirection.Low, RaiseAt = 90, ClearAt = 92, SustainFor = TimeSpan.FromSeconds(15),
            Source = "Below 90 % for 15 s: a 15 s delay at a 90 % limit was calculated to cut low-SpO2 alarms by 60 % (Rheineck-Leyssius & Kalkman, Br J Anaesth 1997;79:460; cited in Welch, Biomed Instrum Technol 2011;45(s1):46); delays reduce alarm rates in ICU data (Lansdowne et al., BMC Nursing 2016;15:36)",
        },
        new()
        {
            Id = "heart-rate-high", Title = "Heart rate high", Signal = Signal.HeartRate, Priority = AlertPriority.Medium, Category = AlertCategory.VitalSign,
            Direction = AlertDirection.High, RaiseAt = 131, ClearAt = 120, Inclusive = true, SustainFor = TimeSpan.FromSeconds(60), Source = News2Source,
        },
        new()
        {
            Id = "heart-rate-low", Title = "Heart rate low", Signal = Signal.HeartRate, Priority = AlertPriority.High, Category = AlertCategory.VitalSign,
            Direction = AlertDirection.Low, RaiseAt = 40, ClearAt = 45, Inclusive = true, SustainFor = TimeSpan.FromSeconds(30), Source = News2Source,
        },
        new()
        {
            Id = "respiratory-rate-high", Title = "Respiratory rate high", Signal = Signal.RespiratoryRate, Priority = AlertPriority.Medium,
            Category = AlertCategory.VitalSign, Direction = AlertDirection.High, RaiseAt = 25, ClearAt = 22, Inclusive = true,
            SustainFor = TimeSpan.FromSeconds(60), Source = News2Source,
        },
        new()
        {
            Id = "respiratory-rate-low", Title = "Respiratory rate low", Signal = Signal.RespiratoryRate, Priority = AlertPriority.High,
            Category = AlertCategory.VitalSign, Direction = AlertDirection.Low, RaiseAt = 8, ClearAt = 10, Inclusive = true,
            SustainFor = TimeSpan.FromSeconds(30), Source = News2Source,
        },
        new()
        {
            Id = "temperature-high", Title = "Temperature high", Signal = Signal.BodyTemperature, Priority = AlertPriority.Medium, Category = AlertCategory.VitalSign,
            Direction = AlertDirection.High, RaiseAt = 39.1, ClearAt = 38.5, Inclusive = true,
            Source = "Royal College of Physicians, NEWS2 2017: chart 1, temperature ≥ 39.1 °C scores 2 (highest band)",
        },
        new()
        {
            Id = "temperature-low", Title = "Temperature low", Signal = Signal.BodyTemperature, Priority = AlertPriority.Medium, Category = AlertCategory.VitalSign,
            Direction = AlertDirection.Low, RaiseAt = 35.0, ClearAt = 35.5, Inclusive = true, Source = News2Source,
        },
        new()
        {
            Id = "systolic-low", Title = "Systolic blood pressure low", Signal = Signal.Systolic, Priority = AlertPriority.High, Category = AlertCategory.VitalSign,
            Direction = AlertDirection.Low, RaiseAt = 90, ClearAt = 100, Inclusive = true, Source = News2Source,
        },
        new()
        {
            Id = "systolic-high", Title = "Systolic blood pressure high", Signal = Signal.Systolic, Priority = AlertPriority.High, Category = AlertCategory.VitalSign,
            Direction = AlertDirection.High, RaiseAt = 220, ClearAt = 200, Inclusive = true, Source = News2Source,
        },
        new()
        {
            Id = "glucose-urgent-low", Title = "Glucose urgent low", Signal = Signal.Glucose, Priority = AlertPriority.High, Category = AlertCategory.Glucose,
            Direction = AlertDirection.Low, RaiseAt = 54, ClearAt = 70, Family = GlucoseLowFamily,
            Source = "Level 2 hypoglycaemia < 54 mg/dL: ADA Standards of Care in Diabetes—2024 §6, Diabetes Care 2024;47(Suppl 1):S111; Battelino et al., International Consensus on Time in Range, Diabetes Care 2019;42(8):1593",
        },
        new()
        {
            Id = "glucose-low", Title = "Glucose low", Signal = Signal.Glucose, Priority = AlertPriority.Medium, Category = AlertCategory.Glucose,
            Direction = AlertDirection.Low, RaiseAt = 70, ClearAt = 75, Family = GlucoseLowFamily,
            Source = "Level 1 hypoglycaemia < 70 mg/dL: ADA Standards of Care in Diabetes—2024 §6, Diabetes Care 2024;47(Suppl 1):S111; International Consensus on Time in Range 2019",
        },
        new()
        {
            Id = "glucose-urgent-low-soon", Title = "Glucose predicted urgent low within 20 minutes", Signal = Signal.GlucosePredicted,
            Priority = AlertPriority.High, Category = AlertCategory.Glucose, Direction = AlertDirection.Low, RaiseAt = 55, ClearAt = 70, Inclusive = true,
            Source = "Modelled on Dexcom's Urgent Low Soon alert (G6/G7: predicted to reach 55 mg/dL within 20 minutes); trend model in docs/alerts.md",
        },
        new()
        {
            Id = "glucose-high", Title = "Glucose very high", Signal = Signal.Glucose, Priority = AlertPriority.Low, Category = AlertCategory.Glucose,
            Direction = AlertDirection.High, RaiseAt = 250, ClearAt = 230, SustainFor = TimeSpan.FromMinutes(30),
            Source = "Level 2 hyperglycaemia > 250 mg/dL: International Consensus on Time in Range, Diabetes Care 2019;42(8):1593",
        },
        new()
        {
            Id = "news2-urgent", Title = "NEWS2 5–6: urgent clinical review", Signal = Signal.News2Total, Priority = AlertPriority.Medium,
            Category = AlertCategory.EarlyWarningScore, Direction = AlertDirection.High, RaiseAt = News2.MediumThreshold, ClearAt = 3, Inclusive = true,
            Family = News2Family,
            Source = "Royal College of Physicians, NEWS2 2017: chart 2, aggregate 5–6 = key threshold for urgent response",
        },
        new()
        {
            Id = "news2-emergency", Title = "NEWS2 ≥ 7: emergency response", Signal = Signal.News2Total, Priority = AlertPriority.High,
            Category = AlertCategory.EarlyWarningScore, Direction = AlertDirection.High, RaiseAt = News2.HighThreshold, ClearAt = 5, Inclusive = true,
            Family = News2Family,
            Source = "Royal College of Physicians, NEWS2 2017: chart 2, aggregate ≥ 7 = urgent or emergency response",
        },
        new()
        {
            Id = "ecg-atrial-fibrillation", Title = "Atrial fibrillation or flutter", Signal = Signal.EcgRhythm, Priority = AlertPriority.Medium,
            Category = AlertCategory.CardiacRhythm, Codes = [EcgRhythms.AtrialFibrillation, EcgRhythms.AtrialFlutter], SustainFor = TimeSpan.FromSeconds(30),
            Source = "ESC 2020 AF guideline (Hindricks et al., Eur Heart J 2021;42:373): a single-lead tracing of ≥ 30 s without discernible P waves and with irregular RR intervals is diagnostic of clinical AF; used here as the minimum duration of a device-reported AF or flutter episode",
        },
        new()
        {
            Id = "ecg-life-threatening", Title = "Life-threatening rhythm", Signal = Signal.EcgRhythm, Priority = AlertPriority.High,
            Category = AlertCategory.CardiacRhythm, Codes = [EcgRhythms.VentricularTachycardia, EcgRhythms.VentricularFibrillation, EcgRhythms.Asystole],
            Source = "Modelled on bedside cardiac monitors, which alarm on asystole, ventricular fibrillation and ventricular tachycardia at the highest priority (IEC 60601-2-27 monitors; wearables are outside that standard's scope)",
        },
        new()
        {
            Id = "consciousness-not-alert", Title = "New confusion or reduced consciousness", Signal = Signal.Consciousness,
            Priority = AlertPriority.High, Category = AlertCategory.VitalSign, Codes = ["C", "V", "P", "U"],
            Source = "Royal College of Physicians, NEWS2 2017: chart 1, new confusion, voice, pain or unresponsive scores 3; Williams, Clin Med 2019;19(2):190",
        },
        new()
        {
            Id = "copd-yellow-zone", Title = "COPD yellow zone", Signal = Signal.PercentOfPersonalBest, Priority = AlertPriority.Medium,
            Category = AlertCategory.VitalSign, Direction = AlertDirection.Low, RaiseAt = 80, ClearAt = 85, Family = CopdZoneFamily,
            Source = "Below 80 % of personal best: " + CopdZoneSource,
        },
        new()
        {
            Id = "copd-red-zone", Title = "COPD red zone", Signal = Signal.PercentOfPersonalBest, Priority = AlertPriority.High,
            Category = AlertCategory.VitalSign, Direction = AlertDirection.Low, RaiseAt = 50, ClearAt = 55, Family = CopdZoneFamily,
            Source = "Below 50 % of personal best: " + CopdZoneSource,
        },
        new()
        {
            Id = "battery-low", Title = "Device battery low", Signal = Signal.Battery, Priority = AlertPriority.Low, Category = AlertCategory.Technical,
            Direction = AlertDirection.Low, RaiseAt = 15, ClearAt = 25, Inclusive = true,
            Source = "Technical alert: a flat device stops monitoring; 15 % leaves about a day on typical wearables",
        },
    ];
}
