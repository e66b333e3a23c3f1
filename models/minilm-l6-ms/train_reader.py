#!/usr/bin/env python3
"""Tunes the reader: a model that reads a member's message and one passage
together and scores whether the passage answers it.

Usage (as train.py; nothing is downloaded):

    python3 train_reader.py /tmp/tuned /tmp/passages.jsonl /tmp/reader 6 training/*.toml
    python3 convert.py /tmp/reader . reader.int8.safetensors

It starts from the tuned sentence model (train.py's output, /tmp/tuned),
keeps its first LAYERS layers (the shipped reader keeps all six; three
were measured and read less well), and adds a head: one weight per dimension of
the mean of the tokens' states, and a bias. The input is the pair as BERT
reads two texts, "[CLS] message [SEP] passage [SEP]", every token of type 0
(the engine's encoder has the one type), the passage as the engine embeds it
("title › headings\\ntext"), cut to fit 256 tokens.

Each training question is read beside its candidates: the K passages the
tuned sentence model puts nearest it (its own passage put in place of the
last when it is not among them). The loss is a softmax over those K scores
and one more "none of them" fixed at 0: an answerable question's passages
must score above the others and above 0, and a question the articles do not
answer must leave all of them below 0. So a score above 0 reads "answers".

One thread-count and a fixed seed make a run repeatable on one machine.
"""
import glob
import json
import os
import random
import sys
import time
import tomllib

import torch
from transformers import AutoModel, AutoTokenizer

# The phrase matching of the sentence model's tuning, beside this file.
from train import normalised

SEED = 7
EPOCHS = 2
LEARNING_RATE = 3e-5
BATCH = 8
# Candidates each question is read beside.
K = 4
# A question the articles do not answer counts this much of an answerable one.
NEAR_WEIGHT = 0.5
THREADS = 2


def main(base, passages_path, out_dir, layers, training):
    torch.manual_seed(SEED)
    random.seed(SEED)
    torch.set_num_threads(THREADS)
    with open(passages_path) as f:
        passages = [json.loads(line) for line in f]
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModel.from_pretrained(base)
    if layers < model.config.num_hidden_layers:
        model.encoder.layer = model.encoder.layer[:layers]
        model.config.num_hidden_layers = layers
    head = torch.nn.Linear(model.config.hidden_size, 1)
    cases = []
    for path in training:
        with open(path, "rb") as f:
            for case in tomllib.load(f)["case"]:
                if case.get("expect") == "no_answer":
                    cases.append((case["question"], []))
                    continue
                phrases = [normalised(a) for a in case["answers"]]
                cases.append((case["question"], [i for i, p in enumerate(passages)
                                                 if any(a in normalised(p["text"]) for a in phrases)]))
    print(f"{len(cases)} cases", flush=True)

    # Each question's candidates, by the tuned sentence model.
    sentence_model = AutoModel.from_pretrained(base).eval()

    def embed(texts):
        with torch.no_grad():
            batch = tokenizer(texts, padding=True, truncation=True, max_length=256, return_tensors="pt")
            states = sentence_model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).float()
            return torch.nn.functional.normalize((states * mask).sum(1) / mask.sum(1), dim=-1)

    wholes = embed([p["whole"] for p in passages])
    questions = torch.cat([embed([q for q, _ in cases[i:i + 64]]) for i in range(0, len(cases), 64)])
    readings = []
    for (question, positives), row in zip(cases, questions @ wholes.T):
        candidates = row.argsort(descending=True).tolist()[:K]
        for p in positives:
            if p not in candidates:
                candidates[-1] = p
        candidates = list(dict.fromkeys(candidates))
        readings.append((question, candidates, [i for i, c in enumerate(candidates) if c in positives]))
    del sentence_model

    def scores(question, ids):
        batch = tokenizer([question] * len(ids), [passages[i]["whole"] for i in ids], padding=True,
                          truncation="only_second", max_length=256, return_tensors="pt")
        batch["token_type_ids"] = torch.zeros_like(batch["input_ids"])
        states = model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        return head((states * mask).sum(1) / mask.sum(1)).squeeze(-1)

    parameters = list(model.parameters()) + list(head.parameters())
    optimiser = torch.optim.AdamW(parameters, lr=LEARNING_RATE, weight_decay=0.01)
    steps = EPOCHS * ((len(readings) + BATCH - 1) // BATCH)
    # Linear warm-up over the first tenth, then linear decay to 0.
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser,
        lambda s: min(1.0, s / (0.1 * steps)) * max(0.0, (steps - s) / (0.9 * steps))
        if s >= 0.1 * steps else s / (0.1 * steps))
    step, start = 0, time.time()
    for epoch in range(EPOCHS):
        random.shuffle(readings)
        model.train()
        for first in range(0, len(readings), BATCH):
            loss = 0
            for question, candidates, wanted in readings[first:first + BATCH]:
                logits = torch.cat([scores(question, candidates), torch.zeros(1)])
                weight = 1.0 if wanted else NEAR_WEIGHT
                wanted = wanted or [len(candidates)]
                loss = loss + weight * (torch.logsumexp(logits, 0) - torch.logsumexp(logits[wanted], 0))
            loss = loss / BATCH
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(parameters, 1.0)
            optimiser.step()
            schedule.step()
            step += 1
            if step % 50 == 0:
                print(f"epoch {epoch} step {step}/{steps} loss {loss.item():.3f} {time.time() - start:.0f}s", flush=True)
    # The head goes into the weights file as two vectors, which convert.py
    # keeps in f32.
    os.makedirs(out_dir, exist_ok=True)
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    from safetensors.torch import load_file, save_file
    weights = load_file(os.path.join(out_dir, "model.safetensors"))
    weights["head.weight"] = head.weight.detach().reshape(-1).contiguous()
    weights["head.bias"] = head.bias.detach().reshape(-1).contiguous()
    save_file(weights, os.path.join(out_dir, "model.safetensors"))


if __name__ == "__main__":
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    # Sorted by name (bytes), so the order, and so the shuffle, does not
    # depend on the shell's locale.
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sorted(sys.argv[5:]))
