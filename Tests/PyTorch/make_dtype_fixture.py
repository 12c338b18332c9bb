"""Writes Tests/CBAMKitTests/Fixtures/dtypes.safetensors: one small tensor of each
dtype cbam reads (F32, F64, F16, BF16, I64, I32), all holding the same values, which
are exact in every one of those types, so the Swift reader can be checked against
them. Run by hand: python3 Tests/PyTorch/make_dtype_fixture.py"""
import os

import torch
from safetensors.torch import save_file

VALUES = [[0.0, -1.0, 2.5], [-0.125, 96.0, 1024.0]]  # exact in every dtype (ints: see below)
INTS = [[0, -1, 2], [-3, 96, 1024]]

out = {
    "f32": torch.tensor(VALUES, dtype=torch.float32),
    "f64": torch.tensor(VALUES, dtype=torch.float64),
    "f16": torch.tensor(VALUES, dtype=torch.float16),
    "bf16": torch.tensor(VALUES, dtype=torch.bfloat16),
    "i64": torch.tensor(INTS, dtype=torch.int64),
    "i32": torch.tensor(INTS, dtype=torch.int32),
    "scalar": torch.tensor(7, dtype=torch.int64),  # shape [], like num_batches_tracked
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "CBAMKitTests", "Fixtures", "dtypes.safetensors")
save_file(out, os.path.normpath(path), metadata={"note": "Tests/PyTorch/make_dtype_fixture.py"})
print(os.path.normpath(path))
