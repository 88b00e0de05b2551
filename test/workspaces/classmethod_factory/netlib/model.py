# A model built through a classmethod that reads a named configuration, as model zoos do
# (`ScalableNet.from_name('small')` in the training script): the script that calls it is found
# and its instance and example input are this class's.
import torch.nn as nn

CONFIGS = {'small': (8, 2), 'large': (16, 3)}


class ScalableNet(nn.Module):
    def __init__(self, width=None, depth=None, num_classes=10):
        super().__init__()
        assert width is not None and depth is not None, 'use ScalableNet.from_name'
        layers = [nn.Conv2d(3, width, 3, padding=1), nn.ReLU()]
        for _ in range(depth - 1):
            layers += [nn.Conv2d(width, width * 2, 3, stride=2, padding=1), nn.ReLU()]
            width *= 2
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(width, num_classes)

    @classmethod
    def from_name(cls, name, **override):
        width, depth = CONFIGS[name]
        return cls(width=width, depth=depth, **override)

    def forward(self, x):
        x = self.pool(self.features(x))
        return self.fc(x.flatten(1))
