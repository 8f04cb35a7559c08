#!/usr/bin/python3
"""bench/inference's peer: the same demo weights (read from model.onnx) in PyTorch, on the CPU, timed like
InferenceBench: prints 'torch BATCH IMAGES_PER_SECOND CALL_P50_MS CALL_P95_MS MS_PER_IMAGE' per batch size.

    bench/inference-torch.py MODEL_DIR IMAGES RUNS THREADS
"""
import math
import pathlib
import statistics
import sys
import time

import onnx
import onnx.numpy_helper
import torch

root = pathlib.Path(__file__).resolve().parent.parent
sys.dont_write_bytecode = True  # no __pycache__ in model/
sys.path.insert(0, str(root / "model"))
from make_demo_model import DemoNet  # noqa: E402  the architecture the demo model was exported from


def main():
    model_dir, images, runs, threads = pathlib.Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    net = DemoNet()
    weights = {i.name: torch.from_numpy(onnx.numpy_helper.to_array(i).copy())
               for i in onnx.load(str(model_dir / "model.onnx")).graph.initializer}
    net.load_state_dict(weights)
    net.eval()
    generator = torch.Generator().manual_seed(1)
    data = torch.randn(images, 1, 1, 256, 256, generator=generator) * 0.6
    with torch.inference_mode():
        for batch in (1, 8):
            measure(net, data[:32], batch)
            rates, p50, p95 = [], [], []
            for _ in range(runs):
                calls = measure(net, data, batch)
                rates.append(images / (sum(calls) / 1e3))
                calls.sort()
                p50.append(calls[len(calls) // 2])
                p95.append(calls[min(len(calls) - 1, math.ceil(len(calls) * 0.95) - 1)])
            rate = statistics.median_low(rates)
            print(f"torch {batch} {rate:.1f} {statistics.median_low(p50):.2f} {statistics.median_low(p95):.2f} "
                  f"{1e3 / rate:.2f}")


def measure(net, data, batch):
    calls = []
    for start in range(0, len(data), batch):
        images = data[start:start + batch].reshape(-1, 1, 256, 256)
        began = time.perf_counter()
        net(images)
        calls.append((time.perf_counter() - began) * 1e3)
    return calls


if __name__ == "__main__":
    main()
