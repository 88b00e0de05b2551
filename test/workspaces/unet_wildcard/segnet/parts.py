# Building blocks of a small U-Net; the model imports them all with `from .parts import *`,
# which also brings `torch`, `nn` and `F` into the model's file.
import torch
import torch.nn as nn
import torch.nn.functional as F


class TwoConvs(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(cin, cout, 3, padding=1),
            nn.BatchNorm2d(cout),
            nn.ReLU(inplace=True),
            nn.Conv2d(cout, cout, 3, padding=1),
            nn.ReLU(inplace=True),
        )

    def forward(self, x):
        return self.body(x)


class Encoder(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.pool = nn.MaxPool2d(2)
        self.convs = TwoConvs(cin, cout)

    def forward(self, x):
        return self.convs(self.pool(x))


class Decoder(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.up = nn.ConvTranspose2d(cin, cin // 2, kernel_size=2, stride=2)
        self.convs = TwoConvs(cin, cout)

    def forward(self, low, skip):
        low = self.up(low)
        dy = skip.size(2) - low.size(2)
        dx = skip.size(3) - low.size(3)
        low = F.pad(low, [dx // 2, dx - dx // 2, dy // 2, dy - dy // 2])
        return self.convs(torch.cat([skip, low], dim=1))


class Head(nn.Module):
    def __init__(self, cin, n_classes):
        super(Head, self).__init__()
        self.proj = nn.Conv2d(cin, n_classes, kernel_size=1)

    def forward(self, x):
        return self.proj(x)
