import torch
import torch.nn.functional as F
from torch import nn


# input: (N, 4, 12, 10)
class ModelTorch(nn.Module):
    """PyTorch version of the Keras model `model`; tensors are channels first (the Keras model is channels-last)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(4, 6, kernel_size=3, padding=1)
        # Dense acts on the channels: move them last for the Linear and back.
        self.fc1 = nn.Linear(4, 6)
        self.upsample = nn.Upsample(scale_factor=2, mode='nearest')
        self.pool1 = nn.AdaptiveMaxPool2d(1)
        # Keras 'causal' padding: zeros on the left only.
        self.conv2 = nn.Conv1d(48, 5, kernel_size=3)
        # LayerNormalization normalises the channels: move them last and back.
        self.norm = nn.LayerNorm(5, eps=0.001)
        self.pool2 = nn.AdaptiveAvgPool1d(1)
        self.fc2 = nn.Linear(12, 5)

    def forward(self, x):
        a = torch.tanh(self.conv1(x))
        b = self.fc1(x.movedim(1, -1)).movedim(-1, 1)
        m = a * b
        c = torch.cat([a, m], dim=1)
        # Cropping: negative padding removes rows and columns.
        c = F.pad(c, (-2, 0, -1, -1))
        c = self.upsample(c)
        p = c.permute(0, 1, 3, 2)
        g = torch.flatten(self.pool1(p), 1)
        # Keras reshapes channels-last: move the channels last around the reshape.
        r = x.movedim(1, -1).reshape(x.shape[0], 10, 48).movedim(-1, 1)
        r = self.conv2(F.pad(r, (2, 0)))
        r = self.norm(r.movedim(1, -1)).movedim(-1, 1)
        r = torch.flatten(self.pool2(r), 1)
        g = self.fc2(g)
        outputs = (g + r) / 2
        return outputs
