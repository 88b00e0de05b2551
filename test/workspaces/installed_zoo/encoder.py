# A zoo backbone without its head: its children, all but the last, in a Sequential; the head's
# input width read from the backbone's own Linear.
import torch
import torch.nn as nn
from minivision import models


class Encoder(nn.Module):  # source: call
    def __init__(self, dim=16):
        super().__init__()
        backbone = models.resnet14()
        self.body = nn.Sequential(*list(backbone.children())[:-1])
        self.proj = nn.Linear(backbone.fc.in_features, dim)  # params: 1040

    def forward(self, x):
        f = self.body(x).flatten(1)  # shape: (3, 64)
        return self.proj(f)


enc = Encoder()
enc(torch.randn(3, 3, 48, 48))
