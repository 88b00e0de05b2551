# A model zoo whose constructors are bound by name in loops, as some published packages do: stubs
# written for the editor (`def small_b(*args, **kwargs): pass`) that a loop rebinds with
# `setattr(thismodule, name, partial(...))`, and names that only `globals()[...] = ...` binds.
import sys
from functools import partial

import torch.nn as nn


class Small(nn.Module):
    def __init__(self, width=8, num_classes=10):
        super().__init__()
        self.conv = nn.Conv2d(3, width, 3, padding=1)
        self.fc = nn.Linear(width, num_classes)

    def forward(self, x):
        x = self.conv(x)
        return self.fc(x.mean((2, 3)))


def _small(width, num_classes, pretrained=False):
    return Small(width, num_classes)


def small_a(*args, **kwargs): pass
def small_b(*args, **kwargs): pass


thismodule = sys.modules[__name__]
for width, name in zip([4, 12], ["a", "b"]):
    setattr(thismodule, f"small_{name}", partial(_small, width=width, num_classes=6))

for width in [16, 24]:
    globals()[f"tiny_{width}"] = partial(_small, width=width, num_classes=2)
