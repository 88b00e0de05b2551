# Sub-modules of model.py's Net. The --input shape (1, 3, 64, 64) is the image Net takes: fed to
# Neck, which expects Stem's 16 channels, it would raise a false conv-in-channels error here. This
# file's analysis shows the blocks inside Net instead, with the shapes they take there.
import torch.nn as nn


class Stem(nn.Module):
    def __init__(self, cin=3, cout=16):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, stride=2, padding=1)

    def forward(self, x):
        return self.conv(x).relu()  # shape: (1, 16, 32, 32)


class Neck(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(16, 32, 3, padding=1)

    def forward(self, x):
        return self.conv(x)  # shape: (1, 32, 32, 32)
