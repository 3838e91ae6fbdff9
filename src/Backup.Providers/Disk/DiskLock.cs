namespace Backup.Providers.Disk;

/// <summary>
/// Serialises writers to one store folder: a semaphore inside the process, and an exclusively opened
/// lock file (FileShare.None, an OS-level lock on Linux and Windows) across processes.
/// The lock file is never deleted: deleting it would let two writers lock two different files.
/// </summary>
internal sealed class DiskLock(string lockFilePath, TimeSpan timeout, TimeProvider timeProvider)
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMilliseconds(50);
    private readonly SemaphoreSlim _inProcess = new(1, 1);

    public async Task<IDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        if (!await _inProcess.WaitAsync(timeout, cancellationToken).ConfigureAwait(false))
        {
            throw new TimeoutException($"The store lock was not acquired within {timeout}.");
        }

        try
        {
            var delay = TimeSpan.FromMilliseconds(2);
            while (true)
            {
                try
                {
                    var file = new FileStream(lockFilePath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    return new Releaser(file, _inProcess);
                }
                catch (IOException) when (timeProvider.GetElapsedTime(started) < timeout)
                {
                    // Another process holds the lock; writes are short, so retry briefly.
                    await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
                }
                catch (IOException ex)
                {
                    throw new TimeoutException($"The lock file '{lockFilePath}' was not acquired within {timeout}; another process holds it.", ex);
                }
            }
        }
        catch
        {
            _inProcess.Release();
            throw;
        }
    }

    private sealed class Releaser(FileStream file, SemaphoreSlim inProcess) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                file.Dispose();
                inProcess.Release();
            }
        }
    }
}
