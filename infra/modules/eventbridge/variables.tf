variable "bus_name" {
  description = "Name of the custom event bus, madoguchi-<env>."
  type        = string

  validation {
    condition     = can(regex("^madoguchi-[a-z0-9-]+$", var.bus_name))
    error_message = "bus_name must look like madoguchi-<env>."
  }
}

variable "archive_retention_days" {
  description = "Days the archive keeps events for replay (0 = forever, which is not allowed here to bound cost)."
  type        = number
  default     = 90

  validation {
    condition     = var.archive_retention_days >= 1
    error_message = "archive_retention_days must be at least 1."
  }
}
