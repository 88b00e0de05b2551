# A zoo model whose classifier is replaced by one for 10 classes, and a model built from zoo parts.
import torch
import torch.nn as nn
from minivision.models import mobilenet_tiny
from minivision.ops import ConvNormAct

model = mobilenet_tiny(width_mult=1.0)  # source: call
model.classifier[1] = nn.Linear(model.last_channel, 10)  # shape: (4, 10)
logits = model(torch.randn(4, 3, 32, 32))


class Head(nn.Module):  # source: call
    def __init__(self):
        super().__init__()
        self.stem = ConvNormAct(3, 8, stride=2)
        self.fc = nn.Linear(8, 2)

    def forward(self, x):
        x = self.stem(x)  # shape: (1, 8, 16, 16)
        x = x.mean((2, 3))
        return self.fc(x)


head = Head()
out = head(torch.randn(1, 3, 32, 32))
