# Four roles, each with only what it needs:
# - a task role per plane: S3 on its own prefix only (the gateway's role cannot read the plane's state);
# - an execution role per plane (ECS pulls the image, writes logs, reads exactly the secrets it injects).

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    # Only tasks of this account can assume the roles (confused-deputy guard).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

# --- gateway -------------------------------------------------------------------------------------

resource "aws_iam_role" "gateway_task" {
  name               = "${var.name}-gateway-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = var.tags
}

# Backups: objects under the prefix, and listing restricted to the prefix (docs/storage.md).
data "aws_iam_policy_document" "gateway_backups" {
  statement {
    sid       = "ListGatewayPrefix"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.backups.arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.gateway_backup_prefix}/*"]
    }
  }

  statement {
    sid       = "GatewayBackupObjects"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${aws_s3_bucket.backups.arn}/${var.gateway_backup_prefix}/*"]
  }
}

resource "aws_iam_role_policy" "gateway_backups" {
  name   = "backups"
  role   = aws_iam_role.gateway_task.id
  policy = data.aws_iam_policy_document.gateway_backups.json
}

resource "aws_iam_role" "gateway_execution" {
  name               = "${var.name}-gateway-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "gateway_execution" {
  role       = aws_iam_role.gateway_execution.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "gateway_secrets" {
  statement {
    sid     = "ReadInjectedSecrets"
    actions = ["secretsmanager:GetSecretValue"]
    resources = [
      aws_secretsmanager_secret.gateway_token.arn,
      aws_secretsmanager_secret.backup_encryption_key.arn,
    ]
  }
}

resource "aws_iam_role_policy" "gateway_secrets" {
  name   = "secrets"
  role   = aws_iam_role.gateway_execution.id
  policy = data.aws_iam_policy_document.gateway_secrets.json
}

# --- management plane ----------------------------------------------------------------------------

resource "aws_iam_role" "management_task" {
  name               = "${var.name}-management-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "management_state" {
  statement {
    sid       = "ListManagementPrefix"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.backups.arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.management_state_prefix}/*"]
    }
  }

  statement {
    sid       = "ManagementStateObjects"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${aws_s3_bucket.backups.arn}/${var.management_state_prefix}/*"]
  }
}

resource "aws_iam_role_policy" "management_state" {
  name   = "state"
  role   = aws_iam_role.management_task.id
  policy = data.aws_iam_policy_document.management_state.json
}

resource "aws_iam_role" "management_execution" {
  name               = "${var.name}-management-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "management_execution" {
  role       = aws_iam_role.management_execution.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "management_secrets" {
  statement {
    sid     = "ReadInjectedSecrets"
    actions = ["secretsmanager:GetSecretValue"]
    resources = [
      aws_secretsmanager_secret.admin_key.arn,
      aws_secretsmanager_secret.signing_key.arn,
      aws_secretsmanager_secret.encryption_key.arn,
    ]
  }
}

resource "aws_iam_role_policy" "management_secrets" {
  name   = "secrets"
  role   = aws_iam_role.management_execution.id
  policy = data.aws_iam_policy_document.management_secrets.json
}
