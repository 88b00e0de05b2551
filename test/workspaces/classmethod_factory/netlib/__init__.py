from .model import ScalableNet
