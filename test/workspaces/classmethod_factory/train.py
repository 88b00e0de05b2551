import torch
from netlib import ScalableNet

net = ScalableNet.from_name('large', num_classes=5)
net.eval()
out = net(torch.randn(2, 3, 32, 32))
