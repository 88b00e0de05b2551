import torch
from torch import nn


# input: (N, 3, 15, 16)
class ModelTorch(nn.Module):
    """PyTorch version of the Keras model `model`; tensors are channels first (the Keras model is channels-last)."""

    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(
            # TensorFlow 'same' padding puts the extra row/column at the bottom/right.
            nn.ZeroPad2d((0, 1, 1, 1)),
            nn.Conv2d(3, 8, kernel_size=3, stride=2),
            nn.ReLU(),
            # TensorFlow 'same' padding puts the extra row/column at the bottom/right.
            nn.ZeroPad2d((1, 2, 1, 2)),
            nn.Conv2d(8, 8, kernel_size=4),
            nn.BatchNorm2d(8, eps=1e-05, momentum=0.1),
            # TensorFlow 'same' pooling: the last window runs past the bottom/right edge and sees only real elements (ceil_mode).
            nn.MaxPool2d(3, stride=2, ceil_mode=True),
            # TensorFlow 'same' padding puts the extra row/column at the bottom/right.
            nn.ZeroPad2d((0, 1, 0, 1)),
            nn.Conv2d(8, 6, kernel_size=2, bias=False),
            nn.AvgPool2d(2, count_include_pad=False),
            # Depthwise convolution: one group per input channel.
            nn.Conv2d(6, 12, kernel_size=3, padding=1, groups=6),
            # SeparableConv: a depthwise convolution, then a 1×1 pointwise one.
            nn.ZeroPad2d((0, 1, 0, 1)),
            nn.Conv2d(12, 12, kernel_size=3, stride=2, groups=12, bias=False),
            nn.Conv2d(12, 4, kernel_size=1),
            nn.Flatten(),
            nn.Linear(4, 5),
            nn.Softmax(dim=1),
        )

    def forward(self, x):
        return self.layers(x)
