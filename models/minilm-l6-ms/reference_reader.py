#!/usr/bin/env python3
"""Writes the reference scores the Rust test compares the int8 reader with.

Usage: python3 reference_reader.py READER_FP32_DIR ../../tests/fixtures/reader-reference.json

transformers computes them from train_reader.py's fp32 output (before
convert.py quantises it), reading each pair as train_reader.py does.
"""
import json
import sys

import torch
import transformers
from safetensors.torch import load_file
from transformers import AutoModel, AutoTokenizer

TYSABRI = ("Infusion Treatments for MS › Infusion drugs for MS › Natalizumab (Tysabri)\n"
           "Natalizumab works by stopping the damaging immune cells from entering your brain "
           "and spinal cord. You receive this drug once every four weeks.")
PAIRS = [
    ("How often is Tysabri given?", TYSABRI),
    ("how many hours does a tysabri infusion take", TYSABRI),
    ("can i get pregnant on tysabri", TYSABRI),
    ("what's a good recipe for banana bread", TYSABRI),
]

if __name__ == "__main__":
    source, target = sys.argv[1], sys.argv[2]
    tokenizer = AutoTokenizer.from_pretrained(source)
    model = AutoModel.from_pretrained(source).eval()
    weights = load_file(f"{source}/model.safetensors")
    head, bias = weights["head.weight"], weights["head.bias"]
    scores = []
    with torch.no_grad():
        for message, passage in PAIRS:
            batch = tokenizer([message], [passage], truncation="only_second", max_length=256,
                              return_tensors="pt")
            batch["token_type_ids"] = torch.zeros_like(batch["input_ids"])
            states = model(**batch).last_hidden_state[0]
            scores.append(float(states.mean(0) @ head + bias[0]))
    with open(target, "w") as f:
        json.dump({
            "model": f"the reader, train_reader.py's fp32 output (transformers {transformers.__version__})",
            "pairs": [list(p) for p in PAIRS],
            "scores": [round(s, 5) for s in scores],
        }, f, ensure_ascii=False, indent=1)
        f.write("\n")
