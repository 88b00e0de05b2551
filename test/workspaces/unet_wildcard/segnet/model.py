# The model takes its sizes as required arguments; train.py gives them and the example input.
from .parts import *


class TinyUNet(nn.Module):  # source: call
    def __init__(self, in_ch, n_classes, width=16):
        super().__init__()
        self.stem = TwoConvs(in_ch, width)
        self.down1 = Encoder(width, width * 2)
        self.down2 = Encoder(width * 2, width * 4)
        self.up1 = Decoder(width * 4, width * 2)
        self.up2 = Decoder(width * 2, width)
        self.head = Head(width, n_classes)

    def forward(self, x):
        s1 = self.stem(x)  # shape: (2, 16, 64, 64)
        s2 = self.down1(s1)  # shape: (2, 32, 32, 32)
        s3 = self.down2(s2)  # shape: (2, 64, 16, 16)
        y = self.up1(s3, s2)  # shape: (2, 32, 32, 32)
        y = self.up2(y, s1)  # shape: (2, 16, 64, 64)
        out = self.head(y)  # shape: (2, 4, 64, 64)
        return out
