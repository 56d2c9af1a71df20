namespace IoMT.Core.Pipeline;

/// <summary>
/// Lets batches that share nothing run at once and makes a batch wait while another holds any of its keys (the patients
/// whose states it may change, the devices whose message ids it records), so each is changed by one batch at a time. A
/// batch takes all its keys in one step, so two batches never wait for each other.
/// </summary>
internal sealed class BatchLocks
{
    private readonly HashSet<string> _held = new(StringComparer.Ordinal);
    private TaskCompletionSource _released = NewSignal();

    /// <summary>Takes all of <paramref name="keys"/> once none is held; disposing the result releases them.</summary>
    public async Task<IDisposable> AcquireAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task released;
            lock (_held)
            {
                if (!keys.Any(_held.Contains))
                {
                    _held.UnionWith(keys);
                    return new Lease(this, keys);
                }

                released = _released.Task;
            }

            await released.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void Release(IReadOnlyCollection<string> keys)
    {
        TaskCompletionSource released;
        lock (_held)
        {
            _held.ExceptWith(keys);
            (released, _released) = (_released, NewSignal());
        }

        released.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Lease(BatchLocks locks, IReadOnlyCollection<string> keys) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                locks.Release(keys);
            }
        }
    }
}
