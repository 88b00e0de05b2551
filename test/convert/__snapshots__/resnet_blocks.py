import torch
import torch.nn.functional as F
from torch import nn


# input: (N, 3, 32, 32)
class BuildResnetTorch(nn.Module):
    """PyTorch version of the Keras model `build_resnet`; tensors are channels first (the Keras model is channels-last)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(16, 16, kernel_size=3, padding=1)
        self.bn1 = nn.BatchNorm2d(16, eps=0.001, momentum=0.01)
        self.conv3 = nn.Conv2d(16, 16, kernel_size=3, padding=1)
        # TensorFlow 'same' padding puts the extra row/column at the bottom/right.
        self.conv4 = nn.Conv2d(16, 32, kernel_size=3, stride=2)
        self.bn2 = nn.BatchNorm2d(32, eps=0.001, momentum=0.01)
        self.conv5 = nn.Conv2d(32, 32, kernel_size=3, padding=1)
        self.conv6 = nn.Conv2d(16, 32, kernel_size=1, stride=2)
        # TensorFlow 'same' padding puts the extra row/column at the bottom/right.
        self.conv7 = nn.Conv2d(32, 64, kernel_size=3, stride=2)
        self.bn3 = nn.BatchNorm2d(64, eps=0.001, momentum=0.01)
        self.conv8 = nn.Conv2d(64, 64, kernel_size=3, padding=1)
        self.conv9 = nn.Conv2d(32, 64, kernel_size=1, stride=2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Linear(64, 32)
        self.fc2 = nn.Linear(32, 32)
        self.fc3 = nn.Linear(32, 10)

    def forward(self, x):
        x = self.conv1(x)
        y = self.conv2(x)
        y = self.bn1(y)
        y = F.relu(y)
        y = self.conv3(y)
        x = y + x
        x = F.relu(x)
        y = self.conv4(F.pad(x, (0, 1, 0, 1)))
        y = self.bn2(y)
        y = F.relu(y)
        y = self.conv5(y)
        x = self.conv6(x)
        x = y + x
        x = F.relu(x)
        y = self.conv7(F.pad(x, (0, 1, 0, 1)))
        y = self.bn3(y)
        y = F.relu(y)
        y = self.conv8(y)
        shortcut = self.conv9(x)
        x = y + shortcut
        x = F.relu(x)
        x = torch.flatten(self.pool(x), 1)
        x = self.fc1(x)
        x = self.fc2(x)
        outputs = self.fc3(x)
        return outputs
