import torch.nn as nn


class Half(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(8, 8, 3, padding=1
    def forward(self, x):
        return self.conv(x)


def broken(:
