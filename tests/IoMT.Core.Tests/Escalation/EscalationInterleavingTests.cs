using IoMT.Core.Escalation;
using static IoMT.Core.Tests.Escalation.EscalationFixture;

namespace IoMT.Core.Tests.Escalation;

/// <summary>
/// Seeded random interleavings of timers (on time, duplicated, stale), acknowledgements, resolutions, snoozes and
/// cleared conditions, delivered in random order, against the escalation decider's two promises.
/// </summary>
public class EscalationInterleavingTests
{
    private const int Runs = 3000;

    [Fact]
    public void RandomInterleavings_NoLevelNotifiedAfterAnAcknowledgementUnlessItTimedOut()
    {
        for (var seed = 0; seed < Runs; seed++)
        {
            var random = new Random(seed);
            var policy = Policy(ackTimeout: random.Next(2) == 0 ? TimeSpan.FromMinutes(15) : null, autoResolve: random.Next(2) == 0, repeats: random.Next(3));
            var decision = Start(policy);
            var state = decision.State;
            var keys = decision.Commands.Select(c => c.IdempotencyKey).ToHashSet();
            var firedTimers = new List<string>();
            var now = T0;

            for (var step = 0; step < 60 && state.Status != AlertStatus.Resolved; step++)
            {
                var input = NextInput(random, state, firedTimers, ref now, mayAct: true);
                var before = state;
                decision = EscalationDecider.Decide(state, input);
                state = decision.State;

                var notified = decision.Commands.OfType<NotifyLevel>().ToList();
                var retrigger = input is TimerFired && before.Timer?.Purpose is TimerPurpose.AckTimeout or TimerPurpose.SnoozeEnd;
                if (notified.Count > 0)
                {
                    Assert.True(input is TimerFired, $"seed {seed}: {input.GetType().Name} notified a level");
                    Assert.True(before.Status == AlertStatus.Triggered || retrigger, $"seed {seed}: level notified while {before.Status}");
                }

                Assert.All(decision.Commands, c => Assert.True(keys.Add(c.IdempotencyKey), $"seed {seed}: key {c.IdempotencyKey} issued twice"));
            }
        }
    }

    [Fact]
    public void RandomInterleavings_WithoutAcknowledgement_EveryLevelOfEveryPassIsNotifiedOnceInOrderOnTime()
    {
        for (var seed = 0; seed < Runs; seed++)
        {
            var random = new Random(seed);
            var policy = Policy(autoResolve: false, repeats: random.Next(3));
            var decision = Start(policy);
            var state = decision.State;
            var notified = decision.Commands.OfType<NotifyLevel>().Select(n => (n.Level, n.Pass, At: T0)).ToList();
            var firedTimers = new List<string>();
            var now = T0;

            while (!state.Exhausted)
            {
                var input = NextInput(random, state, firedTimers, ref now, mayAct: false);
                decision = EscalationDecider.Decide(state, input);
                state = decision.State;
                notified.AddRange(decision.Commands.OfType<NotifyLevel>().Select(n => (n.Level, n.Pass, input.At)));
            }

            var expected = new List<(int, int, DateTimeOffset)>();
            var at = T0;
            for (var pass = 0; pass <= policy.Repeats; pass++)
            {
                for (var level = 0; level < policy.Levels.Count; level++)
                {
                    expected.Add((level, pass, at));
                    at += policy.Levels[level].EscalateAfter;
                }
            }

            Assert.Equal(expected, notified);
        }
    }

    /// <summary>
    /// The next thing to happen: usually the pending timer at its due time; otherwise a timer that already fired again
    /// (a redelivery), or, when <paramref name="mayAct"/>, a person acting or the condition clearing a little later.
    /// Without <paramref name="mayAct"/>, only cleared conditions (which do not stop a policy without auto-resolve),
    /// and timers always in time order.
    /// </summary>
    private static EscalationInput NextInput(Random random, EscalationState state, List<string> firedTimers, ref DateTimeOffset now, bool mayAct)
    {
        var roll = random.Next(100);
        var later = now + TimeSpan.FromSeconds(random.Next(1, 240));

        // With people acting, a timer may be delivered after things that happened later (out of order); without, on time.
        if (state.Timer is { } timer && (roll < 55 || (!mayAct && later >= timer.Due)))
        {
            now = timer.Due > now ? timer.Due : now;
            firedTimers.Add(timer.Id);
            return new TimerFired(timer.Id, now);
        }

        if (firedTimers.Count > 0 && roll < 70)
        {
            return new TimerFired(firedTimers[random.Next(firedTimers.Count)], now);
        }

        now = later;
        if (!mayAct || roll < 75)
        {
            return new ConditionCleared(now, "reading-" + random.Next(3));
        }

        return (roll % 4) switch
        {
            0 => new AcknowledgeAlert("user-" + random.Next(3), now),
            1 => new ResolveAlert("user-" + random.Next(3), now),
            2 => new SnoozeAlert("user-" + random.Next(3), now, now + TimeSpan.FromMinutes(random.Next(-1, 30)), (SnoozeReach)random.Next(3)),
            _ => new AcknowledgeAlert("user-" + random.Next(3), now),
        };
    }
}
