# A notebook-style script: its helpers live one folder up, added to sys.path by a relative path
# (resolved against the folder the script runs in, its own).
import sys

sys.path.insert(0, '../shared')

import torch.nn as nn
from helper_data import get_loader
from helper_train import train


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.fc = nn.Linear(8 * 12 * 12, 10)

    def forward(self, x):
        x = self.conv(x)  # shape: (8, 8, 12, 12)
        return self.fc(x.flatten(1))  # shape: (8, 10)


train(Net(), get_loader(8))
