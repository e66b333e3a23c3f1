#!/usr/bin/env python3
"""Converts fp32 MiniLM weights (the tuned ones train.py writes) to the int8
file committed here.

Usage (numpy and safetensors installed; nothing is downloaded; see README.md
for the whole recipe):

    python3 convert.py /tmp/tuned .
    python3 convert.py /tmp/reader . reader.int8.safetensors

The reader (`train_reader.py`'s output) is converted the same way; its
head's vectors stay f32, and the sentence model's `tokenizer.json`, which
it shares, is left as it is.

Every matrix (2-D tensor) is quantised per row, symmetrically: `NAME` holds
int8 values and `NAME.scale` one f32 per row, so that W[r, c] ~= NAME[r, c] *
NAME.scale[r]. Vectors (biases, LayerNorm) stay f32. The pooler, which
mean-pooled sentence embeddings never use, and the constant `position_ids`
are left out. `tokenizer.json` is copied byte for byte.
"""
import hashlib
import json
import shutil
import sys
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file

FORMAT = "infusion-faq-int8-rowwise-v1"


def main(source: Path, target: Path, file: str) -> None:
    weights = load_file(str(source / "model.safetensors"))
    out = {}
    for name, tensor in sorted(weights.items()):
        if name.startswith("pooler.") or name.endswith("position_ids"):
            continue
        tensor = tensor.astype(np.float32)
        if tensor.ndim == 2:
            scale = np.abs(tensor).max(axis=1) / 127.0
            scale[scale == 0] = 1.0
            q = np.clip(np.rint(tensor / scale[:, None]), -127, 127).astype(np.int8)
            out[name] = q
            out[name + ".scale"] = scale.astype(np.float32)
        else:
            out[name] = tensor
    source_digest = hashlib.sha256((source / "model.safetensors").read_bytes()).hexdigest()
    save_file(out, str(target / file),
              metadata={"format": FORMAT, "source_sha256": source_digest})
    files = [file]
    if file == "model.int8.safetensors":
        shutil.copyfile(source / "tokenizer.json", target / "tokenizer.json")
        files.append("tokenizer.json")
    for name in files:
        digest = hashlib.sha256((target / name).read_bytes()).hexdigest()
        print(f"{digest}  {name}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]),
         sys.argv[3] if len(sys.argv) > 3 else "model.int8.safetensors")
