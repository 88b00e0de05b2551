import torch
from torch import nn


class ChannelsLastFlatten(nn.Module):
    """Flattens like Keras: channels last, so that weights ported from Keras give the same outputs."""

    def forward(self, x):
        return torch.flatten(x.movedim(1, -1), 1)


# input: (N, 1, 28, 28)
class CNN_modelTorch(nn.Module):
    """PyTorch version of the Keras model `CNN_model`; tensors are channels first (the Keras model is channels-last)."""

    def __init__(self):
        super().__init__()
        self.model = nn.Sequential(
            nn.Conv2d(1, 3, kernel_size=3, padding=1),
            nn.MaxPool2d(2),
            nn.ReLU(),
            # TensorFlow 'same' padding puts the extra row/column at the bottom/right.
            nn.ZeroPad2d((0, 1, 0, 1)),
            nn.Conv2d(3, 6, kernel_size=3, stride=2),
            nn.ReLU(),
            # Keras flattens channels-last: permute first so that weights ported from Keras give the same outputs.
            ChannelsLastFlatten(),
            nn.Linear(294, 10),
        )

    def forward(self, x):
        return self.model(x)
