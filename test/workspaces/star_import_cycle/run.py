import torch
from models import TinyVAE

model = TinyVAE(3, 8)
recons, _, mu, log_var = model(torch.randn(2, 3, 16, 16))
