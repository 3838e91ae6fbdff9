using System.Text.RegularExpressions;

namespace EdgeGateway.EndToEnd.Tests.Infra.Terraform;

/// <summary>
/// What each container is given: secrets through <c>secrets</c> from Secrets Manager or SSM only, never a secret in
/// <c>environment</c>; every name a setting its binary reads; its health check the binary's own subcommand.
/// </summary>
internal static partial class ContainerChecks
{
    /// <summary>The binary a container runs, by container name: the gateway or the management plane.</summary>
    public static string Binary(string containerName) => containerName switch
    {
        "gateway" => "EdgeGateway",
        "management" => "ManagementPlane",
        _ => throw new InvalidOperationException($"container \"{containerName}\": neither \"gateway\" nor \"management\""),
    };

    /// <summary>Secrets come from a secret store through <c>secrets</c>; no secret-named setting or sensitive variable
    /// ends up in <c>environment</c> (plain text in the task definition, visible to anyone who can describe it).</summary>
    public static IEnumerable<string> SecretsInjectedAsSecrets(TerraformFolder folder)
    {
        var (containers, parsed) = ContainerDefinition.All(folder);
        var problems = parsed.ToList();
        if (containers.Count == 0)
        {
            problems.Add($"{folder.Name}: no container definitions found");
        }

        foreach (var container in containers)
        {
            var where = $"{folder.Name}: {container.TaskDefinition} ({container.Name})";
            foreach (var (name, value) in container.Environment)
            {
                if (IsSecretName(name))
                {
                    problems.Add($"{where}: {name} is a secret and is in environment; inject it with secrets (valueFrom a Secrets Manager secret)");
                }

                foreach (var variable in SensitiveVariables(folder, value))
                {
                    problems.Add($"{where}: environment {name} holds var.{variable}, which is sensitive; inject it with secrets");
                }
            }

            foreach (var (name, valueFrom) in container.Secrets)
            {
                var store = TerraformExpression.Address(valueFrom);
                if (store is null || !(store.StartsWith("aws_secretsmanager_secret.", StringComparison.Ordinal) || store.StartsWith("aws_ssm_parameter.", StringComparison.Ordinal))
                    || !folder.Resources.ContainsKey(store))
                {
                    problems.Add($"{where}: secret {name} must come from an aws_secretsmanager_secret or aws_ssm_parameter of this module (valueFrom {valueFrom})");
                }
            }

            if (!container.Secrets.Any())
            {
                problems.Add($"{where}: injects no secrets (its keys must come from secrets)");
            }
        }

        return problems;
    }

    /// <summary>Each name in <c>environment</c> and <c>secrets</c> is a setting the container's binary reads.</summary>
    public static IEnumerable<string> NamesAreSettings(TerraformFolder folder, Func<string, SettingNames> settingsOf)
    {
        var (containers, parsed) = ContainerDefinition.All(folder);
        var problems = parsed.ToList();
        foreach (var container in containers)
        {
            var settings = settingsOf(Binary(container.Name));
            foreach (var name in container.Environment.Select(e => e.Name).Concat(container.Secrets.Select(s => s.Name)))
            {
                if (!settings.Reads(name))
                {
                    problems.Add($"{folder.Name}: {container.TaskDefinition} ({container.Name}): {name} is not a setting {Binary(container.Name)} reads (`{Binary(container.Name)} settings --names`)");
                }
            }
        }

        return problems;
    }

    /// <summary>The container's health check runs its binary's <c>healthcheck</c> subcommand (no shell in the image).</summary>
    public static IEnumerable<string> HealthCheckIsTheBinarys(TerraformFolder folder)
    {
        var (containers, parsed) = ContainerDefinition.All(folder);
        var problems = parsed.ToList();
        foreach (var container in containers)
        {
            var expected = new[] { "CMD", "/app/" + Binary(container.Name), "healthcheck" };
            var command = container.Body.TryGetProperty("healthCheck", out var h) && h.TryGetProperty("command", out var c)
                ? c.EnumerateArray().Select(x => x.ToString()).ToArray()
                : [];
            if (!command.SequenceEqual(expected))
            {
                problems.Add($"{folder.Name}: {container.TaskDefinition} ({container.Name}): healthCheck.command must be [{string.Join(", ", expected)}], not [{string.Join(", ", command)}]");
            }
        }

        return problems;
    }

    /// <summary>A setting that holds a secret: tokens, keys that sign or encrypt, admin keys, passwords, credentials.
    /// <c>Trust:SigningKey</c> is the plane's public key, not a secret.</summary>
    public static bool IsSecretName(string name)
    {
        var key = name.Replace("__", ":", StringComparison.Ordinal);
        return !key.Equals("Trust:SigningKey", StringComparison.OrdinalIgnoreCase) && SecretName().IsMatch(key);
    }

    private static IEnumerable<string> SensitiveVariables(TerraformFolder folder, string value) =>
        VariableReference().Matches(value).Select(m => m.Groups[1].Value).Where(folder.IsSensitive).Distinct();

    [GeneratedRegex(@"(^|:)(Token|SigningKey|EncryptionKey|AdminKeys(:.*)?|SecretAccessKey|AccessKeyId|Password|ConnectionString|ClientSecret)$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"\bvar\.([A-Za-z_][A-Za-z0-9_-]*)")]
    private static partial Regex VariableReference();
}
