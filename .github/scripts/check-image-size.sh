#!/usr/bin/env bash
# Fails when a local container image is larger than a byte limit.
# Usage: check-image-size.sh IMAGE MAX_BYTES
set -euo pipefail

image=${1:?usage: check-image-size.sh IMAGE MAX_BYTES}
max_bytes=${2:?usage: check-image-size.sh IMAGE MAX_BYTES}

size=$(docker image inspect --format '{{.Size}}' "$image")
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1000000 }'; }

echo "image ${image}: $(mb "$size") (${size} bytes); limit $(mb "$max_bytes")"
if (( size > max_bytes )); then
  echo "::error::image ${image} is $(mb "$size"), over the $(mb "$max_bytes") limit"
  docker history --no-trunc --format '{{.Size}}\t{{.CreatedBy}}' "$image" | head -20
  exit 1
fi
