namespace EdgeGateway.Contracts.Cli;

/// <summary>
/// What the object-store settings mean, by property name: one text for the gateway's <c>Backup:*</c> and the management
/// plane's <c>Management:Store:*</c>, which bind the same provider options.
/// </summary>
public static class StoreSettingMeanings
{
    public static readonly IReadOnlyDictionary<string, string> Disk = new Dictionary<string, string>
    {
        ["Path"] = "disk: the folder that holds the objects",
        ["LockTimeout"] = "disk: how long a write waits for the folder's lock",
    };

    public static readonly IReadOnlyDictionary<string, string> Blob = new Dictionary<string, string>
    {
        ["ConnectionString"] = "blob: storage connection string (secret); or ServiceUri",
        ["ServiceUri"] = "blob: account URL (https), with managed/workload identity",
        ["ManagedIdentityClientId"] = "blob: client id of a user-assigned managed identity",
        ["Container"] = "blob: container name (required)",
        ["CreateContainer"] = "blob: create the container when missing",
        ["Timeout"] = "blob: per-request timeout",
        ["MaxRetries"] = "blob: retries of a failed request",
        ["ListPageSize"] = "blob: objects per list page (tests)",
    };

    public static readonly IReadOnlyDictionary<string, string> S3 = new Dictionary<string, string>
    {
        ["Bucket"] = "s3: bucket name (required)",
        ["Region"] = "s3: region (else AWS_REGION)",
        ["ServiceUrl"] = "s3: endpoint of an S3-compatible service (MinIO)",
        ["ForcePathStyle"] = "s3: path-style addressing (MinIO)",
        ["Prefix"] = "s3: key prefix for every object",
        ["ConditionalWrites"] = "s3: use If-Match/If-None-Match writes",
        ["AccessKeyId"] = "s3: access key id; unset: AWS default credential chain",
        ["SecretAccessKey"] = "s3: secret access key (secret)",
        ["Timeout"] = "s3: per-request timeout",
        ["MaxRetries"] = "s3: retries of a failed request",
        ["ListPageSize"] = "s3: objects per list page (tests)",
    };

    /// <summary>
    /// Environment variables the Azure and AWS SDKs read for the credentials the stores use (not configuration keys).
    /// Only what works: AWS web identity (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE; EKS IRSA) is not listed, because
    /// the SDK loads AWSSDK.SecurityToken for it by reflection and no project references that package.
    /// </summary>
    public static readonly IReadOnlyList<Setting> CloudEnvironment =
    [
        new("AZURE_CLIENT_ID", "-", "blob/managed identity: client id DefaultAzureCredential uses (workload identity)"),
        new("AZURE_TENANT_ID", "-", "blob: tenant for workload identity or a service principal"),
        new("AZURE_FEDERATED_TOKEN_FILE", "-", "blob/managed identity: workload identity token file (AKS)"),
        new("AZURE_CLIENT_SECRET", "-", "blob: service principal secret (environment credential)"),
        new("AWS_REGION", "-", "s3: region when S3:Region is unset"),
        new("AWS_ACCESS_KEY_ID", "-", "s3: default credential chain: access key id"),
        new("AWS_SECRET_ACCESS_KEY", "-", "s3: default credential chain: secret access key"),
        new("AWS_SESSION_TOKEN", "-", "s3: default credential chain: session token"),
    ];

    /// <summary>Read by both binaries: traces, metrics and logs go to Application Insights when it is set.</summary>
    public static readonly Setting ApplicationInsights = new("APPLICATIONINSIGHTS_CONNECTION_STRING", "-",
        "Application Insights connection string (secret): exports traces, metrics and logs to Azure Monitor");
}
