import torch
import torch.nn.functional as F
from torch import nn


# input: (N, 3, 32, 32), (N, 10)
class ModelTorch(nn.Module):
    """PyTorch version of the Keras model `model`; tensors are channels first (the Keras model is channels-last)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(3, 16, kernel_size=5, padding=2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(10, 32)
        self.cls = nn.Linear(64, 5)
        self.value = nn.Linear(32, 1)

    def forward(self, image, meta):
        a = F.relu(self.conv1(image))
        b = self.conv2(image)
        s = a + b
        c = torch.cat([a, s], dim=1)
        c = torch.cat([c, c], dim=2)
        f = torch.flatten(self.pool(c), 1)
        m = F.relu(self.fc(meta))
        joined = torch.cat([f, m], dim=1)
        summed = f + m
        out_class = F.softmax(self.cls(joined), dim=1)
        out_value = self.value(summed)
        return out_class, out_value
