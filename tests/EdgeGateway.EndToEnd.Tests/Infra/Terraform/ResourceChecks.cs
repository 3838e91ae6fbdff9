using System.Text.Json;

namespace EdgeGateway.EndToEnd.Tests.Infra.Terraform;

/// <summary>The bucket's protection, the load balancer's health checks and scale to zero, read from the module.</summary>
internal static class ResourceChecks
{
    /// <summary>Every bucket has versioning on, default encryption, every public access blocked and ACLs disabled.</summary>
    public static IEnumerable<string> BucketProtected(TerraformFolder folder)
    {
        var buckets = folder.ResourcesOfType("aws_s3_bucket").Select(b => b.Key).ToList();
        if (buckets.Count == 0)
        {
            yield return $"{folder.Name}: no aws_s3_bucket";
        }

        foreach (var bucket in buckets)
        {
            var versioning = For(folder, "aws_s3_bucket_versioning", bucket);
            if (!versioning.Any(v => First(v, "versioning_configuration") is { } c && Text(c, "status") == "Enabled"))
            {
                yield return $"{folder.Name}: {bucket} has no aws_s3_bucket_versioning with status Enabled";
            }

            var encryption = For(folder, "aws_s3_bucket_server_side_encryption_configuration", bucket);
            if (!encryption.Any(e => First(e, "rule") is { } r && First(r, "apply_server_side_encryption_by_default") is { } d
                    && Text(d, "sse_algorithm") is "AES256" or "aws:kms" or "aws:kms:dsse"))
            {
                yield return $"{folder.Name}: {bucket} has no aws_s3_bucket_server_side_encryption_configuration with an sse_algorithm";
            }

            string[] blocks = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];
            if (!For(folder, "aws_s3_bucket_public_access_block", bucket)
                    .Any(p => blocks.All(b => p.TryGetProperty(b, out var v) && v.ValueKind == JsonValueKind.True)))
            {
                yield return $"{folder.Name}: {bucket} has no aws_s3_bucket_public_access_block with {string.Join(", ", blocks)} all true";
            }

            if (!For(folder, "aws_s3_bucket_ownership_controls", bucket)
                    .Any(o => First(o, "rule") is { } r && Text(r, "object_ownership") == "BucketOwnerEnforced"))
            {
                yield return $"{folder.Name}: {bucket} has no aws_s3_bucket_ownership_controls with BucketOwnerEnforced (ACLs off)";
            }
        }
    }

    /// <summary>Every target group health-checks <c>/healthz/ready</c>, and each service is behind one of them.</summary>
    public static IEnumerable<string> HealthChecksUseReady(TerraformFolder folder)
    {
        var groups = folder.ResourcesOfType("aws_lb_target_group").ToList();
        if (groups.Count == 0)
        {
            yield return $"{folder.Name}: no aws_lb_target_group";
        }

        foreach (var (address, body) in groups)
        {
            var path = First(body, "health_check") is { } h ? Text(h, "path") : null;
            if (path != "/healthz/ready")
            {
                yield return $"{folder.Name}: {address} health-checks {path ?? "(no health_check path)"}; it must be /healthz/ready (ready = a verified config is loaded)";
            }
        }

        foreach (var (address, body) in folder.ResourcesOfType("aws_ecs_service"))
        {
            var target = First(body, "load_balancer") is { } lb ? TerraformExpression.Address(Text(lb, "target_group_arn")) : null;
            if (target is null || !folder.Resources.ContainsKey(target) || !target.StartsWith("aws_lb_target_group.", StringComparison.Ordinal))
            {
                yield return $"{folder.Name}: {address} is not behind an aws_lb_target_group of this module";
            }
        }
    }

    /// <summary>The gateway's service can go to zero tasks: its scalable target's minimum is 0, something sets the
    /// capacity to 0 (a scheduled action with max 0, or a step policy with exact capacity 0 that an alarm triggers,
    /// an alarm that cannot be in ALARM without a healthy gateway task), Terraform leaves its desired count alone
    /// afterwards, and no step policy sets an exact capacity above 0.</summary>
    public static IEnumerable<string> GatewayScalesToZero(TerraformFolder folder)
    {
        var (containers, _) = ContainerDefinition.All(folder);
        var gateway = containers.SingleOrDefault(c => c.Name == "gateway");
        var service = gateway is null ? default : folder.ResourcesOfType("aws_ecs_service")
            .FirstOrDefault(s => TerraformExpression.Address(Text(s.Value, "task_definition")) == gateway.TaskDefinition);
        if (service.Key is null)
        {
            yield return $"{folder.Name}: no aws_ecs_service runs the gateway's task definition";
            yield break;
        }

        var targets = folder.ResourcesOfType("aws_appautoscaling_target")
            .Where(t => folder.References.Any(r => r.At.StartsWith($"resource.{t.Key}[0].resource_id", StringComparison.Ordinal)
                && r.Ref.StartsWith(service.Key + ".", StringComparison.Ordinal)))
            .ToList();
        if (targets.Count == 0)
        {
            yield return $"{folder.Name}: no aws_appautoscaling_target for {service.Key}";
        }

        foreach (var (address, body) in targets)
        {
            if (!body.TryGetProperty("min_capacity", out var min) || min.ToString() != "0")
            {
                yield return $"{folder.Name}: {address}.min_capacity is {(body.TryGetProperty("min_capacity", out var m) ? m.ToString() : "unset")}; it must be 0 for scale to zero";
            }
        }

        var scheduledZero = folder.ResourcesOfType("aws_appautoscaling_scheduled_action")
            .Any(a => First(a.Value, "scalable_target_action") is { } t && t.TryGetProperty("max_capacity", out var max) && max.ToString() == "0");
        var zeroPolicies = folder.ResourcesOfType("aws_appautoscaling_policy")
            .Where(p => First(p.Value, "step_scaling_policy_configuration") is { } c && Text(c, "adjustment_type") == "ExactCapacity"
                && Steps(c).Any(s => Text(s, "scaling_adjustment") == "0"))
            .Select(p => p.Key)
            .ToList();
        var stepZero = false;
        foreach (var policy in zeroPolicies)
        {
            var alarms = AlarmsTriggering(folder, policy).ToList();
            if (alarms.Count == 0)
            {
                yield return $"{folder.Name}: nothing triggers {policy}: no aws_cloudwatch_metric_alarm has its arn in alarm_actions";
            }

            foreach (var (alarm, body) in alarms)
            {
                stepZero = true;
                if (!ReturnedExpressionUses(body, "HealthyHostCount"))
                {
                    yield return $"{folder.Name}: {alarm} triggers {policy} but its returned expression does not involve HealthyHostCount: "
                        + "Auto Scaling actions repeat every minute while an alarm is in ALARM, so it must be OK when no gateway task is healthy (at 0 tasks, or while a woken one starts)";
                }
            }
        }

        if (!scheduledZero && !stepZero)
        {
            yield return $"{folder.Name}: nothing sets the gateway to 0 tasks (a scheduled action with max_capacity 0 or an alarm-triggered ExactCapacity 0 step policy)";
        }

        // A step that adds tasks must add, not set: an exact capacity also lowers a scaled-out gateway.
        foreach (var (policy, body) in folder.ResourcesOfType("aws_appautoscaling_policy"))
        {
            if (First(body, "step_scaling_policy_configuration") is { } c && Text(c, "adjustment_type") == "ExactCapacity"
                && Steps(c).Any(s => Text(s, "scaling_adjustment") != "0"))
            {
                yield return $"{folder.Name}: {policy} sets an exact capacity above 0: it would shrink a scaled-out gateway; use ChangeInCapacity";
            }
        }

        var ignored = First(service.Value, "lifecycle") is { } l && l.TryGetProperty("ignore_changes", out var changes)
            && changes.EnumerateArray().Any(c => c.ToString().Contains("desired_count", StringComparison.Ordinal));
        if (!ignored)
        {
            yield return $"{folder.Name}: {service.Key} must ignore_changes = [desired_count], or every apply would undo scale to zero";
        }
    }

    private static IEnumerable<JsonElement> Steps(JsonElement configuration) =>
        configuration.TryGetProperty("step_adjustment", out var steps) && steps.ValueKind == JsonValueKind.Array ? steps.EnumerateArray() : [];

    private static IEnumerable<KeyValuePair<string, JsonElement>> AlarmsTriggering(TerraformFolder folder, string policy) =>
        folder.ResourcesOfType("aws_cloudwatch_metric_alarm")
            .Where(a => a.Value.TryGetProperty("alarm_actions", out var actions) && actions.ValueKind == JsonValueKind.Array
                && actions.EnumerateArray().Any(x => TerraformExpression.Address(x.ToString()) == policy));

    /// <summary>The alarm's returned metric-math expression refers (by id) to a query of the metric <paramref name="metric"/>.</summary>
    private static bool ReturnedExpressionUses(JsonElement alarm, string metric)
    {
        if (!alarm.TryGetProperty("metric_query", out var queries) || queries.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        var ids = queries.EnumerateArray()
            .Where(q => First(q, "metric") is { } m && Text(m, "metric_name") == metric)
            .Select(q => Text(q, "id"))
            .OfType<string>()
            .ToList();
        return queries.EnumerateArray()
            .Where(q => q.TryGetProperty("return_data", out var r) && r.ValueKind == JsonValueKind.True)
            .Select(q => Text(q, "expression") ?? string.Empty)
            .Any(e => ids.Any(id => System.Text.RegularExpressions.Regex.IsMatch(e, $@"\b{System.Text.RegularExpressions.Regex.Escape(id)}\b")));
    }

    private static IEnumerable<JsonElement> For(TerraformFolder folder, string type, string bucket) =>
        folder.ResourcesOfType(type).Select(r => r.Value)
            .Where(r => TerraformExpression.Address(Text(r, "bucket")) == bucket);

    private static JsonElement? First(JsonElement body, string block) =>
        body.TryGetProperty(block, out var value) && value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0 ? value[0] : null;

    private static string? Text(JsonElement body, string property) =>
        body.TryGetProperty(property, out var value) ? value.ToString() : null;
}
