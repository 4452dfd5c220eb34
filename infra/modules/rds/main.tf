data "aws_partition" "current" {}

locals {
  identifier = "${var.name_prefix}-db"
  log_types  = ["audit", "error", "slowquery"]
  # Performance Insights is not offered on the micro and small burstable classes.
  performance_insights = !can(regex("^db\\.t[0-9]g?\\.(micro|small)$", var.instance_class))
}

resource "aws_db_subnet_group" "this" {
  name       = var.name_prefix
  subnet_ids = var.subnet_ids
}

# Created ahead of the instance so that retention and encryption are ours
# (RDS would otherwise create them with no expiry).
resource "aws_cloudwatch_log_group" "db" {
  for_each = toset(local.log_types)

  name              = "/aws/rds/instance/${local.identifier}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_db_instance" "this" {
  # checkov:skip=CKV2_AWS_69:TLS is required (require_secure_transport = ON, the value RDS for MariaDB documents); the check only recognises the MySQL spelling "1".
  # checkov:skip=CKV_AWS_157:multi_az is a per-environment input: true in prod (enforced by a check in the stack), false in dev to halve its cost.
  identifier     = local.identifier
  engine         = "mariadb"
  engine_version = var.engine_version
  instance_class = var.instance_class

  db_name                       = var.database_name
  username                      = var.master_username
  manage_master_user_password   = true
  master_user_secret_kms_key_id = var.kms_key_arn
  # IAM authentication is enabled for operators' break-glass access; the
  # application itself uses a password-authenticated least-privilege user.
  iam_database_authentication_enabled = true

  allocated_storage     = var.allocated_storage
  max_allocated_storage = var.max_allocated_storage
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = var.kms_key_arn

  multi_az               = var.multi_az
  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [var.security_group_id]
  publicly_accessible    = false
  ca_cert_identifier     = "rds-ca-rsa2048-g1"

  parameter_group_name = aws_db_parameter_group.this.name
  option_group_name    = aws_db_option_group.this.name

  backup_retention_period   = var.backup_retention_days
  backup_window             = var.backup_window
  maintenance_window        = var.maintenance_window
  copy_tags_to_snapshot     = true
  delete_automated_backups  = false
  deletion_protection       = true
  skip_final_snapshot       = false
  final_snapshot_identifier = "${local.identifier}-final"

  auto_minor_version_upgrade = true
  apply_immediately          = false

  performance_insights_enabled          = local.performance_insights
  performance_insights_kms_key_id       = local.performance_insights ? var.kms_key_arn : null
  performance_insights_retention_period = local.performance_insights ? 7 : null

  monitoring_interval = 60
  monitoring_role_arn = aws_iam_role.monitoring.arn

  enabled_cloudwatch_logs_exports = local.log_types

  depends_on = [aws_cloudwatch_log_group.db, aws_iam_role_policy_attachment.monitoring]
}
