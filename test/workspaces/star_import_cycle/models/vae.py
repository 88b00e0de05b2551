# A model whose base class comes from its own package by an absolute import that closes a cycle:
# the model is found, and built and run as the script does.
import torch
from models import BaseVAE
from torch import nn


class TinyVAE(BaseVAE):  # source: call
    def __init__(self, in_channels=3, latent_dim=8):
        super().__init__()
        self.encoder = nn.Sequential(nn.Conv2d(in_channels, 16, 3, stride=2, padding=1), nn.ReLU())
        self.fc_mu = nn.Linear(16 * 8 * 8, latent_dim)
        self.fc_var = nn.Linear(16 * 8 * 8, latent_dim)
        self.decoder_input = nn.Linear(latent_dim, 16 * 8 * 8)
        self.decoder = nn.ConvTranspose2d(16, in_channels, 4, stride=2, padding=1)

    def encode(self, x):
        h = torch.flatten(self.encoder(x), start_dim=1)  # shape: (2, 1024)
        return [self.fc_mu(h), self.fc_var(h)]

    def forward(self, x):
        mu, log_var = self.encode(x)
        z = mu + torch.randn_like(log_var) * torch.exp(0.5 * log_var)  # shape: (2, 8)
        h = self.decoder_input(z).view(-1, 16, 8, 8)
        return [self.decoder(h), x, mu, log_var]
