import torch
import torch.nn.functional as F
from torch import nn


# input: (N, 15)
class ModelTorch(nn.Module):
    """PyTorch version of the Keras model `model`; tensors are channels first (the Keras model is channels-last)."""

    def __init__(self):
        super().__init__()
        # The embedding features become the channels (axis 1).
        self.embedding = nn.Embedding(50, 12)
        self.lstm = nn.LSTM(12, 8, batch_first=True, bidirectional=True)
        self.gru = nn.GRU(16, 6, batch_first=True)
        self.rnn = nn.RNN(6, 5, nonlinearity='relu', batch_first=True)
        # Dense acts on the channels: move them last for the Linear and back.
        self.fc = nn.Linear(5, 4)

    def forward(self, x):
        x = self.embedding(x).movedim(-1, 1)
        x = self.lstm(x.movedim(1, -1))[0].movedim(-1, 1)
        x = self.gru(x.movedim(1, -1))[0].movedim(-1, 1)
        x = self.rnn(x.movedim(1, -1))[0].movedim(-1, 1)
        outputs = F.softmax(self.fc(x.movedim(1, -1)).movedim(-1, 1), dim=1)
        return outputs
