# The model gives the block a channel count that contradicts the layer before: the error is
# reported on the number to change, in this file.
import torch
import torch.nn as nn
from blocks import ConvBNReLU, Widen


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = ConvBNReLU(3, 16)
        self.b = ConvBNReLU(32, 64)  # error: [conv-in-channels]
        self.w = Widen(64)

    def forward(self, x):
        return self.w(self.b(self.a(x)))


net = Net()
out = net(torch.randn(1, 3, 32, 32))
