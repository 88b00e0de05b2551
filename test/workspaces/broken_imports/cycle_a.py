# cycle_a and cycle_b import each other; each name still resolves where Python would resolve it.
import torch.nn as nn
from cycle_b import WIDTH

DEPTH = 2


def body():
    return nn.Sequential(*[nn.Conv2d(WIDTH, WIDTH, 3, padding=1) for _ in range(DEPTH)])
