using EdgeGateway.EndToEnd.Tests.Infra.Terraform;

namespace EdgeGateway.EndToEnd.Tests.Infra;

/// <summary>
/// Each check of <see cref="TerraformModuleTests"/> catches what it is for: a copy of infra/terraform is broken in one
/// place, the way a careless edit would, and the check must name the problem.
/// </summary>
public sealed class TerraformModuleMutationTests
{
    private const string Module = "modules/edgegateway";
    private const string Example = "examples/fargate";

    private static readonly Dictionary<string, (string File, string From, string To, Func<TerraformTree, IEnumerable<string>> Check, string Expected)> Mutations = new()
    {
        ["an undeclared variable"] = ($"{Module}/outputs.tf", "value       = var.gateway_backup_prefix", "value       = var.gateway_backup_prefx",
            ReferenceChecks.UndeclaredVariables, "uses var.gateway_backup_prefx, which is not declared"),
        ["an output of a missing resource"] = ($"{Module}/outputs.tf", "aws_ecs_cluster.this.name", "aws_ecs_cluster.main.name",
            ReferenceChecks.UnresolvedOutputs, "refers to aws_ecs_cluster.main.name: no such resource"),
        ["an output of a missing module output"] = ($"{Example}/outputs.tf", "module.edgegateway.backup_bucket", "module.edgegateway.bucket",
            ReferenceChecks.UnresolvedOutputs, "modules/edgegateway has no output \"bucket\""),
        ["a module argument that is no variable"] = ($"{Example}/main.tf", "gateway_id               = var.gateway_id", "gateway_ids              = var.gateway_id",
            ReferenceChecks.ModuleArguments, "is given gateway_ids, which is not a variable"),
        ["a required module argument left out"] = ($"{Example}/main.tf", "  gateway_image    = var.gateway_image\n", "",
            ReferenceChecks.ModuleArguments, "does not give gateway_image"),
        ["a tfvars example setting no variable"] = ($"{Example}/terraform.tfvars.example", "idle_minutes_to_zero = 15", "idle_minutes = 15",
            ReferenceChecks.ModuleArguments, "sets idle_minutes, which is not a variable"),
        ["object access to the whole bucket"] = ($"{Module}/iam.tf", "resources = [\"${aws_s3_bucket.backups.arn}/${var.gateway_backup_prefix}/*\"]", "resources = [\"${aws_s3_bucket.backups.arn}/*\"]",
            t => IamChecks.TaskRoleScopedToPrefix(t.Module, "gateway", "Backup__S3__", ListScope.Prefix), "object actions on ${aws_s3_bucket.backups.arn}/*"),
        ["a wildcard S3 action"] = ($"{Module}/iam.tf", "actions   = [\"s3:GetObject\", \"s3:PutObject\", \"s3:DeleteObject\"]\n    resources = [\"${aws_s3_bucket.backups.arn}/${var.gateway_backup_prefix}/*\"]",
            "actions   = [\"s3:*\"]\n    resources = [\"${aws_s3_bucket.backups.arn}/${var.gateway_backup_prefix}/*\"]",
            t => IamChecks.TaskRoleScopedToPrefix(t.Module, "gateway", "Backup__S3__", ListScope.Prefix), "wildcard action s3:*"),
        ["listing without the prefix condition"] = ($"{Module}/iam.tf", "values   = [\"${var.gateway_backup_prefix}/*\"]", "values   = [\"*\"]",
            t => IamChecks.TaskRoleScopedToPrefix(t.Module, "gateway", "Backup__S3__", ListScope.Prefix), "needs an s3:prefix condition limited to ${var.gateway_backup_prefix}/"),
        ["backups under the plane's prefix"] = ($"{Module}/main.tf", "{ name = \"Backup__S3__Prefix\", value = var.gateway_backup_prefix }", "{ name = \"Backup__S3__Prefix\", value = var.management_state_prefix }",
            t => IamChecks.TaskRoleScopedToPrefix(t.Module, "gateway", "Backup__S3__", ListScope.Prefix), "only ${aws_s3_bucket.backups.arn}/${var.management_state_prefix}/* "),
        ["the gateway reading the plane's bucket"] = ($"{Module}/iam.tf", "resources = [\"${aws_s3_bucket.backups.arn}/${var.gateway_backup_prefix}/*\"]", "resources = [\"${aws_s3_bucket.backups.arn}/${var.gateway_backup_prefix}/*\", \"${aws_s3_bucket.state.arn}/*\"]",
            t => IamChecks.TaskRoleScopedToPrefix(t.Module, "gateway", "Backup__S3__", ListScope.Prefix), "names aws_s3_bucket.state, a bucket its Backup__S3__Bucket does not name"),
        ["the plane listing the gateway's bucket"] = ($"{Module}/iam.tf", "resources = [aws_s3_bucket.state.arn]", "resources = [aws_s3_bucket.state.arn, aws_s3_bucket.backups.arn]",
            t => IamChecks.TaskRoleScopedToPrefix(t.Module, "management", "Management__Store__S3__", ListScope.OwnBucket), "names aws_s3_bucket.backups, a bucket its Management__Store__S3__Bucket does not name"),
        ["the plane's listing limited to a prefix"] = ($"{Module}/iam.tf", "resources = [aws_s3_bucket.state.arn]\n", "resources = [aws_s3_bucket.state.arn]\n\n    condition {\n      test     = \"StringLike\"\n      variable = \"s3:prefix\"\n      values   = [\"${var.management_state_prefix}/*\"]\n    }\n",
            t => IamChecks.TaskRoleScopedToPrefix(t.Module, "management", "Management__Store__S3__", ListScope.OwnBucket), "s3:ListBucket on its own bucket must be unconditional"),
        ["both planes in one bucket"] = ($"{Module}/main.tf", "{ name = \"Management__Store__S3__Bucket\", value = aws_s3_bucket.state.bucket }", "{ name = \"Management__Store__S3__Bucket\", value = aws_s3_bucket.backups.bucket }",
            t => IamChecks.SeparateBuckets(t.Module), "are both in aws_s3_bucket.backups"),
        ["an execution role reading another plane's secret"] = ($"{Module}/iam.tf", "      aws_secretsmanager_secret.gateway_token.arn,\n", "      aws_secretsmanager_secret.gateway_token.arn,\n      aws_secretsmanager_secret.admin_key.arn,\n",
            t => IamChecks.ExecutionRoleReadsExactlyItsSecrets(t.Module), "can read ${aws_secretsmanager_secret.admin_key.arn}, which this container does not inject"),
        ["a secret setting in environment"] = ($"{Module}/main.tf", "{ name = \"Gateway__ShutdownTimeout\", value = \"00:00:25\" }", "{ name = \"ManagementPlane__Token\", value = \"GatewayKey gw1&202701010000&c2VjcmV0\" }",
            t => ContainerChecks.SecretsInjectedAsSecrets(t.Module), "ManagementPlane__Token is a secret and is in environment"),
        ["a sensitive variable in environment"] = ($"{Module}/main.tf", "{ name = \"Gateway__ShutdownTimeout\", value = \"00:00:25\" }", "{ name = \"Gateway__ShutdownTimeout\", value = var.admin_key }",
            t => ContainerChecks.SecretsInjectedAsSecrets(t.Module), "holds var.admin_key, which is sensitive"),
        ["a health check by shell"] = ($"{Module}/main.tf", "[\"CMD\", \"/app/EdgeGateway\", \"healthcheck\"]", "[\"CMD-SHELL\", \"curl -f http://localhost:8080/healthz/ready\"]",
            t => ContainerChecks.HealthCheckIsTheBinarys(t.Module), "healthCheck.command must be [CMD, /app/EdgeGateway, healthcheck]"),
        ["versioning suspended"] = ($"{Module}/storage.tf", "bucket = aws_s3_bucket.backups.id\n\n  versioning_configuration {\n    status = \"Enabled\"", "bucket = aws_s3_bucket.backups.id\n\n  versioning_configuration {\n    status = \"Suspended\"",
            t => ResourceChecks.BucketProtected(t.Module), "aws_s3_bucket.backups has no aws_s3_bucket_versioning with status Enabled"),
        ["no default encryption on the state bucket"] = ($"{Module}/storage.tf", "bucket = aws_s3_bucket.state.id\n\n  rule {\n    # SSE-S3: no KMS key grants needed by the task roles.\n    apply_server_side_encryption_by_default {\n      sse_algorithm = \"AES256\"",
            "bucket = aws_s3_bucket.state.id\n\n  rule {\n    # SSE-S3: no KMS key grants needed by the task roles.\n    apply_server_side_encryption_by_default {\n      kms_master_key_id = \"alias/aws/s3\"",
            t => ResourceChecks.BucketProtected(t.Module), "aws_s3_bucket.state has no aws_s3_bucket_server_side_encryption_configuration"),
        ["public buckets not restricted"] = ($"{Module}/storage.tf", "bucket                  = aws_s3_bucket.state.id\n  block_public_acls       = true\n  block_public_policy     = true\n  ignore_public_acls      = true\n  restrict_public_buckets = true",
            "bucket                  = aws_s3_bucket.state.id\n  block_public_acls       = true\n  block_public_policy     = true\n  ignore_public_acls      = true\n  restrict_public_buckets = false",
            t => ResourceChecks.BucketProtected(t.Module), "aws_s3_bucket.state has no aws_s3_bucket_public_access_block"),
        ["a liveness path as the ALB health check"] = ($"{Module}/network.tf", "path                = \"/healthz/ready\"\n    matcher             = \"200\"\n    interval            = 10",
            "path                = \"/healthz/live\"\n    matcher             = \"200\"\n    interval            = 10",
            t => ResourceChecks.HealthChecksUseReady(t.Module), "aws_lb_target_group.gateway health-checks /healthz/live"),
        ["a minimum of one task"] = ($"{Module}/autoscaling.tf", "min_capacity       = 0", "min_capacity       = 1",
            t => ResourceChecks.GatewayScalesToZero(t.Module), "min_capacity is 1; it must be 0"),
        ["no alarm triggering the idle policy"] = ($"{Module}/autoscaling.tf", "alarm_actions      = [aws_appautoscaling_policy.gateway_idle[0].arn]", "alarm_actions      = [aws_appautoscaling_policy.gateway_wake[0].arn]",
            t => ResourceChecks.GatewayScalesToZero(t.Module), "nothing triggers aws_appautoscaling_policy.gateway_idle"),
        ["an idle alarm blind to healthy tasks"] = ($"{Module}/autoscaling.tf", "IF(FILL(hosts, 0) > 0 AND FILL(req, 0) == 0 AND FILL(e503, 0) == 0, 1, 0)", "IF(FILL(req, 0) == 0 AND FILL(e503, 0) == 0, 1, 0)",
            t => ResourceChecks.GatewayScalesToZero(t.Module), "does not involve HealthyHostCount"),
        ["a wake that sets an exact count"] = ($"{Module}/autoscaling.tf", "adjustment_type         = \"ChangeInCapacity\"", "adjustment_type         = \"ExactCapacity\"",
            t => ResourceChecks.GatewayScalesToZero(t.Module), "aws_appautoscaling_policy.gateway_wake sets an exact capacity above 0"),
        ["Terraform resetting the task count"] = ($"{Module}/ecs.tf", "ignore_changes = [desired_count]", "ignore_changes = [tags]",
            t => ResourceChecks.GatewayScalesToZero(t.Module), "must ignore_changes = [desired_count]"),
    };

    public static TheoryData<string> Names => [.. Mutations.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task BrokenModule_FailsItsCheck(string mutation)
    {
        var (file, from, to, check, expected) = Mutations[mutation];
        var copy = TerraformCopy.Create();
        try
        {
            Assert.Empty(check(await TerraformTree.LoadAsync(copy))); // the check passes on the copy as it is

            TerraformCopy.Replace(copy, file, from, to);
            var tree = await TerraformTree.LoadAsync(copy);

            Assert.Empty(tree.SyntaxErrors);
            var problems = check(tree).ToList();
            Assert.True(problems.Any(p => p.Contains(expected, StringComparison.Ordinal)),
                $"expected a problem containing \"{expected}\", got:\n{string.Join('\n', problems)}");
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }
}
