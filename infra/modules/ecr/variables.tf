variable "repository_name" {
  description = "Name of the application image repository."
  type        = string
  default     = "madoguchi"
}

variable "kms_key_arn" {
  description = "KMS key that encrypts images at rest."
  type        = string
}

variable "keep_tagged_images" {
  description = "Number of most recent images to keep; older ones are deleted. Deploy rollback needs the previous few."
  type        = number
  default     = 50

  validation {
    condition     = var.keep_tagged_images >= 10
    error_message = "keep_tagged_images must be at least 10 so rollbacks have images to return to."
  }
}
