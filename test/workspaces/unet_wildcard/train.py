# The script that builds the model: its arguments and example input are the model's.
import torch
from segnet import TinyUNet


def train(model, epochs):
    for _ in range(epochs):
        pass


if __name__ == '__main__':
    model = TinyUNet(in_ch=3, n_classes=4)
    logits = model(torch.randn(2, 3, 64, 64))
    train(model, epochs=1)
