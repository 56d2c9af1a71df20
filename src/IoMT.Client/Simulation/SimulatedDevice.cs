using System.Text.Json.Nodes;
using IoMT.Core.Validation;

namespace IoMT.Client.Simulation;

/// <summary>
/// One device of a virtual patient: what it measures (<see cref="Kinds"/>), how often it sends (<see cref="Interval"/>)
/// and the readings it has to send at a moment (telemetry contract v1).
/// </summary>
public sealed class SimulatedDevice(string deviceId, DeviceRole role, VirtualPatient patient)
{
    public const string Manufacturer = "IoMT Simulator";
    public const string RescueInhaler = "salbutamol-100mcg";
    public const string ScheduledMedication = "metformin-500mg";

    /// <summary>Whether a scale has uploaded the weights in its memory (it does once, with its first weight).</summary>
    private bool _memoryUploaded;

    public string DeviceId { get; } = deviceId;

    public DeviceRole Role { get; } = role;

    public VirtualPatient Patient { get; } = patient;

    public string Model => Role switch
    {
        DeviceRole.Monitor => "Bedside Monitor S",
        DeviceRole.Cgm => "CGM Sensor S",
        DeviceRole.Ecg => "ECG Patch S",
        DeviceRole.Dispenser => "Pill Dispenser S",
        DeviceRole.Inhaler => "Smart Inhaler S",
        DeviceRole.Spirometer => "Home Spirometer S",
        DeviceRole.Oximeter => "Fingertip Oximeter S",
        DeviceRole.Scale => "Home Scale S",
        _ => "Fridge Logger S",
    };

    public IReadOnlyList<string> Kinds => Role switch
    {
        DeviceRole.Monitor => ["spo2", "heartRate", "respiratoryRate", "bodyTemperature", "bloodPressure", "consciousness", "battery"],
        DeviceRole.Cgm => ["glucose", "battery"],
        DeviceRole.Ecg => ["ecgRhythm", "heartRate", "battery"],
        DeviceRole.Dispenser => ["doseEvent"],
        DeviceRole.Inhaler => ["inhalerActuation"],
        DeviceRole.Spirometer => ["fev1", "fvc", "peakFlow"],
        DeviceRole.Oximeter => ["spo2", "heartRate"],
        DeviceRole.Scale => ["weight"],
        _ => ["storageTemperature"],
    };

    /// <summary>Home devices measure once a simulated day; the others stream.</summary>
    public TimeSpan Interval => Role switch
    {
        DeviceRole.Spirometer or DeviceRole.Oximeter or DeviceRole.Scale => HomePrograms.Day(Patient.Cycle),
        DeviceRole.Cgm or DeviceRole.Fridge => TimeSpan.FromSeconds(10),
        _ => TimeSpan.FromSeconds(5),
    };

    /// <summary>
    /// What the device is registered to report every (watched for silence); devices the patient uses (dispensers,
    /// inhalers, home devices) report only when used.
    /// </summary>
    public int? ReportingIntervalSeconds => Role is DeviceRole.Monitor or DeviceRole.Cgm or DeviceRole.Ecg or DeviceRole.Fridge ? (int)Interval.TotalSeconds : null;

    /// <summary>The readings due at <paramref name="elapsed"/> since the simulation started; empty when the device has nothing to say.</summary>
    public List<JsonObject> ReadingsAt(TimeSpan elapsed, DateTimeOffset now)
    {
        var vitals = Patient.At(elapsed);
        var phase = Patient.Phase(elapsed);
        var at = Rfc3339.Format(now);
        var everyMinute = (long)elapsed.TotalSeconds % 60 < Interval.TotalSeconds;
        var battery = Math.Max(20, 95 - (int)(elapsed.TotalMinutes / 10));
        JsonObject Quantity(string kind, double value, string unit) => new() { ["kind"] = kind, ["value"] = value, ["unit"] = unit, ["at"] = at };

        switch (Role)
        {
            case DeviceRole.Monitor when Patient.Scenario == Scenarios.DeviceSilent && phase >= 0.25:
                return [];
            case DeviceRole.Monitor:
                List<JsonObject> readings =
                [
                    Quantity("spo2", vitals.Spo2, "%"),
                    Quantity("heartRate", vitals.HeartRate, "/min"),
                    Quantity("respiratoryRate", vitals.RespiratoryRate, "/min"),
                ];
                if ((long)elapsed.TotalSeconds % 30 < Interval.TotalSeconds)
                {
                    readings.Add(Quantity("bodyTemperature", vitals.Temperature, "Cel"));
                    readings.Add(new JsonObject { ["kind"] = "bloodPressure", ["systolic"] = vitals.Systolic, ["diastolic"] = vitals.Diastolic, ["unit"] = "mm[Hg]", ["at"] = at });
                }

                if (everyMinute)
                {
                    readings.Add(new JsonObject { ["kind"] = "consciousness", ["value"] = "A", ["at"] = at });
                    readings.Add(Quantity("battery", battery, "%"));
                }

                return readings;
            case DeviceRole.Cgm:
                return everyMinute ? [Quantity("glucose", vitals.Glucose, "mg/dL"), Quantity("battery", battery, "%")] : [Quantity("glucose", vitals.Glucose, "mg/dL")];
            case DeviceRole.Ecg:
                return [new JsonObject { ["kind"] = "ecgRhythm", ["value"] = vitals.Rhythm, ["at"] = at }, Quantity("heartRate", vitals.HeartRate, "/min")];
            case DeviceRole.Inhaler:
                return (long)elapsed.TotalSeconds % 10 < Interval.TotalSeconds
                    ? [new JsonObject { ["kind"] = "inhalerActuation", ["medicationId"] = RescueInhaler, ["puffs"] = 2, ["at"] = at }]
                    : [];
            case DeviceRole.Dispenser:
                return DoseEvents(elapsed, now);
            case DeviceRole.Spirometer:
                var spirometry = Patient.MeasuredAt(elapsed);
                return [Quantity("fev1", spirometry.Fev1, "L"), Quantity("fvc", spirometry.Fvc, "L"), Quantity("peakFlow", spirometry.PeakFlow, "L/min")];
            case DeviceRole.Oximeter:
                var spotCheck = Patient.MeasuredAt(elapsed);
                return [Quantity("spo2", spotCheck.Spo2, "%"), Quantity("heartRate", spotCheck.HeartRate, "/min")];
            case DeviceRole.Scale:
                List<JsonObject> weights = [Quantity("weight", Patient.MeasuredAt(elapsed).Weight, "kg")];
                if (!_memoryUploaded)
                {
                    _memoryUploaded = true;
                    weights.InsertRange(0, HomePrograms.RememberedWeights()
                        .Select(w => new JsonObject { ["kind"] = "weight", ["value"] = w.Kg, ["unit"] = "kg", ["at"] = Rfc3339.Format(now.AddDays(-w.DaysBefore)) }));
                }

                return weights;
            default:
                return [Quantity("storageTemperature", vitals.FridgeTemperature, "Cel")];
        }
    }

    /// <summary>A dose every quarter cycle: released at its time, then missed (or taken) ten seconds later.</summary>
    private List<JsonObject> DoseEvents(TimeSpan elapsed, DateTimeOffset now)
    {
        var slot = Patient.Cycle / 4;
        var sinceSlot = TimeSpan.FromTicks(elapsed.Ticks % slot.Ticks);
        var scheduled = Rfc3339.Format(now - sinceSlot);
        JsonObject Dose(string doseEvent) =>
            new() { ["kind"] = "doseEvent", ["medicationId"] = ScheduledMedication, ["event"] = doseEvent, ["scheduledFor"] = scheduled, ["at"] = Rfc3339.Format(now) };

        if (sinceSlot < Interval)
        {
            return [Dose("dispensed")];
        }

        var decided = TimeSpan.FromSeconds(10);
        return sinceSlot >= decided && sinceSlot < decided + Interval
            ? [Dose(Patient.Scenario == Scenarios.MissedDoses ? "missed" : "taken")]
            : [];
    }
}
