using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Backup.Providers.Errors;

namespace Backup.Providers.S3;

/// <summary>Builds the S3 store from validated options; the SDK's retry policy is the only retry layer.</summary>
internal static class S3StoreBuilder
{
    public static S3ObjectStore Build(S3StoreOptions options, string path)
    {
        var name = $"s3 (bucket '{options.Bucket}')";
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            RetryMode = RequestRetryMode.Standard, // exponential back-off with jitter
            MaxErrorRetry = options.MaxRetries,
            Timeout = options.Timeout,
            ConnectTimeout = options.Timeout < TimeSpan.FromSeconds(10) ? options.Timeout : TimeSpan.FromSeconds(10),
        };

        try
        {
            if (!string.IsNullOrWhiteSpace(options.ServiceUrl))
            {
                config.ServiceURL = options.ServiceUrl;
                config.AuthenticationRegion = string.IsNullOrWhiteSpace(options.Region) ? "us-east-1" : options.Region;
            }
            else if (!string.IsNullOrWhiteSpace(options.Region))
            {
                config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
            }
        }
        catch (Exception ex) when (ex is ArgumentException or AmazonClientException)
        {
            throw StoreErrors.Configuration(name, $"{path}:Region", $"{path}:Region or {path}:ServiceUrl is not usable: {ex.Message}");
        }

        var hasKeys = !string.IsNullOrWhiteSpace(options.AccessKeyId);
        var descriptor = new StoreDescriptor(
            name,
            $"{path}:Bucket",
            $"Create bucket '{options.Bucket}' or fix {path}:Bucket (and {path}:Region or {path}:ServiceUrl).",
            hasKeys ? $"{path}:AccessKeyId" : null,
            hasKeys
                ? $"Check {path}:AccessKeyId and {path}:SecretAccessKey."
                : "Credentials come from the AWS default chain (AWS_* environment variables, ECS task role, instance profile; web identity/IRSA is not supported); check that they resolve and allow s3:GetObject, s3:PutObject, s3:DeleteObject and s3:ListBucket on the bucket.");

        AmazonS3Client client;
        try
        {
            client = hasKeys
                ? new AmazonS3Client(new BasicAWSCredentials(options.AccessKeyId, options.SecretAccessKey), config)
                : new AmazonS3Client(config);
        }
        catch (AmazonClientException ex)
        {
            throw StoreErrors.Configuration(name, $"{path}:Region", $"the S3 client could not be created; check {path}:Region (or AWS_REGION) and {path}:ServiceUrl: {ex.Message}");
        }

        var prefix = string.IsNullOrWhiteSpace(options.Prefix) ? string.Empty : options.Prefix.TrimEnd('/') + "/";
        return new S3ObjectStore(client, options.Bucket!, prefix, options.ListPageSize, new StoreCapabilities(options.ConditionalWrites), descriptor);
    }
}
