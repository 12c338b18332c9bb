#!/usr/bin/env bash
# cbam vs PyTorch, side by side (run by hand, not CI).
#
#   Benchmarks/compare.sh [plain] [se] [cbam] [vit]  (default: plain se cbam)
#
# For each model, runs `.build/release/cbam bench --model M --json` and then
# `python3 Benchmarks/pytorch_bench.py --model M --json` in the same session,
# and prints one table: throughput ratios are cbam/pytorch (>1: cbam faster),
# the latency ratio is pytorch/cbam (>1: cbam faster).
# Environment: THREADS (default 2, passed to PyTorch; cbam uses its own default
# unless its JSON reports "threads", which then wins), CBAM (binary path),
# PYTHON (default python3), EXTRA_ARGS (passed to both, e.g. "--image-size 28 --channels 1"),
# PT_ARGS (PyTorch only, e.g. "--malloc tuned" for the stronger, allocator-tuned peer),
# CBAM_ARGS (cbam only, e.g. "--profile": convolution GFLOP/s against the measured FP32 peak;
# "--precision fp32": cbam runs in its default, auto, otherwise: bf16 where the CPU has it),
# PT_PRECISIONS (default "fp32 bf16": PyTorch eager fp32 and PyTorch under autocast-bf16,
# each its own row against the same cbam run).
# Photo sizes, the official ResNets on both sides (PyTorch runs the authors' ResidualNet):
#   EXTRA_ARGS="--arch resnet18 --image-size 224 --batch-size 32" CBAM_ARGS=--profile PT_ARGS="--malloc tuned" Benchmarks/compare.sh cbam
set -u
cd "$(dirname "$0")/.."

THREADS="${THREADS:-2}"
CBAM="${CBAM:-.build/release/cbam}"
PYTHON="${PYTHON:-python3}"
EXTRA_ARGS="${EXTRA_ARGS:-}"
PT_ARGS="${PT_ARGS:-}"
CBAM_ARGS="${CBAM_ARGS:-}"
read -r -a PT_PRECISIONS <<< "${PT_PRECISIONS:-fp32 bf16}"
MODELS=("$@")
[ ${#MODELS[@]} -eq 0 ] && MODELS=(plain se cbam)

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

have_cbam=1
if [ ! -x "$CBAM" ]; then
    echo "note: $CBAM is not built (swift build -c release); showing PyTorch numbers only." >&2
    have_cbam=0
fi

for m in "${MODELS[@]}"; do
    : > "$TMP/cbam_$m.json"
    cbam_threads="$THREADS"
    if [ "$have_cbam" = 1 ]; then
        echo "== cbam    $m" >&2
        # shellcheck disable=SC2086
        if "$CBAM" bench --model "$m" --json $EXTRA_ARGS $CBAM_ARGS > "$TMP/cbam_$m.out" 2> "$TMP/cbam_$m.err"; then
            # keep the last line that parses as a JSON object
            "$PYTHON" - "$TMP/cbam_$m.out" > "$TMP/cbam_$m.json" <<'PY' || true
import json, sys
obj = None
for line in open(sys.argv[1]):
    line = line.strip()
    if line.startswith("{"):
        try:
            obj = json.loads(line)
        except ValueError:
            pass
if obj is None:
    try:
        obj = json.load(open(sys.argv[1]))
    except ValueError:
        sys.exit(1)
print(json.dumps(obj))
PY
            if [ ! -s "$TMP/cbam_$m.json" ]; then
                echo "note: cbam bench --model $m printed no JSON:" >&2
                head -5 "$TMP/cbam_$m.out" >&2
            else
                t="$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1])).get("threads",""))' "$TMP/cbam_$m.json")"
                [ -n "$t" ] && cbam_threads="$t"
            fi
        else
            echo "note: cbam bench --model $m failed (exit $?):" >&2
            tail -5 "$TMP/cbam_$m.err" >&2
        fi
    fi
    for p in "${PT_PRECISIONS[@]}"; do
        echo "== pytorch $m $p (threads $cbam_threads) $PT_ARGS" >&2
        # shellcheck disable=SC2086
        if ! "$PYTHON" Benchmarks/pytorch_bench.py --model "$m" --precision "$p" --threads "$cbam_threads" --json $EXTRA_ARGS $PT_ARGS \
                > "$TMP/pytorch_${m}_$p.json" 2> "$TMP/pytorch_${m}_$p.err"; then
            echo "note: pytorch_bench.py --model $m --precision $p failed:" >&2
            tail -5 "$TMP/pytorch_${m}_$p.err" >&2
            : > "$TMP/pytorch_${m}_$p.json"
        fi
    done
done

"$PYTHON" - "$TMP" "${PT_PRECISIONS[*]}" "${MODELS[@]}" <<'PY'
import json, os, sys
tmp, precisions, models = sys.argv[1], sys.argv[2].split(), sys.argv[3:]

def load(path):
    try:
        with open(path) as f:
            text = f.read().strip()
        return json.loads(text) if text else None
    except (OSError, ValueError):
        return None

def fmt(v, nd=1):
    return "-" if v is None else f"{v:.{nd}f}"

def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b

rows = []
for m in models:
    c = load(os.path.join(tmp, f"cbam_{m}.json")) or {}
    for precision in precisions:
        p = load(os.path.join(tmp, f"pytorch_{m}_{precision}.json")) or {}
        rows.append((f"{m} {c.get('precision', '?')} vs pt {precision}", c, p))

hdr = (f"{'model':22} {'params':>8} {'MFLOP/img':>9} | {'train img/s':>23} {'x':>5} | "
       f"{'infer img/s':>23} {'x':>5} | {'latency ms':>17} {'x':>5}")
sub = (f"{'':22} {'':>8} {'':>9} | {'cbam':>11} {'pytorch':>11} {'':>5} | "
       f"{'cbam':>11} {'pytorch':>11} {'':>5} | {'cbam':>8} {'pytorch':>8} {'':>5}")
print(hdr)
print(sub)
print("-" * len(hdr))
for m, c, p in rows:
    g = lambda d, k: d.get(k)
    params = g(p, "parameters") or g(c, "parameters")
    mfl = g(p, "mflops_per_image") or g(c, "mflops_per_image")
    tr = ratio(g(c, "train_images_per_s"), g(p, "train_images_per_s"))
    inf = ratio(g(c, "infer_images_per_s"), g(p, "infer_images_per_s"))
    lat = ratio(g(p, "latency_ms"), g(c, "latency_ms"))
    print(f"{m:22} {params if params is not None else '-':>8} {fmt(mfl, 1):>9} | "
          f"{fmt(g(c, 'train_images_per_s')):>11} {fmt(g(p, 'train_images_per_s')):>11} {fmt(tr, 2):>5} | "
          f"{fmt(g(c, 'infer_images_per_s')):>11} {fmt(g(p, 'infer_images_per_s')):>11} {fmt(inf, 2):>5} | "
          f"{fmt(g(c, 'latency_ms'), 3):>8} {fmt(g(p, 'latency_ms'), 3):>8} {fmt(lat, 2):>5}")
    mem = lambda d: None if d.get("peak_memory_mb") is None else (d["peak_memory_mb"], d["peak_memory_mb"] - d.get("base_memory_mb", 0))
    if mem(c) and mem(p):
        print(f"   training memory: cbam {mem(c)[0]:.0f} MB peak ({mem(c)[1]:.0f} MB over the model and batch), "
              f"pytorch {mem(p)[0]:.0f} MB ({mem(p)[1]:.0f} MB); training's own memory {mem(c)[1] / max(mem(p)[1], 1):.2f}x pytorch's")
    if c.get("conv_train_gflops") and c.get("fp32_peak_gflops"):
        peak = c["fp32_peak_gflops"]
        print(f"   cbam convolutions: {c['conv_train_gflops']:.0f} GFLOP/s training ({100 * c['conv_train_gflops'] / peak:.0f} % of "
              f"the measured FP32 peak, {peak:.0f}), {c['conv_infer_gflops']:.0f} inference ({100 * c['conv_infer_gflops'] / peak:.0f} %)")
    if c and p:
        for k in ("parameters", "channels", "image_size", "threads"):
            if c.get(k) != p.get(k):
                print(f"   warning: {k} differs: cbam {c.get(k)} vs pytorch {p.get(k)}")
versions = sorted({f"{d.get('framework')} {d.get('version')}" for _, c, p in rows for d in (c, p) if d})
print("versions: " + ", ".join(versions))
print("load average at the end: %.2f %.2f %.2f (the machine has %d cores)" % (os.getloadavg() + (os.cpu_count(),)))
print("ratios: throughput cbam/pytorch, latency pytorch/cbam (>1 means cbam is faster)")
PY
