"""The training-speed peer of `npm run bench`: the V3 recipe in PyTorch, one thread.

Reads the rows, labels, network configuration and options that our training gets (bench.ts writes
them as JSON next to a float32 file), trains the same network the same way, and prints one JSON
line with the seconds the training loop took (imports and data loading excluded, as on our side),
wall-clock and CPU (process time: on a loaded machine the CPU seconds vary less than the wall's).

The recipe, as server/src/core/network/ implements it: residual blocks h = act(x W_in + b_in),
y = h + act(h W_res + b_res); encoder to a tanh latent, a mirrored decoder to a sigmoid output, a
projection head for SupCon (temperature, L2-normalised projections, positives share a label);
Adam with a cosine decay by step down to lr/100; batches of equal size (+-1 row) over a fresh
permutation each epoch; lambda annealed linearly over the epochs; with the "gradient" balance the
SupCon gradient at the latent is rescaled to lambda times the norm of the reconstruction's.
"""
import json
import math
import sys
import time

import numpy as np
import torch

torch.set_num_threads(1)
torch.manual_seed(1)


def activation(name):
    return torch.nn.ELU() if name == "elu" else torch.nn.ReLU()


class Blocks(torch.nn.Module):
    def __init__(self, width, widths, act):
        super().__init__()
        self.inputs = torch.nn.ModuleList()
        self.residuals = torch.nn.ModuleList()
        for block_width in widths:
            self.inputs.append(torch.nn.Linear(width, block_width))
            self.residuals.append(torch.nn.Linear(block_width, block_width))
            width = block_width
        self.act = act

    def forward(self, x):
        for layer, residual in zip(self.inputs, self.residuals):
            h = self.act(layer(x))
            x = h + self.act(residual(h))
        return x


class Network(torch.nn.Module):
    def __init__(self, config):
        super().__init__()
        act = activation(config["activation"])
        hidden = config["hidden"]
        self.encoder = Blocks(config["inputSize"], hidden, act)
        self.latent = torch.nn.Linear(hidden[-1], config["latentSize"])
        self.decoder = Blocks(config["latentSize"], list(reversed(hidden)), act)
        self.output = torch.nn.Linear(hidden[0], config["inputSize"])
        self.projection = torch.nn.Sequential(
            torch.nn.Linear(config["latentSize"], config["projectionHidden"]),
            act,
            torch.nn.Linear(config["projectionHidden"], config["projectionSize"]),
        )

    def encode(self, x):
        return torch.tanh(self.latent(self.encoder(x)))

    def decode(self, z):
        return torch.sigmoid(self.output(self.decoder(z)))


def supcon(projection, labels, temperature):
    q = torch.nn.functional.normalize(projection, dim=1)
    similarity = q @ q.t() / temperature
    size = labels.shape[0]
    eye = torch.eye(size, dtype=torch.bool)
    positives = (labels[:, None] == labels[None, :]) & ~eye & (labels[:, None] >= 0)
    counts = positives.sum(1)
    anchors = counts > 0
    if not bool(anchors.any()):
        return similarity.sum() * 0
    log_denominator = torch.logsumexp(similarity.masked_fill(eye, float("-inf")), dim=1)
    positive_mean = (similarity * positives).sum(1) / counts.clamp(min=1)
    return (log_denominator - positive_mean)[anchors].mean()


def batch_sizes(n, batch_size):
    count = math.ceil(n / batch_size)
    base, extra = divmod(n, count)
    return [base + 1 if i < extra else base for i in range(count)]


def main():
    spec = json.load(open(sys.argv[1]))
    config, options = spec["config"], spec["options"]
    n = spec["n"]
    rows = torch.from_numpy(np.fromfile(spec["rowsFile"], dtype=np.float32).reshape(n, config["inputSize"]))
    labels = torch.tensor(spec["labels"], dtype=torch.int64)
    network = Network(config)
    # foreach: one kernel per moment over all parameters, the fastest Adam PyTorch 1.13 offers on the CPU.
    optimizer = torch.optim.Adam(network.parameters(), lr=options["learningRate"], foreach=True)
    epochs, batch = options["epochs"], options["batchSize"]
    sizes = batch_sizes(n, batch)
    total_steps = epochs * len(sizes)
    final_rate = options.get("finalLearningRate", options["learningRate"] / 100)
    start, end = options["contrastiveWeightStart"], options["contrastiveWeightEnd"]
    gradient_balance = options.get("contrastiveBalance", "gradient") == "gradient"
    generator = torch.Generator().manual_seed(options["seed"])
    step = 0
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    for epoch in range(epochs):
        weight = start if epochs <= 1 else start + (end - start) * epoch / (epochs - 1)
        order = torch.randperm(n, generator=generator)
        offset = 0
        for size in sizes:
            index = order[offset : offset + size]
            offset += size
            x, y = rows[index], labels[index]
            progress = step / max(1, total_steps - 1)
            rate = final_rate + (options["learningRate"] - final_rate) * 0.5 * (1 + math.cos(math.pi * progress))
            for group in optimizer.param_groups:
                group["lr"] = rate
            optimizer.zero_grad(set_to_none=True)
            z = network.encode(x)
            if gradient_balance:
                z_decoder = z.detach().requires_grad_()
                torch.nn.functional.mse_loss(network.decode(z_decoder), x).backward()
                z_projection = z.detach().requires_grad_()
                supcon(network.projection(z_projection), y, options["temperature"]).backward()
                reconstruction, contrastive = z_decoder.grad, z_projection.grad
                scale = weight * reconstruction.norm() / (contrastive.norm() + 1e-12)
                z.backward(reconstruction + scale * contrastive)
            else:
                loss = torch.nn.functional.mse_loss(network.decode(z), x)
                loss = loss + weight * supcon(network.projection(z), y, options["temperature"])
                loss.backward()
            optimizer.step()
            step += 1
    seconds = time.perf_counter() - t0
    cpu_seconds = time.process_time() - cpu0
    print(json.dumps({"seconds": seconds, "cpuSeconds": cpu_seconds, "torch": torch.__version__, "threads": torch.get_num_threads()}))


main()
