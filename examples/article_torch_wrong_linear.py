# The article's PyTorch model with a classic slip: the flattened size written for the wrong
# spatial size. With 28x28 inputs the last feature map is 6x7x7 = 294, not 6*14*14.
import torch
from torch import nn


# input: (1, 1, 28, 28)
class CNN_NN(nn.Module):
    def __init__(self):
        super().__init__()

        self.model = nn.Sequential(
            nn.Conv2d(in_channels=1, out_channels=3, kernel_size=3, stride=1, padding=1),
            nn.MaxPool2d(kernel_size=2),
            nn.ReLU(inplace=True),
            nn.Conv2d(3, 6, kernel_size=3, stride=2, padding=1),
            nn.ReLU(inplace=True),
            nn.Flatten(),
            nn.Linear(6*14*14, 10)
            )

    def forward(self, x):
        x = self.model(x)

        return x
