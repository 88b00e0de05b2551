import torch
from model import Net

net = Net(classes=10)
y = net(torch.randn(2, 3, 16, 16))
