#!/usr/bin/env bash
# Builds the walletscreen npm package into bindings/wasm/pkg/ (gitignored):
#
#   bindings/wasm/build.sh
#
# 1. the wasm32-unknown-unknown target (rustup) and wasm-bindgen-cli from
#    crates.io at exactly the version of the `wasm-bindgen` crate pinned in
#    bindings/wasm/Cargo.toml, each installed only when missing (or at
#    another version);
# 2. the crate for wasm32 with the workspace's `wasm` profile (release, fat
#    LTO, one codegen unit: Cargo.toml) and WebAssembly SIMD;
# 3. wasm-bindgen's glue (`--target web`: an ES module whose init takes a
#    URL, bytes or a module, so one build serves Node and browsers);
# 4. the package's own files from bindings/wasm/js/ (the API, the entry
#    points, the TypeScript declarations, package.json, README.md).
#
# No wasm-opt: binaryen's only crates.io build compiles it from C++ source
# (BENCHMARKS.md, "The npm package", has the measured trade-off). Then
# `npm pack ./bindings/wasm/pkg` or `npm install ./bindings/wasm/pkg`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

target=wasm32-unknown-unknown
# The version pinned with `=` in bindings/wasm/Cargo.toml.
bindgen_version="$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' "$here/Cargo.toml")"
if [ -z "$bindgen_version" ]; then
    echo "build.sh: no exact wasm-bindgen version (wasm-bindgen = \"=X.Y.Z\") in $here/Cargo.toml" >&2
    exit 2
fi

if command -v rustup >/dev/null 2>&1; then
    if ! rustup target list --installed | grep -qx "$target"; then
        rustup target add "$target"
    fi
fi

if ! command -v wasm-bindgen >/dev/null 2>&1 \
    || [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $bindgen_version" ]; then
    echo "build.sh: installing wasm-bindgen-cli $bindgen_version from crates.io"
    cargo install wasm-bindgen-cli --version "$bindgen_version" --locked
fi

# WebAssembly SIMD (simd128): LLVM vectorizes the key's loops with it,
# about twice the checks per second and a smaller module (BENCHMARKS.md);
# every engine since 2021-2023 runs it (Node 16.4, Chrome 91, Firefox 89,
# Safari 16.4).
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="${CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS:--C target-feature=+simd128}"
cargo build -p walletscreen-wasm --target "$target" --profile wasm
target_dir="${CARGO_TARGET_DIR:-$root/target}"
wasm="$target_dir/$target/wasm/walletscreen_wasm.wasm"

pkg="$here/pkg"
rm -rf "$pkg"
mkdir -p "$pkg"
wasm-bindgen --target web --out-dir "$pkg" --out-name walletscreen "$wasm"

for f in api.js node.js browser.js manual.js index.d.ts manual.d.ts README.md; do
    cp "$here/js/$f" "$pkg/$f"
done
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$here/Cargo.toml" | head -n 1)"
sed "s/@VERSION@/$version/" "$here/js/package.json" > "$pkg/package.json"

raw=$(wc -c < "$pkg/walletscreen_bg.wasm")
gz=$(gzip -9 -c "$pkg/walletscreen_bg.wasm" | wc -c)
echo "build.sh: $pkg (walletscreen $version): walletscreen_bg.wasm $raw bytes, $gz gzip -9"
