# Sub-modules of model.py's Net. The --input shape (1, 3, 64, 64) is the image Net takes: fed to
# Neck, which expects Stem's 16 channels, it would raise a false conv-in-channels error here.
import torch.nn as nn


class Stem(nn.Module):
    def __init__(self, cin=3, cout=16):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, stride=2, padding=1)

    def forward(self, x):
        return self.conv(x).relu()


class Neck(nn.Module):  # source: symbolic
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(16, 32, 3, padding=1)

    def forward(self, x):
        return self.conv(x)
