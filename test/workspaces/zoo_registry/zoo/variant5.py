# Another model of the zoo, with blocks of its own under the same names (and torch's LayerNorm).
import torch
from torch import nn


class FeedForward(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.net = nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, dim * 5))

    def forward(self, x):
        return self.net(x)


if __name__ == '__main__':
    ff = FeedForward(16)
    print(ff(torch.randn(1, 5, 16)).shape)
