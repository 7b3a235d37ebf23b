#!/usr/bin/env bash
# Regenerates Sources/SightlineOTLP/Generated/*.pb.swift from proto/opentelemetry/**.proto.
#
# The generated files are committed; CI and ordinary builds never run this script. Run it after
# editing a .proto file (rare: the OTLP schema is stable).
#
# Needs:
#   - protoc (Debian: apt-get update && apt-get install -y protobuf-compiler)
#   - protoc-gen-swift from swift-protobuf 1.39.0, the same version Package.swift depends on.
#     The script builds it in a throw-away package (PLUGIN_DIR, default /tmp/otlp-plugin) the first
#     time; that build takes one to ten minutes. Set PROTOC_GEN_SWIFT to use a plugin you have.
#
# Options passed to the plugin: Visibility=Internal (the generated types are an implementation
# detail of SightlineOTLP; its public API is hand-written) and FileNaming=DropPath (flat folder).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/Sources/SightlineOTLP/Generated"
plugin_dir="${PLUGIN_DIR:-/tmp/otlp-plugin}"

command -v protoc >/dev/null || { echo "protoc not found: apt-get install -y protobuf-compiler" >&2; exit 1; }

plugin="${PROTOC_GEN_SWIFT:-}"
if [[ -z "$plugin" ]]; then
  plugin="$plugin_dir/.build/release/protoc-gen-swift"
  if [[ ! -x "$plugin" ]]; then
    mkdir -p "$plugin_dir"
    cat > "$plugin_dir/Package.swift" <<'SWIFT'
// swift-tools-version:6.1
import PackageDescription
let package = Package(
    name: "otlp-plugin",
    dependencies: [.package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0")],
    targets: []
)
SWIFT
    (cd "$plugin_dir" && swift build -c release --product protoc-gen-swift)
  fi
fi

rm -f "$out"/*.pb.swift
mkdir -p "$out"
cd "$root/proto"
protoc \
  --plugin=protoc-gen-swift="$plugin" \
  --swift_out="$out" \
  --swift_opt=Visibility=Internal \
  --swift_opt=FileNaming=DropPath \
  $(find opentelemetry -name '*.proto' | sort)
echo "generated: $(ls "$out")"
