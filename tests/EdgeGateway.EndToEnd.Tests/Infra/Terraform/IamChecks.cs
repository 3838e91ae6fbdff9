using System.Text.Json;
using System.Text.RegularExpressions;

namespace EdgeGateway.EndToEnd.Tests.Infra.Terraform;

/// <summary>
/// Least privilege, read from the module: a container's task role may use only the four S3 actions its object store
/// needs, on its own prefix of the bucket its settings name; its execution role may read exactly the secrets the
/// container injects.
/// </summary>
internal static partial class IamChecks
{
    private static readonly HashSet<string> ObjectActions = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"];
    private const string ListBucket = "s3:ListBucket";

    /// <summary>The task role of <paramref name="containerName"/>, whose store settings start with
    /// <paramref name="settingsPrefix"/> (<c>Backup__S3__</c>), is scoped to that store's bucket and prefix, and names
    /// no other bucket. <paramref name="listing"/> says how s3:ListBucket must be limited.</summary>
    public static IEnumerable<string> TaskRoleScopedToPrefix(TerraformFolder folder, string containerName, string settingsPrefix, ListScope listing)
    {
        var (containers, parsed) = ContainerDefinition.All(folder);
        var problems = parsed.ToList();
        var container = containers.SingleOrDefault(c => c.Name == containerName);
        if (container is null)
        {
            return [.. problems, $"{folder.Name}: no task definition has a container named \"{containerName}\""];
        }

        var where = $"{folder.Name}: {container.TaskDefinition} ({containerName})";
        var env = container.Environment.ToDictionary(e => e.Name, e => e.Value);
        var bucket = env.TryGetValue(settingsPrefix + "Bucket", out var b) ? TerraformExpression.Address(b) : null;
        var prefix = env.TryGetValue(settingsPrefix + "Prefix", out var p) ? p : null;
        if (bucket is null || !bucket.StartsWith("aws_s3_bucket.", StringComparison.Ordinal) || string.IsNullOrEmpty(prefix))
        {
            return [$"{where}: {settingsPrefix}Bucket must be the bucket resource's name and {settingsPrefix}Prefix set, so its role can be scoped to them"];
        }

        var statements = RoleStatements(folder, container.Referenced("task_role_arn"), where, "task_role_arn", problems);
        var bucketArn = "${" + bucket + ".arn}";
        var objectArn = bucketArn + "/" + prefix + "/*";
        var granted = new HashSet<string>();
        foreach (var (policy, statement) in statements)
        {
            var at = $"{where}: {policy}";
            var actions = Strings(statement, "actions");
            var resources = Strings(statement, "resources");
            granted.UnionWith(actions);
            problems.AddRange(Unscoped(statement, at));
            foreach (var other in resources.SelectMany(r => BucketReference().Matches(r)).Select(m => m.Groups["address"].Value).Where(a => a != bucket).Distinct())
            {
                problems.Add($"{at}: names {other}, a bucket its {settingsPrefix}Bucket does not name (each plane reaches only its own bucket)");
            }

            foreach (var action in actions.Where(a => a != ListBucket && !ObjectActions.Contains(a)))
            {
                problems.Add($"{at}: allows {action}; only s3:GetObject, s3:PutObject, s3:DeleteObject and s3:ListBucket are needed");
            }

            if (actions.Contains(ListBucket))
            {
                if (actions.Count > 1)
                {
                    problems.Add($"{at}: s3:ListBucket must be in a statement of its own (its resource is the bucket, not objects)");
                }

                if (!resources.SequenceEqual([bucketArn]))
                {
                    problems.Add($"{at}: s3:ListBucket's resources must be exactly {bucketArn}, not [{string.Join(", ", resources)}]");
                }

                var conditioned = statement.TryGetProperty("condition", out var conditions) && conditions.GetArrayLength() > 0;
                var prefixes = conditioned
                    ? conditions.EnumerateArray().Where(c => c.GetProperty("variable").GetString() == "s3:prefix" && c.GetProperty("test").GetString() is "StringLike" or "StringEquals").SelectMany(c => Strings(c, "values")).ToList()
                    : [];
                if (listing == ListScope.Prefix && (prefixes.Count == 0 || prefixes.Any(v => !v.StartsWith(prefix + "/", StringComparison.Ordinal))))
                {
                    problems.Add($"{at}: s3:ListBucket needs an s3:prefix condition limited to {prefix}/ (got [{string.Join(", ", prefixes)}])");
                }

                if (listing == ListScope.OwnBucket && conditioned)
                {
                    problems.Add($"{at}: s3:ListBucket on its own bucket must be unconditional: S3 answers a read of a missing object with 404 only to a caller allowed to list the bucket, and 403 under a condition the read does not carry");
                }
            }
            else
            {
                foreach (var resource in resources.Where(r => r != objectArn))
                {
                    problems.Add($"{at}: object actions on {resource}; only {objectArn} (the objects under {settingsPrefix}Prefix) is allowed");
                }
            }
        }

        foreach (var missing in ObjectActions.Append(ListBucket).Where(a => !granted.Contains(a)).Order())
        {
            problems.Add($"{where}: the task role does not allow {missing}, which the store needs");
        }

        return problems;
    }

    /// <summary>The gateway's backups and the plane's state are in two different buckets (the plane's role lists its
    /// whole bucket).</summary>
    public static IEnumerable<string> SeparateBuckets(TerraformFolder folder)
    {
        var (containers, parsed) = ContainerDefinition.All(folder);
        var problems = parsed.ToList();
        string? BucketOf(string container, string setting) => containers.SingleOrDefault(c => c.Name == container)?.Environment
            .Where(e => e.Name == setting).Select(e => TerraformExpression.Address(e.Value)).FirstOrDefault();
        var backups = BucketOf("gateway", "Backup__S3__Bucket");
        var state = BucketOf("management", "Management__Store__S3__Bucket");
        if (backups is null || state is null)
        {
            problems.Add($"{folder.Name}: Backup__S3__Bucket (gateway) and Management__Store__S3__Bucket (management) must each name an aws_s3_bucket of this module");
        }
        else if (backups == state)
        {
            problems.Add($"{folder.Name}: the gateway's backups and the plane's state are both in {backups}; give the plane a bucket of its own");
        }

        return problems;
    }

    /// <summary>The execution role of each container reads exactly the secrets the container injects, nothing else.</summary>
    public static IEnumerable<string> ExecutionRoleReadsExactlyItsSecrets(TerraformFolder folder)
    {
        var (containers, parsed) = ContainerDefinition.All(folder);
        var problems = parsed.ToList();
        foreach (var container in containers)
        {
            var where = $"{folder.Name}: {container.TaskDefinition} ({container.Name})";
            var statements = RoleStatements(folder, container.Referenced("execution_role_arn"), where, "execution_role_arn", problems, allowManagedPolicies: true);
            var readable = new HashSet<string>();
            foreach (var (policy, statement) in statements)
            {
                problems.AddRange(Unscoped(statement, $"{where}: {policy}"));
                var actions = Strings(statement, "actions");
                if (actions.Any(a => a.StartsWith("secretsmanager:", StringComparison.Ordinal) || a.StartsWith("ssm:", StringComparison.Ordinal)))
                {
                    readable.UnionWith(Strings(statement, "resources"));
                }
            }

            var injected = container.Secrets.Select(s => s.ValueFrom).ToHashSet();
            foreach (var extra in readable.Except(injected).Order())
            {
                problems.Add($"{where}: the execution role can read {extra}, which this container does not inject");
            }

            foreach (var missing in injected.Except(readable).Order())
            {
                problems.Add($"{where}: the execution role cannot read {missing}, which this container injects (the task would not start)");
            }
        }

        return problems;
    }

    /// <summary>The statements of every inline policy of the role the task definition's attribute names.</summary>
    private static List<(string Policy, JsonElement Statement)> RoleStatements(
        TerraformFolder folder, string? role, string where, string attribute, List<string> problems, bool allowManagedPolicies = false)
    {
        var statements = new List<(string, JsonElement)>();
        if (role is null || !folder.Resources.TryGetValue(role, out var roleBody) || !role.StartsWith("aws_iam_role.", StringComparison.Ordinal))
        {
            problems.Add($"{where}: {attribute} must reference an aws_iam_role of this module");
            return statements;
        }

        foreach (var unverifiable in new[] { "inline_policy", "managed_policy_arns" }.Where(n => roleBody.Has(n)))
        {
            problems.Add($"{where}: {role} sets {unverifiable}; grant through aws_iam_role_policy with an aws_iam_policy_document");
        }

        foreach (var (address, body) in folder.ResourcesOfType("aws_iam_role_policy_attachment").Concat(folder.ResourcesOfType("aws_iam_policy_attachment")))
        {
            var attached = body.TryGetProperty("role", out var r) ? TerraformExpression.Address(r.GetString()) : null;
            if (!allowManagedPolicies && attached == role)
            {
                problems.Add($"{where}: {address} attaches a managed policy to {role}: it cannot be checked and is not needed");
            }
        }

        foreach (var (address, body) in folder.ResourcesOfType("aws_iam_role_policy"))
        {
            if (!body.TryGetProperty("role", out var r) || TerraformExpression.Address(r.GetString()) != role)
            {
                continue;
            }

            var document = body.TryGetProperty("policy", out var p) ? TerraformExpression.Address(p.GetString()) : null;
            if (document is null || !document.StartsWith("data.aws_iam_policy_document.", StringComparison.Ordinal)
                || !folder.Data.TryGetValue(document["data.".Length..], out var doc))
            {
                problems.Add($"{where}: {address}.policy must be an aws_iam_policy_document's json, so that it can be checked");
                continue;
            }

            statements.AddRange(doc.GetProperty("statement").EnumerateArray().Select(s => (address, s)));
        }

        if (statements.Count == 0)
        {
            problems.Add($"{where}: {role} has no inline policy");
        }

        return statements;
    }

    private static IEnumerable<string> Unscoped(JsonElement statement, string at)
    {
        if (statement.TryGetProperty("effect", out var effect) && effect.GetString() != "Allow")
        {
            yield break; // a Deny narrows, it never grants
        }

        foreach (var negated in new[] { "not_actions", "not_resources", "not_principals" }.Where(n => statement.Has(n)))
        {
            yield return $"{at}: {negated} grants everything else; list what is allowed instead";
        }

        foreach (var action in Strings(statement, "actions").Where(a => a.Contains('*', StringComparison.Ordinal)))
        {
            yield return $"{at}: wildcard action {action}";
        }

        foreach (var resource in Strings(statement, "resources").Where(r => r.Trim() == "*" || r.EndsWith(":*", StringComparison.Ordinal)))
        {
            yield return $"{at}: wildcard resource {resource}";
        }
    }

    private static List<string> Strings(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(v => v.ToString()).ToList()
            : [];

    private static bool Has(this JsonElement element, string name) => element.TryGetProperty(name, out _);

    [GeneratedRegex(@"\$\{(?<address>aws_s3_bucket\.[A-Za-z_][A-Za-z0-9_-]*)\.")]
    private static partial Regex BucketReference();
}

/// <summary>How a task role's s3:ListBucket must be limited.</summary>
public enum ListScope
{
    /// <summary>To the store's prefix, by an s3:prefix condition (the issue asks this of the gateway).</summary>
    Prefix,

    /// <summary>The whole of the plane's own bucket, unconditionally (missing objects then read as 404).</summary>
    OwnBucket,
}
