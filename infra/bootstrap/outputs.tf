output "backend_config" {
  description = "Contents for envs/<env>/backend.hcl."
  value       = <<-EOT
    bucket     = "${aws_s3_bucket.state.id}"
    region     = "${var.aws_region}"
    kms_key_id = "${aws_kms_key.state.arn}"
  EOT
}
