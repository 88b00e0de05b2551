# Every import form a package uses for its own modules.
import torch.nn as nn
from .blocks import ConvBNReLU
from . import blocks
from .layers import PoolHead
from pkg.blocks import Squeeze as SE
import pkg.blocks as pb


class Net(nn.Module):  # source: call
    def __init__(self, n_classes=7):
        super().__init__()
        self.a = ConvBNReLU(3, 16, stride=2)
        self.b = blocks.ConvBNReLU(16, 32, stride=2)
        self.se = SE(32)
        self.c = pb.ConvBNReLU(32, 32)
        self.head = PoolHead(32, n_classes)

    def forward(self, x):
        x = self.a(x)  # shape: (1, 16, 24, 24)
        x = self.b(x)  # shape: (1, 32, 12, 12)
        x = self.se(x)  # shape: (1, 32, 12, 12)
        x = self.c(x)  # shape: (1, 32, 12, 12)
        y = self.head(x)  # shape: (1, 5)
        return y
