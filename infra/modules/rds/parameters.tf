resource "aws_db_parameter_group" "this" {
  name        = "${var.name_prefix}-mariadb"
  family      = var.parameter_group_family
  description = "Madoguchi - TLS required, utf8mb4, slow query log"

  # The original system ran without TLS; connections without it are refused.
  # (RDS for MariaDB already limits TLS to 1.2 and 1.3 by default.)
  parameter {
    name  = "require_secure_transport"
    value = "ON"
  }

  # utf8mb4 everywhere: Japanese text and emoji in customer mail. The
  # utf8mb4_ja_0900_as_cs collation is MySQL-only; unicode_ci works on
  # MariaDB and on the MariaDB 10.11 used in tests.
  parameter {
    name  = "character_set_server"
    value = "utf8mb4"
  }

  parameter {
    name  = "collation_server"
    value = "utf8mb4_unicode_ci"
  }

  parameter {
    name  = "slow_query_log"
    value = "1"
  }

  parameter {
    name  = "long_query_time"
    value = "1"
  }

  parameter {
    name  = "log_output"
    value = "FILE"
  }

  parameter {
    name  = "innodb_print_all_deadlocks"
    value = "1"
  }

  lifecycle {
    create_before_destroy = true
  }
}

# The audit plugin records connections and DDL/DCL statements, exported to
# CloudWatch with the other logs.
resource "aws_db_option_group" "this" {
  name                     = "${var.name_prefix}-mariadb"
  option_group_description = "Madoguchi - MariaDB audit plugin"
  engine_name              = "mariadb"
  major_engine_version     = var.engine_version

  option {
    option_name = "MARIADB_AUDIT_PLUGIN"

    option_settings {
      name  = "SERVER_AUDIT_EVENTS"
      value = "CONNECT,QUERY_DDL,QUERY_DCL"
    }
  }

  lifecycle {
    create_before_destroy = true
  }
}
