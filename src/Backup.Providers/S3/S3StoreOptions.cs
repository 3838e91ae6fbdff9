using Backup.Providers.Configuration;

namespace Backup.Providers.S3;

/// <summary>S3 store settings (<c>Backup:S3:*</c>, <c>Management:Store:S3:*</c>).</summary>
public sealed class S3StoreOptions
{
    public string? Bucket { get; set; }

    /// <summary>The AWS region, e.g. <c>eu-west-1</c>; with <see cref="ServiceUrl"/> it is the signing region.</summary>
    public string? Region { get; set; }

    /// <summary>The endpoint of an S3-compatible service (MinIO, s3rver, ...); AWS itself when unset.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Address buckets as <c>host/bucket</c> instead of <c>bucket.host</c> (most S3-compatible services need this).</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>A key prefix inside the bucket, e.g. <c>gateways/prod</c>; objects are stored under <c>{Prefix}/{key}</c>.</summary>
    public string? Prefix { get; set; }

    /// <summary>
    /// Whether the service enforces conditional writes (<c>If-None-Match: *</c>, <c>If-Match</c>). AWS S3 does;
    /// some S3-compatible services (s3rver) ignore them, so set <see langword="false"/> there. The conditions are sent either way.
    /// </summary>
    public bool ConditionalWrites { get; set; } = true;

    /// <summary>Static access key for S3-compatible services; leave unset to use the AWS default credential chain.</summary>
    public string? AccessKeyId { get; set; }

    public string? SecretAccessKey { get; set; }

    /// <summary>Timeout of one HTTP attempt.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after a failed attempt (the SDK's standard mode: exponential back-off with jitter).</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Objects per list request (at most 1000, the service's maximum and default).</summary>
    public int? ListPageSize { get; set; }

    internal void Validate(string path, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(Bucket))
        {
            errors.Add($"{path}:Bucket is required.");
        }
        else if (Bucket.Length is < 3 or > 63 || Bucket.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.')))
        {
            errors.Add($"{path}:Bucket must be 3-63 lowercase letters, digits, dots and hyphens.");
        }

        if (!string.IsNullOrWhiteSpace(ServiceUrl)
            && (!Uri.TryCreate(ServiceUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
        {
            errors.Add($"{path}:ServiceUrl must be an absolute http(s) URL, e.g. http://127.0.0.1:9000.");
        }

        if (string.IsNullOrWhiteSpace(AccessKeyId) != string.IsNullOrWhiteSpace(SecretAccessKey))
        {
            errors.Add($"Set both {path}:AccessKeyId and {path}:SecretAccessKey, or neither (AWS default credential chain).");
        }

        if (!string.IsNullOrWhiteSpace(Prefix) && !ObjectKey.IsValid(Prefix.TrimEnd('/'), out var reason))
        {
            errors.Add($"{path}:Prefix is not a valid key prefix: {reason}");
        }

        OptionRules.ValidateTransport(path, Timeout, MaxRetries, ListPageSize, errors);
    }
}
