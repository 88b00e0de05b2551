import torch.nn as nn

WIDTHS = (8, 16, 32)


def stage(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride=2, padding=1), nn.GELU())


class Backbone(nn.Module):
    def __init__(self, in_channels=1):
        super().__init__()
        stages = []
        c = in_channels
        for w in WIDTHS:
            stages.append(stage(c, w))
            c = w
        self.stages = nn.Sequential(*stages)
        self.out_channels = c

    def forward(self, x):
        return self.stages(x)
