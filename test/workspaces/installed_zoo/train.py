# A pretrained-style backbone from the installed zoo, its head replaced by the identity.
import torch
import torch.nn as nn
import minivision

backbone = minivision.models.resnet10(weights=None)  # source: call
backbone.fc = nn.Identity()
features = backbone(torch.randn(2, 3, 64, 64))
