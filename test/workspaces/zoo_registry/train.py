import torch
from zoo import build_mixer

model = build_mixer('small', num_classes=7)
model.eval()
logits = model(torch.randn(2, 3, 32, 32))
