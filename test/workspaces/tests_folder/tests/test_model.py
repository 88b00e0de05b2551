# A test module of the project: the model is built and fed inside a test function, which pytest
# calls (and the __main__ guard, for real Python's truth).
import torch
from tinynet import TinyNet


def test_forward():
    net = TinyNet(in_ch=1, classes=3)
    out = net(torch.randn(5, 1, 20, 20))
    assert out.shape == (5, 3)


if __name__ == '__main__':
    test_forward()
