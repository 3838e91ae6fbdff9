# Four roles, each with only what it needs:
# - a task role per plane: S3 on its own bucket only (the gateway's role cannot list or read the plane's state,
#   nor the plane's role the gateway's backups);
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

# Backups: objects under the prefix, and listing restricted to the prefix. S3 answers a GET/HEAD of a missing key
# with 404 only to a caller allowed s3:ListBucket; that implicit check carries no s3:prefix, so under this
# prefix-conditioned grant a missing key most likely comes back 403. The gateway does read keys that may be
# missing (its backup confirmation, gateways/<id>/confirmation.json, under Trust:MaxSnapshotAge; a snapshot pruned
# between list and read; the HEAD before a delete), so its S3 store answers such a 403 with one ListObjectsV2 of
# exactly that key (allowed here): not listed -> missing, listed -> the 403 stands (docs/storage.md).
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

# State: its own bucket, listable without a condition (missing objects are 404 -- its first start reads
# state/head.json before anything is written), objects under its prefix.
data "aws_iam_policy_document" "management_state" {
  statement {
    sid       = "ListManagementBucket"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.state.arn]
  }

  statement {
    sid       = "ManagementStateObjects"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${aws_s3_bucket.state.arn}/${var.management_state_prefix}/*"]
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
