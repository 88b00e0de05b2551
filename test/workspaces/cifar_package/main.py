# Builds two models of the package, one through the package (`models.VGG`), one through a
# submodule's factory, and runs one batch through each.
import torch
import models
from models.resnet import ResNet14

vgg = models.VGG('tiny')
resnet = ResNet14()

if __name__ == '__main__':
    x = torch.randn(4, 3, 32, 32)
    print(vgg(x).shape)
    print(resnet(x).shape)
