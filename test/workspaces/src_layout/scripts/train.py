import torch
from tinyzoo import Classifier


def main():
    model = Classifier(10)
    return model


if __name__ == '__main__':
    clf = Classifier(n_classes=10, in_channels=1)
    clf(torch.randn(3, 1, 28, 28))
