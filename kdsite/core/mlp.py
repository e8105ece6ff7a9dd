"""Multilayer perceptrons in numpy: tanh hidden layers, linear logits, manual backprop."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class MLP:
    """Weights and biases, layer by layer (inputs → hidden … → logits)."""

    weights: list[np.ndarray]
    biases: list[np.ndarray]

    @property
    def sizes(self) -> list[int]:
        """Return the layer widths, inputs first."""
        return [self.weights[0].shape[0]] + [w.shape[1] for w in self.weights]

    @property
    def hidden_layers(self) -> int:
        """Return the number of hidden layers."""
        return len(self.weights) - 1

    def copy(self) -> MLP:
        """Return an independent copy."""
        return MLP([w.copy() for w in self.weights], [b.copy() for b in self.biases])


def layer_sizes(inputs: int, hidden_layers: int, width: int, outputs: int) -> list[int]:
    """Return [inputs, width × hidden_layers, outputs]."""
    return [inputs] + [width] * hidden_layers + [outputs]


def parameter_count(sizes: list[int]) -> int:
    """Return the number of weights and biases of a network with these layer sizes."""
    return sum(a * b + b for a, b in zip(sizes, sizes[1:]))


def init_mlp(sizes: list[int], rng: np.random.Generator) -> MLP:
    """Return a network with Glorot-uniform weights and zero biases."""
    weights, biases = [], []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        weights.append(rng.uniform(-limit, limit, (fan_in, fan_out)))
        biases.append(np.zeros(fan_out))
    return MLP(weights, biases)


def forward(model: MLP, x: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Return the logits and every layer's activations (for backprop)."""
    activations = [x]
    h = x
    last = len(model.weights) - 1
    for i, (w, b) in enumerate(zip(model.weights, model.biases)):
        h = h @ w + b
        if i < last:
            h = np.tanh(h)
        activations.append(h)
    return h, activations


def logits(model: MLP, x: np.ndarray) -> np.ndarray:
    """Return the network's logits for inputs x."""
    return forward(model, x)[0]


def backward(model: MLP, activations: list[np.ndarray], grad_logits: np.ndarray):
    """Return (weight gradients, bias gradients) given ∂loss/∂logits."""
    grads_w, grads_b = [None] * len(model.weights), [None] * len(model.biases)
    delta = grad_logits
    for i in range(len(model.weights) - 1, -1, -1):
        grads_w[i] = activations[i].T @ delta
        grads_b[i] = delta.sum(axis=0)
        if i > 0:
            # tanh'(u) = 1 − tanh(u)², and activations[i] is tanh(u) of the layer below.
            delta = (delta @ model.weights[i].T) * (1.0 - activations[i] ** 2)
    return grads_w, grads_b
