import torch.nn as nn


class ConvBNReLU(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return self.bn(self.conv(x)).relu()


class Widen(nn.Module):
    def __init__(self, cin):
        super().__init__()
        self.conv = nn.Conv2d(cin, 64, 1)
        # A number written in the block: wrong for the 32 channels model.py gives it.
        self.bn = nn.BatchNorm2d(48)  # error: [norm-num-features]

    def forward(self, x):
        return self.bn(self.conv(x))
