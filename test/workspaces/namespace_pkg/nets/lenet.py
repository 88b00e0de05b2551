# A module of a namespace package: the folder nets/ has no __init__.py.
import torch.nn as nn
import torch.nn.functional as F


class LeNet(nn.Module):  # source: call
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 4 * 4, 120)
        self.fc2 = nn.Linear(120, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)  # shape: (5, 6, 12, 12)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)  # shape: (5, 16, 4, 4)
        x = x.view(-1, 16 * 4 * 4)
        x = F.relu(self.fc1(x))  # shape: (5, 120)
        return self.fc2(x)
