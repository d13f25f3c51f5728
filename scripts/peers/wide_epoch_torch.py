#!/usr/bin/python3
"""PyTorch peer for the wide-network benchmark (scripts/bench_under_load.sh).

Times one epoch of the network tinymlp trains with
  tinymlp train --split 10k --hidden 1024,512 --batch-norm --dropout 0.1 --optimizer adam ...
on the same 10,000 CIFAR-10 images (data_batch_1.bin, normalized per dimension): 3072-1024-512-10,
batch norm before each ReLU, inverted dropout 0.1 on the hidden units, softmax cross-entropy,
L2 1e-4 as weight decay on the weights, Adam, batch 100, so 100 steps. Prints
`torch_epoch_seconds=S` (the training loop only, as tinymlp's train_seconds).

Usage: wide_epoch_torch.py DATA_DIR THREADS
"""
import sys
import time

import numpy as np
import torch


def main():
    if len(sys.argv) != 3:
        print("usage: wide_epoch_torch.py DATA_DIR THREADS", file=sys.stderr)
        return 2
    data_dir, threads = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    raw = np.fromfile(f"{data_dir}/data_batch_1.bin", dtype=np.uint8).reshape(-1, 3073)
    x = raw[:, 1:].astype(np.float32)
    x = (x - x.mean(axis=0)) / np.maximum(x.std(axis=0), 1e-3)
    y = torch.from_numpy(raw[:, 0].astype(np.int64))
    x = torch.from_numpy(x)
    net = torch.nn.Sequential(
        torch.nn.Linear(3072, 1024), torch.nn.BatchNorm1d(1024), torch.nn.ReLU(),
        torch.nn.Dropout(0.1),
        torch.nn.Linear(1024, 512), torch.nn.BatchNorm1d(512), torch.nn.ReLU(),
        torch.nn.Dropout(0.1),
        torch.nn.Linear(512, 10))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-4)
    loss_fn = torch.nn.CrossEntropyLoss()
    order = torch.randperm(x.shape[0])
    net.train()
    start = time.perf_counter()
    for step in range(x.shape[0] // 100):
        idx = order[step * 100:(step + 1) * 100]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x[idx]), y[idx])
        loss.backward()
        opt.step()
    print(f"torch_epoch_seconds={time.perf_counter() - start:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
