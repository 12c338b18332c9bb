"""onnxruntime's inference speed on an exported cbam model (Benchmarks/onnx.sh runs it
beside `cbam bench`).

    python3 Benchmarks/onnx_bench.py MODEL.onnx [--threads 2] [--batch 256] [--rounds 7] [--latency-rounds 51]

Prints one JSON object with the same keys as `cbam bench --json`:
infer_images_per_s (batch --batch, median of --rounds timed runs after 2 warm-up)
and latency_ms (batch 1, median of --latency-rounds after 10 warm-up), on random
normal inputs of the model's input shape. CPU execution provider, --threads intra-op
threads, one inter-op thread, all graph optimisations (onnxruntime's default).
"""
import argparse
import json
import statistics
import time

import numpy as np
import onnxruntime as ort


def median_seconds(count, warmup, run):
    for _ in range(warmup):
        run()
    times = []
    for _ in range(count):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--latency-rounds", type=int, default=51)
    args = parser.parse_args()

    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
    shape = session.get_inputs()[0].shape  # ["N", C, S, S]
    generator = np.random.default_rng(0)
    batch = generator.standard_normal((args.batch, *shape[1:]), dtype=np.float32)
    one = batch[:1].copy()

    infer = median_seconds(args.rounds, 2, lambda: session.run(["logits"], {"image": batch}))
    latency = median_seconds(args.latency_rounds, 10, lambda: session.run(["logits"], {"image": one}))
    print(json.dumps({"framework": f"onnxruntime {ort.__version__}", "threads": args.threads,
                      "infer_images_per_s": args.batch / infer, "latency_ms": latency * 1000}))


if __name__ == "__main__":
    main()
