using EdgeGateway.Contracts.Snapshot;

namespace EdgeGateway.Contracts.Validation;

/// <summary>A backend's <c>healthCheck</c>: a probe path, an interval the gateway can keep, a timeout within it, thresholds of one or more.</summary>
internal static class HealthCheckRules
{
    public static void Validate(string path, HealthCheckDefinition healthCheck, ValidationContext context)
    {
        if (string.IsNullOrEmpty(healthCheck.Path) || healthCheck.Path[0] != '/')
        {
            context.Error($"{path}.path", "required, and must start with '/'");
        }

        var interval = healthCheck.Interval ?? HealthCheckDefaults.Interval;
        if (interval < HealthCheckDefaults.MinimumInterval)
        {
            context.Error($"{path}.interval", "must be at least 00:00:00.1");
        }

        if (healthCheck.Timeout is { } timeout && (timeout <= TimeSpan.Zero || timeout > interval))
        {
            context.Error($"{path}.timeout", "must be more than zero and not longer than the interval");
        }

        if (healthCheck.UnhealthyThreshold is < 1)
        {
            context.Error($"{path}.unhealthyThreshold", "must be at least 1");
        }

        if (healthCheck.HealthyThreshold is < 1)
        {
            context.Error($"{path}.healthyThreshold", "must be at least 1");
        }
    }
}
