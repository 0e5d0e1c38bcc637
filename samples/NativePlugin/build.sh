#!/usr/bin/env bash
# Publishes the plugin as a NativeAOT shared library, compiles the C host with gcc, and runs it.
#   samples/NativePlugin/build.sh [OUT_DIR]      (default: samples/NativePlugin/bin/plugin)
# The test suite does the same and also checks every output against the managed model
# (tests/RnnGen.IntegrationTests/NativePluginTests.cs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/bin/plugin}
dotnet publish "$here/NativePlugin.csproj" -c Release -o "$out"
gcc -std=c11 -O2 -Wall -Wextra -Werror -I "$here/include" "$here/host/host.c" -o "$out/host" -ldl -lm
"$out/host" "$out/rnngen_plugin.so" "$here/waveform.safetensors"
