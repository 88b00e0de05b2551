# Two levels up: `from ..blocks import ...` reaches the package's blocks.
import torch
import torch.nn as nn
from ..blocks import ConvBNReLU


class PoolHead(nn.Module):
    def __init__(self, cin, n_classes):
        super().__init__()
        self.conv = ConvBNReLU(cin, cin * 2)
        self.fc = nn.Linear(cin * 2, n_classes)

    def forward(self, x):
        x = self.conv(x)
        x = torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1)
        return self.fc(x)
