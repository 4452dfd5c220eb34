resource "aws_vpc_security_group_ingress_rule" "database_from_tasks" {
  for_each = local.task_roles

  security_group_id            = aws_security_group.database.id
  description                  = "MySQL protocol from ${each.key} tasks"
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
  referenced_security_group_id = aws_security_group.task[each.key].id
}
