# Every model of the package, re-exported through wildcard imports.
from .vgg import *
from .resnet import *
