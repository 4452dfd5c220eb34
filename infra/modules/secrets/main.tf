# Terraform creates the secret containers only. Values are put in by an
# operator (see docs/infrastructure.md), so no secret ever sits in the
# Terraform state or in a plan.
#
# Rotation:
#   database-url / migrator-database-url: rotate the MariaDB user's password
#     (ALTER USER), put the new URL, then force a new deployment; tasks read
#     secrets only at start. Quarterly, or when someone with access leaves.
#   secret-key: signs sessions and CSRF tokens. Rotating it signs everyone
#     out, so do it outside support hours. Yearly or on suspicion.
#   master-key: wraps the per-customer data keys. Never replace it: every
#     stored data key would become unreadable, and with them all personal
#     data. Rotation is not supported yet (wrapped keys carry no key version
#     and the app has no re-wrap command), so automatic rotation is off.
#   datadog-api-key: create a new key in Datadog, put it, redeploy, revoke
#     the old key.
# The RDS master password is not here: RDS manages and rotates it itself.
locals {
  secrets = {
    "database-url"          = "DATABASE_URL of the madoguchi_app user (mysql://...?ssl-mode=required)"
    "migrator-database-url" = "DATABASE_URL of the madoguchi_migrator user, used only by the migrate task"
    "secret-key"            = "MADOGUCHI_SECRET_KEY: session and CSRF signing key"
    "master-key"            = "MADOGUCHI_MASTER_KEY: wraps per-customer data keys"
    "datadog-api-key"       = "Datadog API key for the agent sidecar"
  }
}

resource "aws_secretsmanager_secret" "this" {
  # checkov:skip=CKV2_AWS_57:These values cannot be rotated by a Lambda without coordinated app changes; the manual rotation procedure is documented above.
  for_each = local.secrets

  name                    = "${var.name_prefix}/${each.key}"
  description             = each.value
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.recovery_window_in_days
}
