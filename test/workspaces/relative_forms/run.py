import torch
from pkg.net import Net

net = Net(n_classes=5)
print(net(torch.zeros(1, 3, 48, 48)).shape)
