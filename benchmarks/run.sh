#!/usr/bin/env bash
# Runs the benchmark suite and rewrites docs/PERFORMANCE.md.
#   benchmarks/run.sh           full run (about 5 minutes)
#   benchmarks/run.sh --quick   short iterations (about a minute)
# Extra arguments go to the benchmark program, e.g. --only Lstm_16x128 (then no report is written unless --report is given).
# PyTorch (Debian's python3-torch in /usr/bin/python3) is timed first, in the same run, if it is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=()
report=(--report docs/PERFORMANCE.md)
for arg in "$@"; do
  [ "$arg" = "--quick" ] && quick=(--quick)
  [ "$arg" = "--only" ] && report=()
done

artifacts=benchmarks/BenchmarkDotNet.Artifacts
mkdir -p "$artifacts"
pytorch=()
if [ ${#report[@]} -gt 0 ] && /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "Timing PyTorch ..."
  /usr/bin/python3 benchmarks/RnnGen.Benchmarks/pytorch_train_step.py "${quick[@]}" > "$artifacts/pytorch.json"
  cat "$artifacts/pytorch.json"
  pytorch=(--pytorch "$artifacts/pytorch.json")
  echo "Exporting the batched peers' model (PyTorch, ONNX) and timing PyTorch's batched step ..."
  /usr/bin/python3 benchmarks/RnnGen.Benchmarks/batch_peers.py "$artifacts/batch" "${quick[@]}"
  pytorch+=(--batch-peers "$artifacts/batch")
fi

dotnet build benchmarks/RnnGen.Benchmarks -c Release --nologo -v quiet
dotnet benchmarks/RnnGen.Benchmarks/bin/Release/net10.0/RnnGen.Benchmarks.dll --artifacts "$artifacts" "$@" "${report[@]}" "${pytorch[@]}"
