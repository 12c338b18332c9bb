"""Checks an ONNX model with onnx.checker and runs it in onnxruntime (CPU), for
Tests/CommandTests/ExportTests.swift.

    python3 onnx_run.py MODEL.onnx C S BATCH.f32...

Each BATCH.f32 holds N×C×S×S little-endian float32 images (already normalised; N
follows from its size). Prints one JSON object: per batch, every output's shape
and values (flattened); and the model's metadata_props. Exit status 3 when onnx or onnxruntime cannot be imported (the
test is then skipped with that message).
"""
import json
import sys

try:
    import numpy as np
    import onnx
    import onnxruntime as ort
except ImportError as error:
    print(f"onnx/onnxruntime not importable: {error}", file=sys.stderr)
    sys.exit(3)

path, c, s, batches = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
model = onnx.load(path)
onnx.checker.check_model(model, full_check=True)
options = ort.SessionOptions()
options.intra_op_num_threads = 2
session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
names = [output.name for output in session.get_outputs()]
runs = []
for batch in batches:
    x = np.fromfile(batch, dtype="<f4").reshape(-1, c, s, s)
    results = session.run(names, {"image": x})
    runs.append({name: {"shape": list(value.shape), "values": value.astype(float).ravel().tolist()}
                 for name, value in zip(names, results)})
print(json.dumps({"runs": runs, "metadata": {entry.key: entry.value for entry in model.metadata_props}}))
