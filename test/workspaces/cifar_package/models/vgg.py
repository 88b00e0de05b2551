# A VGG configured by name; the configurations are a module global read by the class.
import torch.nn as nn

__all__ = ['VGG']


class VGG(nn.Module):  # source: call
    def __init__(self, name, num_classes=10):
        super().__init__()
        self.features = self._make_layers(CONFIGS[name])
        self.classifier = nn.Linear(128, num_classes)

    def forward(self, x):
        out = self.features(x)  # shape: (4, 128, 1, 1)
        out = out.view(out.size(0), -1)  # shape: (4, 128)
        out = self.classifier(out)  # shape: (4, 10)
        return out

    def _make_layers(self, cfg):
        layers = []
        channels = 3
        for v in cfg:
            if v == 'M':
                layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
            else:
                layers += [nn.Conv2d(channels, v, kernel_size=3, padding=1), nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
                channels = v
        layers += [nn.AvgPool2d(kernel_size=1, stride=1)]
        return nn.Sequential(*layers)


CONFIGS = {
    'tiny': [32, 'M', 64, 'M', 128, 'M', 128, 'M', 128, 'M'],
    'small': [32, 32, 'M', 64, 64, 'M', 128, 128, 'M', 128, 'M', 128, 'M'],
}
