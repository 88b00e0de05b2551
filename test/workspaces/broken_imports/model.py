# Imports that cannot all be followed: a missing module, a missing relative module, a file that
# does not parse, and an import cycle. Nothing crashes, and what cannot be known stays unknown:
# no error is reported on it.
import torch
import torch.nn as nn
from cycle_a import body
from not_installed_anywhere import MysteryBlock
from .sibling_that_is_not_there import Thing
from half_written import Half
import another_missing.module as am


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.body = body()
        self.mystery = MysteryBlock(8, 16)
        self.thing = Thing()
        self.half = Half()
        self.other = am.Layer(16)
        self.fc = nn.Linear(99, 10)

    def forward(self, x):
        x = self.stem(x)  # shape: (2, 8, 16, 16)
        x = self.body(x)  # shape: (2, 8, 16, 16)
        x = self.mystery(x)
        x = self.thing(x)
        x = self.half(x)
        x = self.other(x)
        return self.fc(x.flatten(1))


net = Net()
y = net(torch.randn(2, 3, 16, 16))
