#!/usr/bin/env bash
# Runs the peers and the benchmark suite, then rewrites docs/PERFORMANCE.md and README's Speed section from that one run.
#   benchmarks/run.sh           full run (about 27 minutes)
#   benchmarks/run.sh --quick   short iterations (about 10 minutes)
# Extra arguments go to the benchmark program, e.g. --only Lstm_16x128 (then no report is written and RTNeural and
# PyTorch are not run).
# Peers, each in this run on the suite's own weights, or left out with the reason printed and reported:
#   ONNX Runtime  the models exported by Peers/export_onnx.py (needs torch in /usr/bin/python3), timed in the suite
#   RTNeural      when RTNEURAL_DIR points at an RTNeural checkout with its xsimd submodule (benchmarks/rtneural/)
#   PyTorch       the training step (pytorch_train_step.py), when /usr/bin/python3 has torch
set -euo pipefail
cd "$(dirname "$0")/.."
quick=()
report=(--report docs/PERFORMANCE.md --readme README.md)
for arg in "$@"; do
  [ "$arg" = "--quick" ] && quick=(--quick)
  [ "$arg" = "--only" ] && report=()
done

artifacts=benchmarks/BenchmarkDotNet.Artifacts
peers=$artifacts/peers
mkdir -p "$artifacts" "$peers"
echo "Load average at the start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
dotnet build benchmarks/RnnGen.Benchmarks -c Release --nologo -v quiet
bench=(dotnet benchmarks/RnnGen.Benchmarks/bin/Release/net10.0/RnnGen.Benchmarks.dll)
"${bench[@]}" peers prepare "$peers"

torch=no
/usr/bin/python3 -c "import torch, onnx" 2>/dev/null && torch=yes
onnx=()
if [ $torch = yes ]; then
  echo "Exporting the models to ONNX ..."
  /usr/bin/python3 benchmarks/RnnGen.Benchmarks/Peers/export_onnx.py "$peers"
  onnx=(--onnx "$peers")
else
  reason="/usr/bin/python3 has no torch and onnx to export the models (apt-get install -y --no-install-recommends python3-torch python3-onnx)"
  echo "ONNX Runtime left out: $reason"
  onnx=(--no-onnx "$reason")
fi

rtneural=() pytorch=()
if [ ${#report[@]} -gt 0 ]; then
  if benchmarks/rtneural/run.sh "$peers" "$artifacts/rtneural.txt" 2> "$artifacts/rtneural.err"; then
    rtneural=(--rtneural "$artifacts/rtneural.txt")
  else
    cat "$artifacts/rtneural.err" >&2
    rt_reason=$(tail -1 "$artifacts/rtneural.err")
    echo "RTNeural left out: $rt_reason"
    rtneural=(--no-rtneural "$rt_reason")
  fi
  if [ $torch = yes ]; then
    echo "Timing PyTorch ..."
    /usr/bin/python3 benchmarks/RnnGen.Benchmarks/pytorch_train_step.py "${quick[@]}" > "$artifacts/pytorch.json"
    cat "$artifacts/pytorch.json"
    pytorch=(--pytorch "$artifacts/pytorch.json")
    echo "Exporting the batched peers' model (PyTorch, ONNX) and timing PyTorch's batched step ..."
    /usr/bin/python3 benchmarks/RnnGen.Benchmarks/batch_peers.py "$artifacts/batch" "${quick[@]}"
    pytorch+=(--batch-peers "$artifacts/batch")
  fi
fi

"${bench[@]}" --artifacts "$artifacts" "$@" "${report[@]}" "${pytorch[@]}" "${onnx[@]}" "${rtneural[@]}"
