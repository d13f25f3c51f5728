#!/usr/bin/python3
"""tinymlp export --format npz, checked from the other side: numpy loads the archive, runs the
network itself (normalize, linear, batch norm at evaluation, ReLU, softmax) on the first 1,000
CIFAR-10 test images, and must classify every image as `tinymlp predict` does, with every
probability within 1e-4. Two small networks are trained here (a few seconds): 3072-50-10, and
3072-50-30-10 with batch norm. Prints the largest probability difference.

Usage: npz_export_test.py TINYMLP_BINARY. Skips (exit 77) without CIFAR10_DIR or numpy.
"""
import json
import os
import subprocess
import sys
import tempfile

SKIP = 77
IMAGES = 1000
RECORD = 1 + 3072


def run(binary, *args):
    out = subprocess.run([binary, *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"tinymlp {' '.join(args)} failed ({out.returncode}): {out.stderr}")
    return out.stdout


def numpy_probabilities(np, arrays, pixels):
    """The network of the npz archive on uint8 images (N x 3072), in float64: N x K."""
    widths = arrays["layer_widths"]
    layers = len(widths) - 1
    batch_norm = int(arrays["batch_norm"]) == 1
    x = (pixels.astype(np.float64) - arrays["norm_mean"]) * arrays["norm_inv_std"]  # N x D
    for l in range(1, layers + 1):
        x = x @ arrays[f"W{l}"].astype(np.float64).T + arrays[f"b{l}"]  # W is (out, in)
        if l == layers:
            break
        if batch_norm:
            eps = float(arrays["bn_epsilon"])
            x = (x - arrays[f"running_mean{l}"]) / np.sqrt(arrays[f"running_var{l}"] + eps)
            x = x * arrays[f"gamma{l}"] + arrays[f"beta{l}"]
        x = np.maximum(x, 0.0)
    x = x - x.max(axis=1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=1, keepdims=True)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    binary = sys.argv[1]
    data = os.environ.get("CIFAR10_DIR", "")
    if not data:
        print("skipped: CIFAR10_DIR is not set")
        return SKIP
    try:
        import numpy as np
    except ImportError:
        print("skipped: numpy is not installed (Debian python3-numpy)")
        return SKIP
    test_batch = os.path.join(data, "test_batch.bin")
    if not os.path.exists(test_batch):
        test_batch = os.path.join(data, "cifar-10-batches-bin", "test_batch.bin")
    with open(test_batch, "rb") as f:
        records = f.read(IMAGES * RECORD)
    raw = np.frombuffer(records, dtype=np.uint8).reshape(IMAGES, RECORD)
    pixels = raw[:, 1:]

    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        batch = os.path.join(tmp, "test1000.bin")
        with open(batch, "wb") as f:
            f.write(records)
        for name, flags in [("plain", ["--hidden", "50"]),
                            ("batch-norm", ["--hidden", "50,30", "--batch-norm"])]:
            out = os.path.join(tmp, name)
            run(binary, "train", "--data", data, "--n-s", "100", "--evals-per-cycle", "0",
                "--threads", "1", "--out", out, *flags)
            model = os.path.join(out, "model.tmlp")
            npz = os.path.join(tmp, name + ".npz")
            exported = json.loads(run(binary, "export", "--json", "--model", model, npz))
            assert exported["wrote"] == [npz], exported
            doc = json.loads(run(binary, "predict", "--json", "--per-image", "--top", "10",
                                 "--decimals", "9", "--model", model, batch))
            expected = np.zeros((IMAGES, 10))
            for row in doc["predictions"]:
                for top in row["top"]:
                    expected[row["image"], top["index"]] = top["probability"]
            with np.load(npz) as arrays:
                got = numpy_probabilities(np, arrays, pixels)
            differ = int((got.argmax(axis=1) != expected.argmax(axis=1)).sum())
            difference = float(np.abs(got - expected).max())
            worst = max(worst, difference)
            print(f"{name}: {IMAGES} images, {differ} classified differently, "
                  f"largest probability difference {difference:.3g}")
            if differ or difference > 1e-4:
                print(f"FAILED: numpy and tinymlp predict disagree on the {name} network")
                return 1
    print(f"largest probability difference {worst:.3g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
