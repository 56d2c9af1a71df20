using System.Globalization;
using IoMT.Core.Alerts;
using IoMT.Core.Enrichment;
using IoMT.Core.Telemetry;
using IoMT.Core.Timeline;

namespace IoMT.Core.Pipeline;

/// <summary>What a patient still has to derive once all the readings of an instant are in.</summary>
[Flags]
internal enum InstantWork
{
    None = 0,

    /// <summary>A NEWS2 parameter changed: score NEWS2.</summary>
    News2 = 1,

    /// <summary>FEV1 or peak flow was measured: grade it against personal best.</summary>
    LungFunction = 2,
}

/// <summary>
/// Applies one accepted reading to its patient: updates the NEWS2 parameters, CGM history and weights, computes the CGM
/// trend and runs the patient's alert rules; NEWS2 and lung function against personal best are evaluated once per
/// instant. Readings older than the alerting age update the timeline and the patient's history but raise and clear
/// nothing; readings not newer than what a rule last saw are ignored by that rule. Alerts are raised
/// at <paramref name="receivedAt"/>, when the product received the reading (its own clock, where escalation counts from).
/// </summary>
internal readonly ref struct PatientMonitor(PatientState state, PatientProfile profile, EnrichmentOptions options, IngestionResult result, DateTimeOffset receivedAt)
{
    /// <summary>Applies the reading; returns what the instant still needs (<see cref="CompleteInstant"/>, after its last reading).</summary>
    public InstantWork Observe(ReadingEntry entry, bool alerting)
    {
        var at = entry.At;
        var news2Changed = false;
        var work = InstantWork.None;
        switch (entry.Reading)
        {
            case QuantityReading quantity:
                var value = quantity.Value;
                switch (quantity.Kind)
                {
                    case ReadingKind.HeartRate:
                        if (IsNewer(state.Pulse, at))
                        {
                            state.Pulse = new VitalSample(value, at, entry.Id);
                            news2Changed = true;
                        }

                        Evaluate(Signal.HeartRate, value, entry, alerting);
                        break;
                    case ReadingKind.RespiratoryRate:
                        if (IsNewer(state.RespiratoryRate, at))
                        {
                            state.RespiratoryRate = new VitalSample(value, at, entry.Id);
                            news2Changed = true;
                        }

                        Evaluate(Signal.RespiratoryRate, value, entry, alerting);
                        break;
                    case ReadingKind.Spo2:
                        if (IsNewer(state.Spo2, at))
                        {
                            state.Spo2 = new VitalSample(value, at, entry.Id);
                            news2Changed = true;
                        }

                        Evaluate(Signal.Spo2, value, entry, alerting);
                        break;
                    case ReadingKind.BodyTemperature:
                        if (IsNewer(state.Temperature, at))
                        {
                            state.Temperature = new VitalSample(value, at, entry.Id);
                            news2Changed = true;
                        }

                        Evaluate(Signal.BodyTemperature, value, entry, alerting);
                        break;
                    case ReadingKind.Battery:
                        Evaluate(Signal.Battery, value, entry, alerting);
                        break;
                    case ReadingKind.Weight:
                        Evaluate(Signal.Weight, value, entry, alerting);
                        WatchWeightGain(value, entry, alerting);
                        break;
                    case ReadingKind.Fev1:
                        state.Fev1 = IsNewer(state.Fev1, at) ? new VitalSample(value, at, entry.Id) : state.Fev1;
                        work = InstantWork.LungFunction;
                        break;
                    case ReadingKind.PeakFlow:
                        state.PeakFlow = IsNewer(state.PeakFlow, at) ? new VitalSample(value, at, entry.Id) : state.PeakFlow;
                        work = InstantWork.LungFunction;
                        break;
                    case ReadingKind.StorageTemperature:
                        WatchColdChain(value, entry, alerting);
                        break;
                }

                break;
            case BloodPressureReading pressure:
                if (IsNewer(state.Systolic, at))
                {
                    state.Systolic = new VitalSample(pressure.Systolic, at, entry.Id);
                    news2Changed = true;
                }

                Evaluate(Signal.Systolic, pressure.Systolic, entry, alerting);
                Evaluate(Signal.Diastolic, pressure.Diastolic, entry, alerting);
                break;
            case GlucoseReading glucose:
                Evaluate(Signal.Glucose, glucose.MgPerDl, entry, alerting);
                if (glucose.Method == GlucoseMethod.Cgm && state.AddGlucose(new GlucosePoint(at, glucose.MgPerDl)) is var position and >= 0
                    && GlucoseTrends.Compute(state.RecentGlucose, position + 1) is { } trend)
                {
                    entry.Trend = trend;
                    Evaluate(Signal.GlucosePredicted, trend.PredictedMgPerDl, entry, alerting);
                }

                break;
            case CodedReading { Kind: ReadingKind.EcgRhythm } rhythm:
                EvaluateCode(Signal.EcgRhythm, rhythm.Code, entry, alerting);
                break;
            case CodedReading consciousness:
                if (state.Consciousness is not { } known || at > known.At)
                {
                    state.Consciousness = new CodeSample(consciousness.Code, at, entry.Id);
                    news2Changed = true;
                }

                EvaluateCode(Signal.Consciousness, consciousness.Code, entry, alerting);
                break;
            case OxygenSupplementReading oxygen:
                if (state.OnOxygen is not { } current || at > current.At)
                {
                    state.OnOxygen = new FlagSample(oxygen.OnOxygen, at, entry.Id);
                    news2Changed = true;
                }

                break;
            case DoseEventReading dose:
                result.Add(new DoseReported(state.PatientId, at, dose.MedicationId, dose.Event, dose.ScheduledFor, entry.Id));
                break;
            case InhalerActuationReading inhaler:
                result.Add(new InhalerActuated(state.PatientId, at, inhaler.MedicationId, inhaler.Puffs, entry.Id, receivedAt));
                break;
        }

        return news2Changed ? work | InstantWork.News2 : work;
    }

    /// <summary>Called once per patient and instant, after all the readings of that instant (a spot check's BP and pulse, a spirometry's FEV1 and peak flow).</summary>
    public void CompleteInstant(ReadingEntry entry, bool alerting, InstantWork work)
    {
        if (work.HasFlag(InstantWork.News2))
        {
            ScoreNews2(entry, alerting);
        }

        if (work.HasFlag(InstantWork.LungFunction))
        {
            GradeLungFunction(entry, alerting);
        }
    }

    /// <summary>NEWS2 parameters and spirometry keep their newest sample; a late reading does not replace it.</summary>
    private static bool IsNewer(VitalSample? current, DateTimeOffset at) => current is not { } known || at > known.At;

    /// <summary>Scores NEWS2 at the entry's time from the latest parameters, records it when it changed and runs the NEWS2 rules.</summary>
    private void ScoreNews2(ReadingEntry entry, bool alerting)
    {
        var at = entry.At;
        var window = options.News2Window;
        var input = new News2Input(
            Value(state.RespiratoryRate, at, window),
            Value(state.Spo2, at, window),
            profile.Spo2Scale,
            state.OnOxygen is { } oxygen && IsFresh(oxygen.At, at, window) ? oxygen.Value : profile.OnSupplementalOxygen,
            Value(state.Systolic, at, window),
            Value(state.Pulse, at, window),
            state.Consciousness is { } level && IsFresh(level.At, at, window) ? level.Code : profile.AssumedConsciousness,
            Value(state.Temperature, at, window));
        var score = News2.Score(input);
        if (state.LastNews2 != score)
        {
            state.LastNews2 = score;
            result.Add(new News2Entry(state.PatientId, at, score, Sources(at, window)));
        }

        // Always evaluated, changed or not: the rules may not have seen this score (it came from an old upload).
        Evaluate(Signal.News2Total, score.Total, entry, alerting, mayClear: score.Complete);
    }

    /// <summary>A sample counts when it was measured at or before the scored instant and within the window (never a later one).</summary>
    private static bool IsFresh(DateTimeOffset measured, DateTimeOffset at, TimeSpan window) => measured <= at && at - measured <= window;

    private static double? Value(VitalSample? sample, DateTimeOffset at, TimeSpan window) =>
        sample is { } s && IsFresh(s.At, at, window) ? s.Value : null;

    /// <summary>
    /// Runs the COPD zone rules on the lower of FEV1 and peak flow measured at this instant, each as a percentage of the
    /// patient's personal best; nothing is evaluated for a measure without a baseline.
    /// </summary>
    private void GradeLungFunction(ReadingEntry entry, bool alerting)
    {
        if (PersonalBest.Lowest(MeasuredAt(state.Fev1, entry.At), MeasuredAt(state.PeakFlow, entry.At), profile.Baselines) is { } lowest)
        {
            Evaluate(Signal.PercentOfPersonalBest, lowest.Percent, entry, alerting, detail: lowest.Describe());
        }
    }

    private static double? MeasuredAt(VitalSample? sample, DateTimeOffset at) => sample is { } s && s.At == at ? s.Value : null;

    /// <summary>A weight: recorded in the week's weights (also when too old to alert) and evaluated by the weight-gain rule.</summary>
    private void WatchWeightGain(double kg, ReadingEntry entry, bool alerting)
    {
        var episodeStart = state.WeightGain?.EpisodeStart;
        var step = WeightGainRule.Step(state.WeightGain, kg, entry.At, profile.WeightGain, options.WeightGain, alerting);
        state.WeightGain = step.State;
        var dedupKey = AlertIds.DedupKey(state.PatientId, WeightGainRule.Id);
        if (step.Transition == RuleTransition.Raised)
        {
            result.Add(new AlertRaised(AlertIds.For(dedupKey, entry.At), dedupKey, state.PatientId, WeightGainRule.Id,
                WeightGainRule.Title(step.Period, step.GainKg!.Value, kg, profile.Baselines.DryWeight), WeightGainRule.Priority, WeightGainRule.Category,
                AlertDirection.High, entry.At, entry.At, step.GainKg, null, Ucum.Kilogram, entry.Id, receivedAt));
        }
        else if (step.Transition == RuleTransition.Cleared)
        {
            result.Add(new AlertCleared(AlertIds.For(dedupKey, episodeStart!.Value), dedupKey, state.PatientId, WeightGainRule.Id, entry.At, step.GainKg, null,
                Ucum.Kilogram, entry.Id));
        }
    }

    /// <summary>The readings a score at <paramref name="at"/> used: each parameter's newest sample, when it is fresh.</summary>
    private News2Source[] Sources(DateTimeOffset at, TimeSpan window)
    {
        Span<(string Parameter, DateTimeOffset? At, string? ReadingId)> samples =
        [
            (News2Source.RespiratoryRate, state.RespiratoryRate?.At, state.RespiratoryRate?.ReadingId),
            (News2Source.Spo2, state.Spo2?.At, state.Spo2?.ReadingId),
            (News2Source.AirOrOxygen, state.OnOxygen?.At, state.OnOxygen?.ReadingId),
            (News2Source.Systolic, state.Systolic?.At, state.Systolic?.ReadingId),
            (News2Source.Pulse, state.Pulse?.At, state.Pulse?.ReadingId),
            (News2Source.Consciousness, state.Consciousness?.At, state.Consciousness?.ReadingId),
            (News2Source.Temperature, state.Temperature?.At, state.Temperature?.ReadingId),
        ];
        var count = 0;
        foreach (var sample in samples)
        {
            count += Uses(sample, at, window) ? 1 : 0;
        }

        var sources = new News2Source[count];
        count = 0;
        foreach (var sample in samples)
        {
            if (Uses(sample, at, window))
            {
                sources[count++] = new News2Source(sample.Parameter, sample.ReadingId!, sample.At!.Value);
            }
        }

        return sources;

        static bool Uses((string, DateTimeOffset? At, string? ReadingId) sample, DateTimeOffset at, TimeSpan window) =>
            sample.At is { } measured && sample.ReadingId is not null && IsFresh(measured, at, window);
    }

    /// <summary>
    /// Ends the open episodes of rules the patient's policy no longer enables (after a policy edit); a family with another
    /// grade still raised keeps its alert at that grade. Called before the patient's first reading of a message.
    /// </summary>
    public void CloseEpisodesOfRulesLeftThePolicy(ReadingEntry entry)
    {
        foreach (var (ruleId, episodeStart) in state.Align(profile.Rules))
        {
            var familyId = profile.Rules.Rules.FirstOrDefault(r => r.Id == ruleId)?.FamilyId ?? ruleId;
            var dedupKey = AlertIds.DedupKey(state.PatientId, familyId);
            var alertId = AlertIds.For(dedupKey, episodeStart);
            if (AlertFamilies.Worst(profile.Rules.Family(familyId), state.RuleStates(profile.Rules)) is { Rule: var grade })
            {
                result.Add(new AlertRegraded(alertId, dedupKey, state.PatientId, grade.Id, grade.Title, grade.Priority, grade.Category, entry.At, null, "", entry.Id, receivedAt,
                    grade.RaiseAt));
            }
            else
            {
                result.Add(new AlertCleared(alertId, dedupKey, state.PatientId, ruleId, entry.At, null, null, "", entry.Id, ClearReason.RuleDisabled));
            }
        }

        if (profile.WeightGain is { Enabled: false } && state.WeightGain is { EpisodeStart: { } start } weights)
        {
            state.WeightGain = weights with { EpisodeStart = null, EpisodePeriod = null };
            var dedupKey = AlertIds.DedupKey(state.PatientId, WeightGainRule.Id);
            result.Add(new AlertCleared(AlertIds.For(dedupKey, start), dedupKey, state.PatientId, WeightGainRule.Id, entry.At, null, null, "", entry.Id,
                ClearReason.RuleDisabled));
        }
    }

    /// <summary>A fridge reading: steps its cold chain (also when too old to alert, so the excursion time stays right).</summary>
    private void WatchColdChain(double celsius, ReadingEntry entry, bool alerting)
    {
        var policy = options.ColdChain;
        var (next, transition) = ColdChain.Step(state.ColdChain.GetValueOrDefault(entry.DeviceId), celsius, entry.At, policy);
        var episodeStart = state.ColdChain.GetValueOrDefault(entry.DeviceId)?.EpisodeStart;
        state.ColdChain[entry.DeviceId] = next;
        if (!alerting || transition is not (RuleTransition.Raised or RuleTransition.Cleared))
        {
            return;
        }

        var rule = ColdChain.RuleId(entry.DeviceId);
        var dedupKey = AlertIds.DedupKey(state.PatientId, rule);
        var minutes = Math.Round(next.Outside.TotalMinutes);
        if (transition == RuleTransition.Raised)
        {
            var direction = celsius > policy.MaxCelsius ? AlertDirection.High : AlertDirection.Low;
            result.Add(new AlertRaised(AlertIds.For(dedupKey, entry.At), dedupKey, state.PatientId, rule,
                string.Create(CultureInfo.InvariantCulture,
                    $"Medication fridge {entry.DeviceId} outside {policy.MinCelsius:0.#}–{policy.MaxCelsius:0.#} °C for {minutes:0} min in {policy.Window.TotalHours:0} h"),
                policy.Priority, AlertCategory.Technical, direction, entry.At, entry.At, minutes, null, "min", entry.Id, receivedAt));
        }
        else
        {
            result.Add(new AlertCleared(AlertIds.For(dedupKey, episodeStart!.Value), dedupKey, state.PatientId, rule, entry.At, minutes, null, "min", entry.Id));
        }
    }

    /// <param name="detail">Appended to the title of the alert (the reading behind a derived value), when given.</param>
    private void Evaluate(Signal signal, double value, ReadingEntry entry, bool alerting, bool mayClear = true, string? detail = null)
    {
        if (!alerting)
        {
            return;
        }

        Span<Condition> buffer = stackalloc Condition[profile.Rules.Rules.Count];
        foreach (var grades in profile.Rules.Families(signal))
        {
            var conditions = buffer[..grades.Length];
            for (var i = 0; i < grades.Length; i++)
            {
                conditions[i] = grades[i].Rule.Evaluate(value);
            }

            Step(grades, conditions, value, null, entry, mayClear, detail);
        }
    }

    private void EvaluateCode(Signal signal, string code, ReadingEntry entry, bool alerting)
    {
        if (!alerting)
        {
            return;
        }

        Span<Condition> buffer = stackalloc Condition[profile.Rules.Rules.Count];
        foreach (var grades in profile.Rules.Families(signal))
        {
            var conditions = buffer[..grades.Length];
            for (var i = 0; i < grades.Length; i++)
            {
                conditions[i] = grades[i].Rule.Evaluate(code);
            }

            Step(grades, conditions, null, code, entry, mayClear: true);
        }
    }

    /// <summary>Steps one family of rules (a rule without a family is one of its own) and tells the workflows what its alert did.</summary>
    private void Step(IndexedRule[] grades, ReadOnlySpan<Condition> conditions, double? value, string? code, ReadingEntry entry, bool mayClear, string? detail = null)
    {
        var step = AlertFamilies.Step(grades, state.RuleStates(profile.Rules), conditions, entry.At, mayClear);
        if (step is not { Grade: { } rule, EpisodeStart: { } start })
        {
            return;
        }

        var dedupKey = AlertIds.DedupKey(state.PatientId, rule.FamilyId);
        var alertId = AlertIds.For(dedupKey, start);
        var unit = UnitOf(rule.Signal);
        var title = detail is null ? rule.Title : $"{rule.Title}: {detail}";
        result.Add(step.Transition switch
        {
            FamilyTransition.Raised => (WorkflowEvent)new AlertRaised(alertId, dedupKey, state.PatientId, rule.Id, title, rule.Priority,
                rule.Category, rule.Direction, entry.At, start, value, code, unit, entry.Id, receivedAt, rule.RaiseAt),
            FamilyTransition.Regraded => new AlertRegraded(alertId, dedupKey, state.PatientId, rule.Id, title, rule.Priority, rule.Category, entry.At, value, unit,
                entry.Id, receivedAt, rule.RaiseAt),
            _ => new AlertCleared(alertId, dedupKey, state.PatientId, rule.Id, entry.At, value, code, unit, entry.Id),
        });
    }

    private static string UnitOf(Signal signal) => signal switch
    {
        Signal.HeartRate or Signal.RespiratoryRate => Ucum.PerMinute,
        Signal.Spo2 or Signal.Battery or Signal.PercentOfPersonalBest => Ucum.Percent,
        Signal.BodyTemperature => Ucum.Celsius,
        Signal.Systolic or Signal.Diastolic => Ucum.MillimetreOfMercury,
        Signal.Glucose or Signal.GlucosePredicted => Ucum.MilligramsPerDecilitre,
        Signal.Weight => Ucum.Kilogram,
        _ => "",
    };
}
