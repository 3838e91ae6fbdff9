namespace Backup.Providers.Errors;

/// <summary>
/// Runs one store call and maps its failures through <see cref="StoreErrors"/>, the same way for every provider.
/// Cancellation asked for by the caller stays an <see cref="OperationCanceledException"/>;
/// a cancellation the caller did not ask for is an SDK timeout.
/// </summary>
internal static class StoreOperation
{
    public static async Task<T> RunAsync<T>(
        StoreDescriptor store,
        string operation,
        Func<Exception, StoreFailure?> classify,
        Func<CancellationToken, Task<T>> action,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return await action(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException ex)
        {
            throw StoreErrors.Create(store, StoreFailure.Timeout, operation, ex);
        }
        catch (Exception ex) when (ex is not ObjectStoreException and not ArgumentException && classify(ex) is { } failure)
        {
            throw StoreErrors.Create(store, failure, operation, ex);
        }
    }
}
