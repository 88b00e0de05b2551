# Picks its models by name: an attribute of the package named by a flag, a name only a loop of the
# zoo binds, and this script's own classes through globals() and sys.modules.
import argparse
import sys

import torch
import zoo
from zoo.nets import tiny_24


class Head(torch.nn.Module):
    def __init__(self, num_classes=4):
        super().__init__()
        self.fc = torch.nn.Linear(3, num_classes)

    def forward(self, x):
        return self.fc(x.mean((2, 3)))


parser = argparse.ArgumentParser()
parser.add_argument("--arch", default="small_b")
parser.add_argument("--head", default="Head")
args = parser.parse_args()


class Picks(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.net = getattr(zoo, args.arch)()
        self.tiny = tiny_24()
        self.head = globals()[args.head](num_classes=5)
        self.same = getattr(sys.modules[__name__], args.head)(num_classes=7)

    def forward(self, x):
        a = self.net(x)  # shape: (2, 6)
        b = self.tiny.conv(x)  # shape: (2, 24, 16, 16)
        c = self.head(x)  # shape: (2, 5)
        d = self.same(x)  # shape: (2, 7)
        return a, b, c, d


picks = Picks()

if __name__ == "__main__":
    for out in picks(torch.randn(2, 3, 16, 16)):
        print(out.shape)
