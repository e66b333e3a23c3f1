#!/usr/bin/env python3
"""Writes the reference vectors the Rust test compares the int8 model with.

Usage: python3 reference.py TUNED_FP32_DIR ../../tests/fixtures/minilm-reference.json

sentence-transformers computes them from the tuned fp32 weights (before
convert.py quantises them): mean pooling, normalised, as the engine does.
"""
import json
import sys

import sentence_transformers
from sentence_transformers import SentenceTransformer, models

TEXTS = [
    "How often is Tysabri given?",
    "You receive this drug once every four weeks.",
    "Infusion Treatments for MS › Side effects › Natalizumab (Tysabri)\n"
    "The more common side effects of this drug can include:\n- infections\n- allergic reactions\n- headache",
    "what's a good recipe for banana bread",
    "plasmapharesis",
]

if __name__ == "__main__":
    source, target = sys.argv[1], sys.argv[2]
    encoder = models.Transformer(source, max_seq_length=256)
    pooling = models.Pooling(encoder.get_word_embedding_dimension(), pooling_mode="mean")
    model = SentenceTransformer(modules=[encoder, pooling, models.Normalize()], device="cpu")
    vectors = model.encode(TEXTS, normalize_embeddings=True).tolist()
    with open(target, "w") as f:
        json.dump({
            "model": f"all-MiniLM-L6-v2 tuned by train.py (fp32, sentence-transformers {sentence_transformers.__version__})",
            "texts": TEXTS,
            "vectors": [[round(x, 7) for x in v] for v in vectors],
        }, f)
        f.write("\n")
