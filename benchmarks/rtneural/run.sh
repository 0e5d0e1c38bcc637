#!/usr/bin/env bash
# RTNeural beside RnnGen in the same run: builds benchmarks/rtneural/rtneural_peer.cpp against the RTNeural checkout at
# RTNEURAL_DIR with both backends (Eigen from Debian's libeigen3-dev, xsimd from RTNeural's modules/xsimd), checks
# that each backend's outputs, and those of RnnGen's inference copies (ToInference), equal RnnGen's Step's on the weights
# `RnnGen.Benchmarks peers prepare` wrote, then times the twelve models with the processes interleaved: per model,
# ROUNDS rounds of (eigen, xsimd, RnnGen Step, RnnGen inference copy), the order reversed every other round, each
# process printing the median of 15 repetitions. Writes every process's line to OUT.
#   benchmarks/rtneural/run.sh PEERS_DIR OUT        (benchmarks/run.sh calls it; ROUNDS defaults to 3)
# Exit 3 with one line on stderr saying why when RTNeural cannot be built here; 1 when the outputs differ.
set -euo pipefail
export LC_ALL=C
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
peers=${1:?usage: run.sh PEERS_DIR OUT}
out=${2:?usage: run.sh PEERS_DIR OUT}
rounds=${ROUNDS:-3}
rt=${RTNEURAL_DIR:-}
eigen=/usr/include/eigen3

missing() { echo "$1" >&2; exit 3; }
[[ -n $rt ]] || missing "RTNEURAL_DIR is not set (an RTNeural checkout with its xsimd submodule; see benchmarks/rtneural/README.md)"
[[ -f $rt/RTNeural/RTNeural.h ]] || missing "RTNEURAL_DIR=$rt has no RTNeural/RTNeural.h"
[[ -f $rt/modules/xsimd/include/xsimd/xsimd.hpp ]] || missing "RTNEURAL_DIR=$rt has no xsimd in modules/xsimd (RTNeural pins it as a submodule: git submodule update --init modules/xsimd)"
[[ -f $eigen/Eigen/Dense ]] || missing "no Eigen at $eigen: apt-get install -y --no-install-recommends libeigen3-dev"
command -v g++ >/dev/null || missing "no g++: apt-get install -y --no-install-recommends g++"

bin=$root/benchmarks/BenchmarkDotNet.Artifacts/rtneural
mkdir -p "$bin"
flags=(-O3 -march=native -std=c++17)
# The alignments RTNeural's CMake sets for AVX builds (Eigen supports at most 32); xsimd's batches are 64 bytes with
# AVX-512. EIGEN_STACK_ALLOCATION_LIMIT=0: the 16→128 weight matrices are fixed-size members above Eigen's 128 KB
# stack check; rtneural_peer allocates the models on the heap.
eigen_flags=(-DRTNEURAL_USE_EIGEN=1 -DRTNEURAL_DEFAULT_ALIGNMENT=32 -DEIGEN_STACK_ALLOCATION_LIMIT=0 -I"$eigen")
xsimd_flags=(-DRTNEURAL_USE_XSIMD=1 -DRTNEURAL_DEFAULT_ALIGNMENT=64 -I"$rt/modules/xsimd/include")
build() { # backend flags... — rebuilt when the source, the flags, RTNeural's path or the compiler change
  local target=$bin/rtneural_$1; shift
  local stamp; stamp="$(md5sum <"$here/rtneural_peer.cpp") ${flags[*]} $* $rt $(g++ --version | head -1)"
  [[ -x $target && "$(cat "$target.stamp" 2>/dev/null)" == "$stamp" ]] && return 0
  g++ "${flags[@]}" -I"$rt" "$@" "$here/rtneural_peer.cpp" -o "$target" 2>"$target.log" || { cat "$target.log" >&2; return 1; }
  echo "$stamp" >"$target.stamp"
}
echo "Building RTNeural (eigen, xsimd) ..."
build eigen "${eigen_flags[@]}" & e=$!
build xsimd "${xsimd_flags[@]}" & x=$!
wait $e && wait $x

rnngen=(dotnet "$root/benchmarks/RnnGen.Benchmarks/bin/Release/net10.0/RnnGen.Benchmarks.dll" peers)
echo "Outputs of RTNeural and of RnnGen's inference copies against RnnGen's Step, same weights and inputs:"
"$bin/rtneural_eigen" outputs "$peers"
"$bin/rtneural_xsimd" outputs "$peers"
"${rnngen[@]}" check "$peers" eigen xsimd inference || { echo "RTNeural's or the inference copies' outputs differ from RnnGen's Step's: not timed" >&2; exit 1; }

version() { grep -m1 -E "#define $1 " "$2" | awk '{print $3}'; }
{
  echo "# compiler $(g++ --version | head -1)"
  echo "# flags ${flags[*]}"
  echo "# rounds $rounds"
  echo "# rtneural $(git -C "$rt" rev-parse --short HEAD 2>/dev/null || grep -m1 -oE 'project\(RTNeural VERSION [0-9.]+' "$rt/CMakeLists.txt" | awk '{print $3}')"
  echo "# eigen $(version EIGEN_WORLD_VERSION "$eigen/Eigen/src/Core/util/Macros.h").$(version EIGEN_MAJOR_VERSION "$eigen/Eigen/src/Core/util/Macros.h").$(version EIGEN_MINOR_VERSION "$eigen/Eigen/src/Core/util/Macros.h")"
  echo "# xsimd $(version XSIMD_VERSION_MAJOR "$rt/modules/xsimd/include/xsimd/config/xsimd_config.hpp").$(version XSIMD_VERSION_MINOR "$rt/modules/xsimd/include/xsimd/config/xsimd_config.hpp")"
} >"$out"
models=(Lstm_1x8 Lstm_1x16 Lstm_1x32 Lstm_1x64 Lstm_8x64 Lstm_16x128 Gru_1x8 Gru_1x16 Gru_1x32 Gru_1x64 Gru_8x64 Gru_16x128)
echo "Timing, $rounds interleaved rounds per model (median ns of 15 repetitions per process):"
for m in "${models[@]}"; do
  for ((r = 0; r < rounds; r++)); do
    sides=(eigen xsimd rnngen inference)
    (( r % 2 )) && sides=(inference rnngen xsimd eigen)
    for side in "${sides[@]}"; do
      case $side in
        rnngen) line="rnngen $("${rnngen[@]}" time "$peers" "$m")" ;;
        inference) line="rnngen $("${rnngen[@]}" time "$peers" "$m" inference)" ;;
        *) line="rtneural $("$bin/rtneural_$side" time "$peers" "$m")" ;;
      esac
      echo "  $line"
      echo "$line" >>"$out"
    done
  done
done
