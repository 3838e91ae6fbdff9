namespace Backup.Providers.Errors;

/// <summary>The one place that turns a classified failure into an <see cref="ObjectStoreException"/> message.</summary>
internal static class StoreErrors
{
    public static ObjectStoreException Create(StoreDescriptor store, StoreFailure failure, string operation, Exception inner)
    {
        var detail = Detail(inner);
        return failure switch
        {
            StoreFailure.LocationMissing => new ObjectStoreException(
                store.Name,
                $"{store.Name}: {operation} failed because the location set in {store.LocationSetting} does not exist. {store.LocationHint} {detail}",
                store.LocationSetting,
                inner),
            StoreFailure.AccessDenied => new ObjectStoreException(
                store.Name,
                $"{store.Name}: {operation} failed because access was denied. {store.CredentialHint} {detail}",
                store.CredentialSetting,
                inner),
            StoreFailure.Unavailable => new ObjectStoreException(
                store.Name,
                $"{store.Name}: {operation} failed because the service could not be reached. {detail}",
                null,
                inner),
            StoreFailure.Timeout => new ObjectStoreException(
                store.Name,
                $"{store.Name}: {operation} timed out. {detail}",
                null,
                inner),
            _ => new ObjectStoreException(store.Name, $"{store.Name}: {operation} failed. {detail}", null, inner),
        };
    }

    public static ObjectStoreException Configuration(string store, string setting, string message) =>
        new(store, $"{store}: {message}", setting);

    private static string Detail(Exception inner)
    {
        // SDK messages can run to many lines (Azure appends headers); the first line says what happened.
        var message = (inner is AggregateException { InnerExceptions.Count: > 0 } aggregate ? aggregate.InnerExceptions[^1] : inner).Message;
        var newline = message.IndexOf('\n', StringComparison.Ordinal);
        return $"({inner.GetType().Name}: {(newline < 0 ? message : message[..newline].TrimEnd())})";
    }
}
